import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { statementCounts } from '../../harness/metrics/statements.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The samplers' per-node statement counts on a real PostgreSQL: exact per shard schema, and, once
 * an entry's text has been read, counted without reading the texts again (reading them every second
 * took a tenth of a 0.2-CPU node's quota).
 */
let t: TestStack;
let sampler: PgPool;
let client: PgPool;
beforeAll(async () => {
  t = await startTestStack({ tier: 'cache' });
  sampler = createPgPool(t.pgUrl, 1, 'tierbench-sampler');
  client = createPgPool(t.pgUrl, 1, 'statement-counts-test');
}, 120_000);
afterAll(async () => {
  await sampler?.end();
  await client?.end();
  await t?.stop();
});

/** Calls of the harness's statements that read pg_stat_statements with its texts. */
async function textReads(): Promise<number> {
  const [row] = await pgQuery<{ n: string | null }>(
    client,
    `SELECT sum(calls)::text AS n FROM pg_stat_statements(false) s
      WHERE queryid IN (SELECT queryid FROM pg_stat_statements WHERE query LIKE '%tierbench-harness%' AND query ~ 'FROM pg_stat_statements($|[^(])')`,
  );
  return Number(row?.n ?? 0);
}

describe('statementCounts', () => {
  it('counts the writes of each shard schema exactly', async () => {
    const before = await statementCounts(sampler);
    for (let i = 0; i < 3; i++) await pgQuery(client, 'UPDATE s0001.photos SET like_count = like_count WHERE id = -1');
    for (let i = 0; i < 2; i++) await pgQuery(client, 'DELETE FROM s0002.outbox WHERE id = -1');
    for (let i = 0; i < 4; i++) await pgQuery(client, 'SELECT id FROM s0003.photos WHERE id = -1');
    const after = await statementCounts(sampler);
    const delta = (s: string) => (after.shardWrites[s] ?? 0) - (before.shardWrites[s] ?? 0);
    expect([delta('s0001'), delta('s0002'), delta('s0003')]).toEqual([3, 2, 0]);
    expect(after.queries! - before.queries!).toBeGreaterThanOrEqual(9);
  });

  it('reads the statement texts only for entries it has not seen', async () => {
    await statementCounts(sampler);
    await textReads();
    await statementCounts(sampler);
    const before = await textReads();
    for (let i = 0; i < 3; i++) await statementCounts(sampler);
    expect(await textReads()).toBe(before);
    // A new statement is read once, and counted.
    await pgQuery(client, 'UPDATE s0004.photos SET like_count = like_count WHERE id = -2');
    const counted = await statementCounts(sampler);
    expect(await textReads()).toBe(before + 1);
    expect(counted.shardWrites.s0004).toBeGreaterThanOrEqual(1);
  });
});
