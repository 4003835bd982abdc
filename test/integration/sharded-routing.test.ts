import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { nodeOfShard, shardsOfNode } from '../../app/schema/shard-map.ts';
import { apiClient } from '../helpers/api-client.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

const L = 16;
const P = 4;
let t: TestStack;
let pools: PgPool[];

beforeAll(async () => {
  t = await startTestStack({ tier: 'sharded', pgShards: P, logicalShards: L });
  pools = t.pgUrls.map((u) => createPgPool(u, 1));
}, 120_000);
afterAll(async () => {
  await Promise.all((pools ?? []).map((p) => p.end()));
  await t?.stop();
});

/** Index scans on each node's photos tables, from PostgreSQL's own statistics. */
async function photoIndexScans(): Promise<number[]> {
  return Promise.all(
    pools.map(async (pool) => {
      const [row] = await pgQuery<{ n: string | null }>(pool, `SELECT sum(idx_scan)::text AS n FROM pg_stat_user_tables WHERE relname = 'photos'`);
      return Number(row?.n ?? 0);
    }),
  );
}

describe('sharded tier: P primaries, each with its own logical shards', () => {
  it('holds on each node exactly the schemas of its shard range', async () => {
    for (let i = 0; i < P; i++) {
      const rows = await pgQuery<{ nspname: string }>(pools[i]!, `SELECT nspname FROM pg_namespace WHERE nspname ~ '^s[0-9]{4}$' ORDER BY nspname`);
      const { first, last } = shardsOfNode(i, L, P);
      expect(rows.map((r) => r.nspname)).toEqual(Array.from({ length: last - first + 1 }, (_, k) => shardSchema(first + k)));
    }
  });

  it("sends every uncached photo read to the node owning the photo's shard, as each node's statistics show", async () => {
    const mc = createMemcached(t.memcachedUrl);
    await mcFlush(mc);
    mc.close();
    const photos = t.manifest.photoIds.slice(0, 400);
    const expected = new Array<number>(P).fill(0);
    for (const id of photos) expected[nodeOfShard(shardOf(BigInt(id)), L, P)]!++;
    expect(expected.every((n) => n > 0)).toBe(true);

    const before = await photoIndexScans();
    const api = apiClient(t.app.baseUrl).call;
    const token = t.tokenOf(t.manifest.userIds[0]!);
    for (const id of photos) expect((await api('GET', `/photos/${id}`, { token })).status).toBe(200);

    // PostgreSQL publishes a backend's counters within about a second of it going idle.
    let delta: number[] = [];
    for (let i = 0; i < 50; i++) {
      const after = await photoIndexScans();
      delta = after.map((n, k) => n - before[k]!);
      if (delta.every((d, k) => d >= expected[k]!)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(delta).toEqual(expected);
  });
});
