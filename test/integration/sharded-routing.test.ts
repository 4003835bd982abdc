import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { nodeOfShard, shardsOfNode } from '../../app/schema/shard-map.ts';
import { statementCalls } from '../../harness/metrics/statements.ts';
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

/** Photo-page reads each node has answered: exact counts, as each statement finishes (pg_stat_statements). */
async function photoPageReads(): Promise<number[]> {
  return Promise.all(pools.map(async (pool) => (await statementCalls(pool, '%latest_comments FROM s____.photos WHERE id = $1')) ?? -1));
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

    const before = await photoPageReads();
    const api = apiClient(t.app.baseUrl).call;
    const token = t.tokenOf(t.manifest.userIds[0]!);
    for (const id of photos) expect((await api('GET', `/photos/${id}`, { token })).status).toBe(200);

    const after = await photoPageReads();
    const delta = after.map((n, k) => n - before[k]!);
    expect(delta).toEqual(expected);
  });
});
