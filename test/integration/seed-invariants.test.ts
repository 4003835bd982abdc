import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery } from '../../app/adapters/postgres.ts';
import { keys } from '../../app/keys.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { verifyDataset } from '../../harness/seed/dataset.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/** The seeder's invariants pass on what it loaded, and each one fails when the thing it guards is broken. */
describe('seed invariants', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ profile: 'tiny', workers: 1 });
  }, 180_000);
  afterAll(() => t?.stop());

  const failing = async (): Promise<string[]> => (await verifyDataset(t.pgUrls, t.redisUrl, t.manifest)).filter((i) => !i.ok).map((i) => i.name);

  it('recorded every check as passed in the manifest, with the row counts it found', async () => {
    const names = t.manifest.invariants.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['users rows loaded', 'like_count equals likes rows', 'every follow stored on both sides', 'redis like counters equal PostgreSQL', 'home feeds primed']));
    expect(t.manifest.invariants.every((i) => i.ok)).toBe(true);
    expect(t.manifest.counts.follows).toBeGreaterThan(t.manifest.counts.users * 10);
    expect(await failing()).toEqual([]);
  });

  // Before the tests below dirty pages: a trial's first reads must not be setting hint bits (on
  // replicas too, where hint bits are not replicated), so every seeded page is all-frozen.
  it('leaves every page of every shard table all-visible and frozen', async () => {
    const pool = createPgPool(t.pgUrl, 1);
    try {
      await pgQuery(pool, 'CREATE EXTENSION IF NOT EXISTS pg_visibility');
      const tables = await pgQuery<{ name: string; pages: number; visible: number; frozen: number }>(
        pool,
        `SELECT c.oid::regclass::text AS name, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages,
                v.all_visible::int AS visible, v.all_frozen::int AS frozen
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, pg_visibility_map_summary(c.oid) v
          WHERE c.relkind = 'r' AND n.nspname ~ '^s[0-9]{4}$'`,
      );
      expect(tables.filter((r) => r.pages > 0).length).toBeGreaterThan(10);
      expect(tables.filter((r) => r.visible < r.pages || r.frozen < r.pages).map((r) => `${r.name} ${r.frozen}/${r.visible}/${r.pages}`)).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('fails "every follow stored on both sides" and the follower count when one side of a follow is lost', async () => {
    const pool = createPgPool(t.pgUrl, 1);
    try {
      const [row] = await pgQuery<{ followee_id: string; follower_id: string }>(pool, `SELECT followee_id::text, follower_id::text FROM ${shardSchema(0)}.followers LIMIT 1`);
      await pgQuery(pool, `DELETE FROM ${shardSchema(0)}.followers WHERE followee_id = $1 AND follower_id = $2`, [row!.followee_id, row!.follower_id]);
      expect(await failing()).toEqual(expect.arrayContaining(['followers rows loaded', 'every follow stored on both sides', 'follower_count equals followers rows']));
      await pgQuery(pool, `INSERT INTO ${shardSchema(0)}.followers (followee_id, follower_id) VALUES ($1, $2)`, [row!.followee_id, row!.follower_id]);
      expect(await failing()).toEqual([]);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('fails when a denormalized like count drifts from its rows, or a Redis counter from PostgreSQL', async () => {
    const pool = createPgPool(t.pgUrl, 1);
    const photo = t.manifest.photoIds[0]!;
    const s = shardSchema(shardOf(BigInt(photo)));
    try {
      await pgQuery(pool, `UPDATE ${s}.photos SET like_count = like_count + 1 WHERE id = $1`, [photo]);
      expect(await failing()).toEqual(expect.arrayContaining(['like_count equals likes rows', 'redis like counters equal PostgreSQL']));
      await pgQuery(pool, `UPDATE ${s}.photos SET like_count = like_count - 1 WHERE id = $1`, [photo]);
      const redis = t.redis();
      const before = await redis.get(keys.likeCount(photo));
      await redis.incr(keys.likeCount(photo));
      expect(await failing()).toEqual(['redis like counters equal PostgreSQL']);
      if (before === null) await redis.del(keys.likeCount(photo));
      else await redis.set(keys.likeCount(photo), before);
      expect(await failing()).toEqual([]);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('fails when a primed feed or session is missing', async () => {
    const redis = t.redis();
    const user = t.manifest.userIds[0]!;
    await redis.rename(keys.feed(user), 'aside');
    expect(await failing()).toEqual(['home feeds primed']);
    await redis.rename('aside', keys.feed(user));
    const session = keys.session(t.tokenOf(user));
    await redis.rename(session, 'aside');
    expect(await failing()).toEqual(['a session for every user']);
    await redis.rename('aside', session);
    expect(await failing()).toEqual([]);
  }, 60_000);
});
