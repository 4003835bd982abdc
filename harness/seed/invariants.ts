import { pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { createRedis } from '../../app/adapters/redis.ts';
import { keys } from '../../app/keys.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { SENTINEL } from '../../app/services/feed.ts';
import { TABLES } from './copy-rows.ts';
import { shardsIn, type ShardRange, type TableCounts } from './load.ts';
import { sessionToken } from './sessions.ts';

/** One check of a loaded dataset, as recorded in the manifest. */
export interface Invariant {
  name: string;
  ok: boolean;
  detail: string;
}

/** What the seeder wrote, to check the stores against. */
export interface Expected {
  seed: number;
  tables: TableCounts;
  /** Users and photos to compare Redis with PostgreSQL on (decimal ids). */
  sampleUsers: string[];
  samplePhotos: string[];
  /** Expected ZCARD of each sampled user's feed (entries plus the sentinel). */
  feedSizes: number[];
}

/** Rows whose denormalized count differs from the rows it counts, per check, over a node's shards. */
const DENORMALIZED: Array<{ name: string; sql: (s: string) => string }> = [
  { name: 'like_count equals likes rows', sql: (s) => `SELECT count(*) FROM ${s}.photos p LEFT JOIN (SELECT photo_id, count(*) n FROM ${s}.likes GROUP BY 1) c ON c.photo_id = p.id WHERE p.like_count <> coalesce(c.n, 0)` },
  { name: 'comment_count equals comments rows', sql: (s) => `SELECT count(*) FROM ${s}.photos p LEFT JOIN (SELECT photo_id, count(*) n FROM ${s}.comments GROUP BY 1) c ON c.photo_id = p.id WHERE p.comment_count <> coalesce(c.n, 0)` },
  { name: 'photo_count equals photos rows', sql: (s) => `SELECT count(*) FROM ${s}.users u LEFT JOIN (SELECT owner_id, count(*) n FROM ${s}.photos GROUP BY 1) c ON c.owner_id = u.id WHERE u.photo_count <> coalesce(c.n, 0)` },
  { name: 'following_count equals following rows', sql: (s) => `SELECT count(*) FROM ${s}.users u LEFT JOIN (SELECT follower_id, count(*) n FROM ${s}.following GROUP BY 1) c ON c.follower_id = u.id WHERE u.following_count <> coalesce(c.n, 0)` },
  { name: 'follower_count equals followers rows', sql: (s) => `SELECT count(*) FROM ${s}.users u LEFT JOIN (SELECT followee_id, count(*) n FROM ${s}.followers GROUP BY 1) c ON c.followee_id = u.id WHERE u.follower_count <> coalesce(c.n, 0)` },
];

/** Sums one query over a node's shards, 16 shards per statement: one statement over a thousand would spend its time planning. */
export const sumOver = async (pool: PgPool, range: ShardRange, sql: (s: string) => string): Promise<string> => {
  const shards = shardsIn(range);
  const batches: number[][] = [];
  for (let i = 0; i < shards.length; i += 16) batches.push(shards.slice(i, i + 16));
  const sums = await Promise.all(
    batches.map(async (batch) => {
      const parts = batch.map((sh) => `SELECT (${sql(shardSchema(sh))}) AS n`);
      const [row] = await pgQuery<{ n: string | null }>(pool, `SELECT coalesce(sum(n), 0)::text AS n FROM (${parts.join(' UNION ALL ')}) t`);
      return row?.n ?? '0';
    }),
  );
  return sums.reduce((a, x) => (BigInt(a.split('.')[0]!) + BigInt(x.split('.')[0]!)).toString(), '0');
};

/** A pair checksum: the same set of (follower, followee) pairs gives the same count and sum on both sides. */
const pairSum = (table: 'following' | 'followers') => (s: string) => `SELECT sum(hashtextextended(follower_id::text || ':' || followee_id::text, 0)::numeric) FROM ${s}.${table}`;

/** Every check: PostgreSQL's, then Redis against PostgreSQL. */
export async function checkInvariants(pools: readonly PgPool[], ranges: readonly ShardRange[], redisUrl: string, expected: Expected): Promise<Invariant[]> {
  return [...(await checkPostgres(pools, ranges, expected)), ...(await checkRedis(pools, ranges, redisUrl, expected))];
}

/** Row counts, denormalized counts against rows, follows stored on both sides (needs nothing from Redis). */
export async function checkPostgres(pools: readonly PgPool[], ranges: readonly ShardRange[], expected: Pick<Expected, 'tables'>): Promise<Invariant[]> {
  const out: Invariant[] = [];
  const perNode = (sql: (s: string) => string) => Promise.all(pools.map((pool, i) => sumOver(pool, ranges[i]!, sql)));
  const total = (xs: string[]): bigint => xs.reduce((a, x) => a + BigInt(x.split('.')[0]!), 0n);

  // All queries at once: each node's pool bounds how many run together.
  const [counts, denormalized, pairs] = await Promise.all([
    Promise.all(TABLES.map(async (table) => total(await perNode((s) => `SELECT count(*) FROM ${s}.${table}`)))),
    Promise.all(DENORMALIZED.map(async (check) => total(await perNode(check.sql)))),
    Promise.all([pairSum('following'), pairSum('followers')].map(async (sql) => total(await perNode(sql)))),
  ]);
  TABLES.forEach((table, i) => out.push({ name: `${table} rows loaded`, ok: counts[i] === BigInt(expected.tables[table]), detail: `${counts[i]} rows, ${expected.tables[table]} written` }));
  DENORMALIZED.forEach((check, i) => out.push({ name: check.name, ok: denormalized[i] === 0n, detail: `${denormalized[i]} rows differ` }));
  const [fl, fr] = pairs as [bigint, bigint];
  const [fc, frc] = [counts[TABLES.indexOf('following')]!, counts[TABLES.indexOf('followers')]!];
  out.push({ name: 'every follow stored on both sides', ok: fl === fr && fc === frc, detail: `following ${fc} rows (checksum ${fl}), followers ${frc} rows (checksum ${fr})` });

  return out;
}

/** Redis against PostgreSQL on a sample of users and photos: counters, sessions, feeds. */
export async function checkRedis(pools: readonly PgPool[], ranges: readonly ShardRange[], redisUrl: string, expected: Expected): Promise<Invariant[]> {
  const out: Invariant[] = [];
  const nodeOf = (id: string): PgPool => {
    const shard = shardOf(BigInt(id));
    const i = ranges.findIndex((r) => shard >= r.first && shard <= r.last);
    return pools[i]!;
  };
  const pgValues = async (table: 'users' | 'photos', column: string, ids: string[]): Promise<Map<string, number>> => {
    const m = new Map<string, number>();
    await Promise.all(
      ids.map(async (id) => {
        const [r] = await pgQuery<{ v: number }>(nodeOf(id), `SELECT ${column} AS v FROM ${shardSchema(shardOf(BigInt(id)))}.${table} WHERE id = $1`, [id]);
        m.set(id, r?.v ?? -1);
      }),
    );
    return m;
  };
  const redis = createRedis(redisUrl);
  try {
    const compare = async (name: string, ids: string[], table: 'users' | 'photos', column: string, key: (id: string) => string): Promise<void> => {
      if (ids.length === 0) return;
      const pg = await pgValues(table, column, ids);
      const values = await redis.mget(...ids.map(key));
      const bad = ids.filter((id, i) => Number(values[i] ?? 0) !== pg.get(id));
      out.push({ name, ok: bad.length === 0, detail: `${bad.length} of ${ids.length} sampled differ${bad.length ? ` (first ${bad[0]})` : ''}` });
    };
    await compare('redis like counters equal PostgreSQL', expected.samplePhotos, 'photos', 'like_count', keys.likeCount);
    await compare('redis follower counters equal PostgreSQL', expected.sampleUsers, 'users', 'follower_count', keys.followerCount);
    await compare('redis following counters equal PostgreSQL', expected.sampleUsers, 'users', 'following_count', keys.followingCount);
    const sessions = await redis.mget(...expected.sampleUsers.map((u) => keys.session(sessionToken(expected.seed, u))));
    const noSession = expected.sampleUsers.filter((u, i) => sessions[i] !== u).length;
    out.push({ name: 'a session for every user', ok: noSession === 0, detail: `${noSession} of ${expected.sampleUsers.length} sampled users without one` });
    const p = redis.pipeline();
    for (const u of expected.sampleUsers) p.zcard(keys.feed(u)).zscore(keys.feed(u), SENTINEL);
    const res = (await p.exec()) ?? [];
    const badFeeds = expected.sampleUsers.filter((_, i) => res[2 * i]?.[1] !== expected.feedSizes[i] || res[2 * i + 1]?.[1] === null).length;
    out.push({ name: 'home feeds primed', ok: badFeeds === 0, detail: `${badFeeds} of ${expected.sampleUsers.length} sampled feeds differ from the followees' newest photos` });
  } finally {
    redis.disconnect();
  }
  return out;
}
