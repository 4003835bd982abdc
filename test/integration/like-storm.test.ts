import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery } from '../../app/adapters/postgres.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ profile: 'starter', logicalShards: 8 });
}, 180_000);
afterAll(async () => t?.stop());

/** Runs `count` tasks with `width` in flight at once. */
async function storm(count: number, width: number, task: (i: number) => Promise<number>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const s = await task(next++);
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

describe('like storm on one photo (real PostgreSQL and Redis)', () => {
  it('loses no like: after 10,000 concurrent likes the Redis counter, the denormalized count and the rows agree', async () => {
    const photo = t.manifest.photoIds[42]!;
    const users = t.manifest.userIds;
    expect(users.length).toBe(10_000);
    const dispatcher = new Agent({ connections: 64 });
    const like = (i: number, method = 'PUT') =>
      fetch(`${t.app.baseUrl}/photos/${photo}/likes/${users[i]}`, {
        method,
        headers: { authorization: `Bearer ${t.tokenOf(users[i]!)}` },
        // @ts-expect-error undici's fetch takes a dispatcher
        dispatcher,
      }).then(async (r) => (await r.arrayBuffer(), r.status));
    // 10,000 likes, each user once, 200 in flight; then 500 repeats and 300 unlikes mixed in.
    expect(await storm(10_000, 200, (i) => like(i))).toEqual(new Map([[200, 10_000]]));
    expect(await storm(800, 100, (i) => (i < 500 ? like(i) : like(i, 'DELETE')))).toEqual(new Map([[200, 800]]));
    await dispatcher.close();

    const expected = 10_000 - 300;
    const pool = createPgPool(t.pgUrl, 1);
    try {
      const s = shardSchema(shardOf(BigInt(photo)));
      const [rows] = await pgQuery<{ n: string }>(pool, `SELECT count(*)::text AS n FROM ${s}.likes WHERE photo_id = $1`, [photo]);
      const [denorm] = await pgQuery<{ like_count: number }>(pool, `SELECT like_count FROM ${s}.photos WHERE id = $1`, [photo]);
      const counter = await t.redis().get(`likes:${photo}`);
      expect(Number(rows!.n)).toBe(expected);
      expect(denorm!.like_count).toBe(expected);
      expect(Number(counter)).toBe(expected);
    } finally {
      await pool.end();
    }
    const shown = await fetch(`${t.app.baseUrl}/photos/${photo}`, { headers: { authorization: `Bearer ${t.tokenOf(users[0]!)}` } }).then((r) => r.json());
    expect((shown as { likeCount: number }).likeCount).toBe(expected);
  }, 300_000);
});
