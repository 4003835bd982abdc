import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { createRedis, type RedisClient } from '../../app/adapters/redis.ts';
import { createMemcached, mcGet } from '../../app/adapters/memcached.ts';
import { keys } from '../../app/keys.ts';
import { EPOCH_MS, shardOf, shardSchema } from '../../app/schema/ids.ts';
import { nodeOfShard } from '../../app/schema/shard-map.ts';
import { ACTIVITY_CAP } from '../../app/services/activity.ts';
import { isMarker } from '../../app/services/cache.ts';
import { SENTINEL } from '../../app/services/feed.ts';
import type { CheckResult } from '../results/types.ts';
import type { Touched } from './touched.ts';

/**
 * After a trial: the stores agree with each other for everything the trial touched. Redis
 * counters = denormalized counts = rows; every follow on both sides; every upload in every
 * follower's built feed; no like lost; every like in its owner's activity feed up to its cap.
 * Reads the primaries (the truth), not replicas.
 */
export interface ConsistencyTarget {
  /** Primaries in shard-map order. */
  pgUrls: readonly string[];
  redisUrl: string;
  logicalShards: number;
  /** Photos a home feed keeps (the app's feedCap). */
  feedCap: number;
  /** Memcached, to look for pages older than their rows; omitted: not looked for. */
  memcachedUrl?: string;
}

interface Stores {
  pools: PgPool[];
  redis: RedisClient;
  target: ConsistencyTarget;
}

const SAMPLE = 3;

function result(name: string, bad: string[], of: number, what: string): CheckResult {
  return { name, ok: bad.length === 0, detail: `${bad.length} of ${of} ${what} differ${bad.length ? `: ${bad.slice(0, SAMPLE).join('; ')}` : ''}` };
}

/** Ids grouped by logical shard, with the pool of the node owning it. */
function byShard(s: Stores, ids: Iterable<string>): Array<{ schema: string; pool: PgPool; ids: string[] }> {
  const m = new Map<number, string[]>();
  for (const id of ids) {
    const shard = shardOf(BigInt(id));
    if (shard >= s.target.logicalShards) continue;
    m.set(shard, [...(m.get(shard) ?? []), id]);
  }
  return [...m].map(([shard, list]) => ({ schema: shardSchema(shard), pool: s.pools[nodeOfShard(shard, s.target.logicalShards, s.pools.length)]!, ids: list }));
}

/** One query per shard, rows together. */
async function perShard<R extends Record<string, unknown>>(s: Stores, ids: Iterable<string>, sql: (schema: string) => string, extra: unknown[] = []): Promise<R[]> {
  const parts = await Promise.all(byShard(s, ids).map((g) => pgQuery<R>(g.pool, sql(g.schema), [g.ids, ...extra])));
  return parts.flat();
}

const num = (v: string | null | undefined): number => Number(v ?? 0);

async function likeCounters(s: Stores, photos: Set<string>): Promise<{ check: CheckResult; owners: Map<string, string> }> {
  const rows = await perShard<{ id: string; owner_id: string; like_count: number; n: number }>(
    s,
    photos,
    (sc) => `SELECT p.id::text, p.owner_id::text, p.like_count, (SELECT count(*) FROM ${sc}.likes l WHERE l.photo_id = p.id)::int AS n FROM ${sc}.photos p WHERE p.id = ANY($1::bigint[])`,
  );
  const redis = rows.length ? await s.redis.mget(...rows.map((r) => keys.likeCount(r.id))) : [];
  const bad = rows.filter((r, i) => !(r.like_count === r.n && num(redis[i]) === r.n)).map((r) => `photo ${r.id}: redis ${num(redis[rows.indexOf(r)])}, like_count ${r.like_count}, rows ${r.n}`);
  return { check: result('likes: redis counter = like_count = rows', bad, rows.length, 'photos liked or unliked'), owners: new Map(rows.map((r) => [r.id, r.owner_id])) };
}

async function likesKept(s: Stores, touched: Touched): Promise<CheckResult> {
  const pairs = [...touched.likePairs.values()].filter((p) => p.expect !== 'unknown');
  const byPhoto = new Map<string, typeof pairs>();
  for (const p of pairs) byPhoto.set(p.photo, [...(byPhoto.get(p.photo) ?? []), p]);
  const present = new Set<string>();
  await Promise.all(
    byShard(s, byPhoto.keys()).map(async (g) => {
      const list = g.ids.flatMap((photo) => byPhoto.get(photo)!);
      const rows = await pgQuery<{ k: string }>(
        g.pool,
        `SELECT photo_id::text || '/' || user_id::text AS k FROM ${g.schema}.likes WHERE (photo_id, user_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))`,
        [list.map((p) => p.photo), list.map((p) => p.user)],
      );
      for (const r of rows) present.add(r.k);
    }),
  );
  const bad = pairs.filter((p) => present.has(`${p.photo}/${p.user}`) !== (p.expect === 'row')).map((p) => `photo ${p.photo} user ${p.user}: ${p.expect === 'row' ? 'liked (200) but no row' : 'unliked (200) but a row'}`);
  return result('likes: none lost (every like answered OK is a row, every unlike is not)', bad, pairs.length, 'like and unlike outcomes');
}

async function likesInActivity(s: Stores, owners: Set<string>, sinceMs: number): Promise<CheckResult> {
  const rows = await perShard<{ owner: string; n: number }>(
    s,
    owners,
    (sc) => `SELECT p.owner_id::text AS owner, count(*)::int AS n FROM ${sc}.likes l JOIN ${sc}.photos p ON p.id = l.photo_id
              WHERE p.owner_id = ANY($1::bigint[]) AND l.created_at >= to_timestamp($2 / 1000.0) AND l.user_id <> p.owner_id GROUP BY 1`,
    [sinceMs],
  );
  const p = s.redis.pipeline();
  // A capped sorted set per user, newest scored highest (app/services/activity.ts).
  for (const r of rows) p.zrevrange(keys.activity(r.owner), 0, -1);
  const lists = (await p.exec()) ?? [];
  const bad: string[] = [];
  rows.forEach((r, i) => {
    const items = ((lists[i]?.[1] as string[] | undefined) ?? []).map((x) => JSON.parse(x) as { type: string; at: string }).filter((x) => Date.parse(x.at) >= sinceMs - 1000);
    const likes = items.filter((x) => x.type === 'like').length;
    // New like rows push one item each; other recent items share the capped list.
    const expected = Math.min(r.n, ACTIVITY_CAP - (items.length - likes));
    if (likes < expected) bad.push(`owner ${r.owner}: ${likes} like items, ${r.n} new likes (expected at least ${expected})`);
  });
  return result(`likes: in the owner's activity feed (up to its cap of ${ACTIVITY_CAP})`, bad, rows.length, 'owners with new likes');
}

async function followsBothSides(s: Stores, pairs: Touched['followPairs']): Promise<CheckResult> {
  const sideRows = async (table: 'following' | 'followers', keyOf: (p: (typeof pairs)[number]) => string): Promise<Set<string>> => {
    const found = new Set<string>();
    const byKey = new Map<string, typeof pairs>();
    for (const p of pairs) byKey.set(keyOf(p), [...(byKey.get(keyOf(p)) ?? []), p]);
    await Promise.all(
      byShard(s, byKey.keys()).map(async (g) => {
        const list = g.ids.flatMap((k) => byKey.get(k)!);
        const rows = await pgQuery<{ k: string }>(
          g.pool,
          `SELECT follower_id::text || '>' || followee_id::text AS k FROM ${g.schema}.${table} WHERE (follower_id, followee_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))`,
          [list.map((p) => p.follower), list.map((p) => p.followee)],
        );
        for (const r of rows) found.add(r.k);
      }),
    );
    return found;
  };
  const [mine, theirs] = await Promise.all([sideRows('following', (p) => p.follower), sideRows('followers', (p) => p.followee)]);
  const unique = [...new Set(pairs.map((p) => `${p.follower}>${p.followee}`))];
  const bad = unique.filter((k) => mine.has(k) !== theirs.has(k)).map((k) => `${k}: ${mine.has(k) ? 'only in following' : 'only in followers'}`);
  return result('follows: stored on both sides', bad, unique.length, 'follow pairs');
}

async function followCounters(s: Stores, users: Set<string>): Promise<CheckResult> {
  const rows = await perShard<{ id: string; follower_count: number; following_count: number; followers: number; following: number }>(
    s,
    users,
    (sc) => `SELECT u.id::text, u.follower_count, u.following_count,
                    (SELECT count(*) FROM ${sc}.followers f WHERE f.followee_id = u.id)::int AS followers,
                    (SELECT count(*) FROM ${sc}.following f WHERE f.follower_id = u.id)::int AS following
               FROM ${sc}.users u WHERE u.id = ANY($1::bigint[])`,
  );
  const redis = rows.length ? await s.redis.mget(...rows.flatMap((r) => [keys.followerCount(r.id), keys.followingCount(r.id)])) : [];
  const bad: string[] = [];
  rows.forEach((r, i) => {
    const [rf, rg] = [num(redis[2 * i]), num(redis[2 * i + 1])];
    if (!(r.follower_count === r.followers && rf === r.followers)) bad.push(`user ${r.id} followers: redis ${rf}, column ${r.follower_count}, rows ${r.followers}`);
    if (!(r.following_count === r.following && rg === r.following)) bad.push(`user ${r.id} following: redis ${rg}, column ${r.following_count}, rows ${r.following}`);
  });
  return result('follows: redis counters = follower/following counts = rows', bad, rows.length, 'users followed or following');
}

async function photoCounts(s: Stores, owners: Set<string>): Promise<CheckResult> {
  const rows = await perShard<{ id: string; photo_count: number; n: number }>(
    s,
    owners,
    (sc) => `SELECT u.id::text, u.photo_count, (SELECT count(*) FROM ${sc}.photos p WHERE p.owner_id = u.id)::int AS n FROM ${sc}.users u WHERE u.id = ANY($1::bigint[])`,
  );
  const bad = rows.filter((r) => r.photo_count !== r.n).map((r) => `user ${r.id}: photo_count ${r.photo_count}, rows ${r.n}`);
  return result('uploads: photo_count = rows', bad, rows.length, 'uploaders');
}

/** Photos the uploaders made since sinceMs (ids carry their millisecond). */
function uploadsSince(s: Stores, owners: Set<string>, sinceMs: number): Promise<Array<{ id: string; owner_id: string }>> {
  const firstId = ((BigInt(Math.floor(sinceMs)) - EPOCH_MS) << 23n).toString();
  return perShard<{ id: string; owner_id: string }>(s, owners, (sc) => `SELECT id::text, owner_id::text FROM ${sc}.photos WHERE owner_id = ANY($1::bigint[]) AND id >= $2::bigint`, [firstId]);
}

async function uploadsInFeeds(s: Stores, photos: Array<{ id: string; owner_id: string }>): Promise<CheckResult> {
  const followersOf = new Map<string, string[]>();
  const byOwner = await perShard<{ owner: string; followers: string[] }>(
    s,
    new Set(photos.map((p) => p.owner_id)),
    (sc) => `SELECT followee_id::text AS owner, array_agg(follower_id::text) AS followers FROM ${sc}.followers WHERE followee_id = ANY($1::bigint[]) GROUP BY 1`,
  );
  for (const r of byOwner) followersOf.set(r.owner, r.followers);
  // Each follower's feed once: built (sentinel), full to its cap, and the oldest score it keeps.
  const followers = [...new Set(byOwner.flatMap((r) => r.followers))];
  const info = new Map<string, { built: boolean; full: boolean; oldest: number }>();
  for (let i = 0; i < followers.length; i += 5000) {
    const chunk = followers.slice(i, i + 5000);
    const p = s.redis.pipeline();
    for (const f of chunk) p.zscore(keys.feed(f), SENTINEL).zcard(keys.feed(f)).zrange(keys.feed(f), '0', '0', 'WITHSCORES');
    const res = (await p.exec()) ?? [];
    chunk.forEach((f, k) => {
      const lowest = res[3 * k + 2]?.[1] as string[] | undefined;
      info.set(f, { built: res[3 * k]?.[1] !== null, full: Number(res[3 * k + 1]?.[1] ?? 0) >= s.target.feedCap + 1, oldest: Number(lowest?.[1] ?? 0) });
    });
  }
  const bad: string[] = [];
  let checked = 0;
  for (const photo of photos) {
    const score = Number(BigInt(photo.id) >> 23n);
    const due = (followersOf.get(photo.owner_id) ?? []).filter((f) => {
      const feed = info.get(f);
      // A feed never built is rebuilt from PostgreSQL on read; a full one may have trimmed an older photo.
      return feed !== undefined && feed.built && !(feed.full && feed.oldest > score);
    });
    checked += due.length;
    for (let i = 0; i < due.length; i += 5000) {
      const p = s.redis.pipeline();
      for (const f of due.slice(i, i + 5000)) p.zscore(keys.feed(f), photo.id);
      const res = (await p.exec()) ?? [];
      res.forEach(([, v], k) => v === null && bad.push(`photo ${photo.id} missing from follower ${due[i + k]}'s feed`));
    }
  }
  return { name: "uploads: in every follower's built feed", ok: bad.length === 0, detail: `${bad.length} of ${checked} (photo, follower) pairs missing over ${photos.length} uploads${bad.length ? `: ${bad.slice(0, SAMPLE).join('; ')}` : ''}` };
}

async function commentCounts(s: Stores, photos: Set<string>): Promise<CheckResult> {
  const rows = await perShard<{ id: string; comment_count: number; n: number }>(
    s,
    photos,
    (sc) => `SELECT p.id::text, p.comment_count, (SELECT count(*) FROM ${sc}.comments c WHERE c.photo_id = p.id)::int AS n FROM ${sc}.photos p WHERE p.id = ANY($1::bigint[])`,
  );
  const bad = rows.filter((r) => r.comment_count !== r.n).map((r) => `photo ${r.id}: comment_count ${r.comment_count}, rows ${r.n}`);
  return result('comments: comment_count = rows', bad, rows.length, 'photos commented on');
}

const STALE_PAGES = 'cache: no stale page written back (a cached photo older than its row)';

/**
 * No cached photo page older than its row: a page whose comment count is below the primary's was
 * filled from a lagging replica after a write (the stale fill the invalidation markers prevent).
 * A get that fails fails the check: an unreachable cache is not an empty one.
 */
export async function stalePagesCheck(rows: ReadonlyArray<{ id: string; comment_count: number }>, get: (key: string) => Promise<Buffer | null>): Promise<CheckResult> {
  const bad: string[] = [];
  let cached = 0;
  for (const r of rows) {
    let value: Buffer | null;
    try {
      value = await get(keys.photo(r.id));
    } catch (err) {
      return { name: STALE_PAGES, ok: false, detail: `Memcached did not answer a get of ${keys.photo(r.id)} (${err instanceof Error ? err.message : String(err)}) after ${cached} cached pages were read: not checked` };
    }
    if (value === null || isMarker(value)) continue;
    cached++;
    const page = JSON.parse(value.toString('utf8')) as { commentCount?: number };
    if ((page.commentCount ?? 0) < r.comment_count) bad.push(`photo ${r.id}: cached with ${page.commentCount} comments, the row has ${r.comment_count}`);
  }
  return { name: STALE_PAGES, ok: bad.length === 0, detail: `${bad.length} of ${cached} cached pages of photos commented on are stale${bad.length ? `: ${bad.slice(0, SAMPLE).join('; ')}` : ''}` };
}

async function noStalePages(s: Stores, memcachedUrl: string, photos: Set<string>): Promise<CheckResult> {
  const rows = await perShard<{ id: string; comment_count: number }>(s, photos, (sc) => `SELECT id::text, comment_count FROM ${sc}.photos WHERE id = ANY($1::bigint[])`);
  const mc = createMemcached(memcachedUrl);
  try {
    return await stalePagesCheck(rows, (key) => mcGet(mc, key));
  } finally {
    mc.close();
  }
}

/**
 * The consistency checks of whatever the trial touched (checks that would look at nothing are
 * left out: a read-only trial gets none), and the photos it uploaded. sinceMs: wall time the
 * trial's first write could have happened (its warm-up start).
 */
export async function consistencyChecks(target: ConsistencyTarget, touched: Touched, sinceMs: number): Promise<{ checks: CheckResult[]; uploads: string[] }> {
  const s: Stores = { pools: target.pgUrls.map((u) => createPgPool(u, 4, 'tierbench-checks')), redis: createRedis(target.redisUrl), target };
  try {
    const out: CheckResult[] = [];
    let uploads: Array<{ id: string; owner_id: string }> = [];
    if (touched.likedPhotos.size) {
      const { check, owners } = await likeCounters(s, touched.likedPhotos);
      out.push(check, await likesKept(s, touched), await likesInActivity(s, new Set(owners.values()), sinceMs));
    }
    if (touched.followPairs.length) out.push(await followsBothSides(s, touched.followPairs), await followCounters(s, touched.followUsers));
    if (touched.uploaders.size) {
      uploads = await uploadsSince(s, touched.uploaders, sinceMs);
      out.push(await photoCounts(s, touched.uploaders), await uploadsInFeeds(s, uploads));
    }
    if (touched.commentedPhotos.size) out.push(await commentCounts(s, touched.commentedPhotos));
    if (touched.commentedPhotos.size && target.memcachedUrl) out.push(await noStalePages(s, target.memcachedUrl, touched.commentedPhotos));
    return { checks: out, uploads: uploads.map((p) => p.id) };
  } finally {
    s.redis.disconnect();
    await Promise.all(s.pools.map((p) => p.end()));
  }
}
