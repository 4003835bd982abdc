import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { keys } from '../../app/keys.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { nodeOfShard } from '../../app/schema/shard-map.ts';
import { APP_DEFAULTS } from '../../app/config.ts';
import { consistencyChecks, type ConsistencyTarget } from '../../harness/checks/consistency.ts';
import { settleBackgroundWork } from '../../harness/checks/settle.ts';
import { fanoutLag } from '../../harness/checks/fanout-lag.ts';
import { touchedBy } from '../../harness/checks/touched.ts';
import { WriteLog } from '../../harness/drive/write-log.ts';
import type { CheckResult } from '../../harness/results/types.ts';
import { apiClient } from '../helpers/api-client.ts';
import { createMemcached, mcDelete, mcSet } from '../../app/adapters/memcached.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The checks after a trial, on real servers: writes made through the app's API pass; then each
 * guarded thing is broken behind the app's back and its check fails.
 */
const L = 16;
let t: TestStack;
let pools: PgPool[];
let target: ConsistencyTarget;
const log = new WriteLog();
let since = 0;
let uploaded = '';
let uploader = '';
let likedPhoto = '';
const follow = { follower: '', followee: '' };

const poolOf = (id: string): PgPool => pools[nodeOfShard(shardOf(BigInt(id)), L, pools.length)]!;
const schemaOf = (id: string): string => shardSchema(shardOf(BigInt(id)));
const byName = (checks: CheckResult[], prefix: string): CheckResult => {
  const c = checks.find((x) => x.name.startsWith(prefix));
  if (!c) throw new Error(`no check named ${prefix}*: ${checks.map((x) => x.name).join(', ')}`);
  return c;
};
const api = () => apiClient(t.app.baseUrl).call;
const run = async () => (await consistencyChecks(target, touchedBy(log.entries()), since)).checks;

beforeAll(async () => {
  t = await startTestStack({ tier: 'sharded', pgShards: 2, logicalShards: L });
  pools = t.pgUrls.map((u) => createPgPool(u, 2));
  target = { pgUrls: t.pgUrls, redisUrl: t.redisUrl, memcachedUrl: t.memcachedUrl, logicalShards: L, feedCap: APP_DEFAULTS.feedCap };
  since = Date.now() - 1000;
  const api = apiClient(t.app.baseUrl).call;
  const users = t.manifest.userIds;
  // The write mix of a trial, each noted as the generator notes it.
  const call = async (method: 'PUT' | 'DELETE' | 'POST', path: string, user: string, body?: unknown) => {
    const res = await api(method, path, { token: t.tokenOf(user), body });
    log.note(method, path, res.status < 300 ? { kind: 'ok', status: res.status } : { kind: 'error', status: res.status });
    return res;
  };
  likedPhoto = t.manifest.photoIds[5]!;
  for (const u of users.slice(10, 40)) expect((await call('PUT', `/photos/${likedPhoto}/likes/${u}`, u)).status).toBe(200);
  for (const u of users.slice(10, 15)) await call('DELETE', `/photos/${likedPhoto}/likes/${u}`, u);
  // A follow across the two nodes, and an unfollow.
  follow.follower = users.find((u) => nodeOfShard(shardOf(BigInt(u)), L, 2) === 0)!;
  follow.followee = users.find((u) => nodeOfShard(shardOf(BigInt(u)), L, 2) === 1)!;
  await call('PUT', `/users/${follow.follower}/following/${follow.followee}`, follow.follower);
  await call('DELETE', `/users/${users[50]}/following/${users[51]}`, users[50]!);
  // An upload by a followed user, and a comment.
  uploader = follow.followee;
  const up = await call('POST', `/users/${uploader}/photos`, uploader, { objectKey: 'checks/1.jpg', caption: 'c' });
  expect(up.status).toBe(201);
  uploaded = up.body.photo.id as string;
  await call('POST', `/photos/${likedPhoto}/comments`, users[60]!, { text: 'nice' });
  // The follower's feed built, so the upload must be in it once fan-out is done.
  await api('GET', `/users/${follow.follower}/feed`, { token: t.tokenOf(follow.follower) });
  expect((await settleBackgroundWork({ redisUrl: t.redisUrl, pgUrls: t.pgUrls, logicalShards: L }, 30_000)).ok).toBe(true);
}, 180_000);
afterAll(async () => {
  await Promise.all((pools ?? []).map((p) => p.end()));
  await t?.stop();
});

describe('checks after a trial, for what it touched', () => {
  it('pass when the app kept every store consistent', async () => {
    const checks = await run();
    expect(checks.map((c) => c.name)).toEqual([
      'likes: redis counter = like_count = rows',
      'likes: none lost (every like answered OK is a row, every unlike is not)',
      `likes: in the owner's activity feed (up to its cap of 100)`,
      'follows: stored on both sides',
      'follows: redis counters = follower/following counts = rows',
      'uploads: photo_count = rows',
      "uploads: in every follower's built feed",
      'comments: comment_count = rows',
      'cache: no stale page written back (a cached photo older than its row)',
    ]);
    for (const c of checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
    expect(byName(checks, 'uploads: in every')!.detail).toMatch(/0 of [1-9]\d* \(photo, follower\) pairs missing over 1 uploads/);
  });

  it('measures the fan-out lag of the uploads: commit to the last follower feed', async () => {
    const { uploads } = await consistencyChecks(target, touchedBy(log.entries()), since);
    expect(uploads).toEqual([uploaded]);
    const lag = await fanoutLag(t.redisUrl, uploads, since);
    expect(lag).toMatchObject({ uploads: 1, incomplete: 0 });
    expect(lag.lag.count).toBe(1);
    expect(lag.lag.maxUs).toBeGreaterThan(0);
    expect(lag.lag.maxUs).toBeLessThan(30_000_000);
    // An upload whose fan-out never finished is counted as incomplete, not as a lag.
    const never = ((BigInt(Date.now()) - 1314220021721n) << 23n).toString();
    expect(await fanoutLag(t.redisUrl, [never], since)).toMatchObject({ uploads: 1, incomplete: 1 });
  });

  it('fail when a Redis like counter drifts', async () => {
    await t.redis().incrby(keys.likeCount(likedPhoto), 1);
    try {
      expect(byName(await run(), 'likes: redis counter').ok).toBe(false);
    } finally {
      await t.redis().incrby(keys.likeCount(likedPhoto), -1);
    }
  });

  it('fail when a like answered OK has no row (lost), and the count no longer matches', async () => {
    const liker = t.manifest.userIds[20]!;
    const s = schemaOf(likedPhoto);
    await pgQuery(poolOf(likedPhoto), `DELETE FROM ${s}.likes WHERE photo_id = $1 AND user_id = $2`, [likedPhoto, liker]);
    try {
      const checks = await run();
      expect(byName(checks, 'likes: none lost').ok).toBe(false);
      expect(byName(checks, 'likes: none lost').detail).toContain(`user ${liker}: liked (200) but no row`);
      expect(byName(checks, 'likes: redis counter').ok).toBe(false);
    } finally {
      await pgQuery(poolOf(likedPhoto), `INSERT INTO ${s}.likes (photo_id, user_id) VALUES ($1, $2)`, [likedPhoto, liker]);
    }
  });

  it("fail when likes are missing from the owner's activity feed", async () => {
    const [row] = await pgQuery<{ owner_id: string }>(poolOf(likedPhoto), `SELECT owner_id::text FROM ${schemaOf(likedPhoto)}.photos WHERE id = $1`, [likedPhoto]);
    const key = keys.activity(row!.owner_id);
    const saved = await t.redis().zrange(key, '0', '-1', 'WITHSCORES');
    // Keep only the 3 newest items, as if the other pushes had been lost.
    await t.redis().zremrangebyrank(key, 0, -4);
    try {
      expect(byName(await run(), "likes: in the owner's activity").ok).toBe(false);
    } finally {
      await t.redis().del(key);
      for (let i = 0; i < saved.length; i += 2) await t.redis().zadd(key, saved[i + 1]!, saved[i]!);
    }
  });

  it('fail when a follow is stored on one side only', async () => {
    const s = schemaOf(follow.followee);
    await pgQuery(poolOf(follow.followee), `DELETE FROM ${s}.followers WHERE followee_id = $1 AND follower_id = $2`, [follow.followee, follow.follower]);
    try {
      const checks = await run();
      expect(byName(checks, 'follows: stored on both sides').ok).toBe(false);
      expect(byName(checks, 'follows: redis counters').ok).toBe(false);
    } finally {
      await pgQuery(poolOf(follow.followee), `INSERT INTO ${s}.followers (followee_id, follower_id) VALUES ($1, $2)`, [follow.followee, follow.follower]);
    }
  });

  it("fail when an upload is missing from a follower's built feed", async () => {
    await t.redis().zrem(keys.feed(follow.follower), uploaded);
    try {
      const c = byName(await run(), "uploads: in every follower's");
      expect(c.ok).toBe(false);
      expect(c.detail).toContain(`photo ${uploaded} missing from follower ${follow.follower}'s feed`);
    } finally {
      await t.redis().zadd(keys.feed(follow.follower), Number(BigInt(uploaded) >> 23n), uploaded);
    }
  });

  it('fail when a denormalized photo or comment count drifts', async () => {
    await pgQuery(poolOf(uploader), `UPDATE ${schemaOf(uploader)}.users SET photo_count = photo_count + 1 WHERE id = $1`, [uploader]);
    await pgQuery(poolOf(likedPhoto), `UPDATE ${schemaOf(likedPhoto)}.photos SET comment_count = comment_count + 1 WHERE id = $1`, [likedPhoto]);
    try {
      const checks = await run();
      expect(byName(checks, 'uploads: photo_count').ok).toBe(false);
      expect(byName(checks, 'comments: comment_count').ok).toBe(false);
    } finally {
      await pgQuery(poolOf(uploader), `UPDATE ${schemaOf(uploader)}.users SET photo_count = photo_count - 1 WHERE id = $1`, [uploader]);
      await pgQuery(poolOf(likedPhoto), `UPDATE ${schemaOf(likedPhoto)}.photos SET comment_count = comment_count - 1 WHERE id = $1`, [likedPhoto]);
    }
  });

  it('fail when a photo page older than its row sits in the cache', async () => {
    const mc = createMemcached(t.memcachedUrl);
    try {
      const page = await api()('GET', `/photos/${likedPhoto}`, { token: t.tokenOf(t.manifest.userIds[0]!) });
      expect(page.status).toBe(200);
      await mcSet(mc, keys.photo(likedPhoto), JSON.stringify({ ...page.body, commentCount: page.body.commentCount - 1 }), 60);
      const c = byName(await run(), 'cache: no stale page');
      expect(c.ok).toBe(false);
      expect(c.detail).toContain(`photo ${likedPhoto}: cached with`);
    } finally {
      await mcDelete(mc, keys.photo(likedPhoto)).catch(() => {});
      mc.close();
    }
  });

  it('pass again once everything is put back (the breaks above were the only differences)', async () => {
    for (const c of await run()) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
  });
});
