import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { drive } from '../../harness/drive/run.ts';
import type { DriveOutput } from '../../harness/drive/types.ts';
import { scenarioAppSettings, type LaunchedApp } from '../../harness/run/launcher.ts';
import { readAfterWrite, readAfterWriteControl } from '../../scenarios/read-after-write.ts';
import type { SingleStreamScenario } from '../../scenarios/types.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The read-after-write scenario on the replicas tier with replication paused (the replicas lag by
 * as much as the test lasts): writer-pinned read-your-writes shows every user their own write; the
 * control, with it off, does not.
 */
let t: TestStack;
let replicas: PgPool[];
const short: SingleStreamScenario = { ...readAfterWrite, actions: [], executor: { kind: 'constant-arrival-rate', rate: 60, durationSec: 3, warmupSec: 0, connections: 8, maxInFlight: 1000, timeoutMs: 2000 } };

async function run(baseUrl: string): Promise<DriveOutput> {
  return drive({ baseUrl, scenario: short, seed: 3, populations: { photos: t.manifest.photoIds, users: t.manifest.userIds }, sessionSeed: t.manifest.seed, workers: 1 });
}

const stale = (out: DriveOutput, op: string) => ({ ok: out.operations[op]!.counts.ok, stale: out.operations[op]!.counts.expectFailed ?? 0 });

beforeAll(async () => {
  t = await startTestStack({ tier: 'replicas', replicas: 1, logicalShards: 8 });
  replicas = t.replicaUrls.map((u) => createPgPool(u, 1));
  for (const r of replicas) await pgQuery(r, 'SELECT pg_wal_replay_pause()');
}, 120_000);
afterAll(async () => {
  for (const r of replicas ?? []) await pgQuery(r, 'SELECT pg_wal_replay_resume()').catch(() => {});
  await Promise.all((replicas ?? []).map((p) => p.end()));
  await t?.stop();
});

describe('read-after-write with the replicas not replaying', () => {
  it('with writer-pinned read-your-writes, no user misses their own write', async () => {
    const out = await run(t.app.baseUrl);
    for (const op of ['readOwnComment', 'readOwnGrid']) {
      const s = stale(out, op);
      expect(s.ok, op).toBeGreaterThan(5);
      expect(s.stale, op).toBe(0);
    }
  }, 60_000);

  it('with it off (the control), reads of one\'s own uploads miss them', async () => {
    let control: LaunchedApp | undefined;
    try {
      control = await t.startApp(scenarioAppSettings(readAfterWriteControl), 1);
      const out = await run(control.baseUrl);
      const grid = stale(out, 'readOwnGrid');
      expect(grid.ok).toBeGreaterThan(5);
      // Every grid read went to the paused replica: none shows the new photo.
      expect(grid.stale).toBe(grid.ok);
    } finally {
      await control?.stop();
    }
  }, 60_000);
});
