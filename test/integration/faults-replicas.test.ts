import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { createPgPool, type PgPool } from '../../app/adapters/postgres.ts';
import { statementCalls } from '../../harness/metrics/statements.ts';
import { replicaKilled } from '../../scenarios/replica-killed.ts';
import { replicationPaused } from '../../scenarios/replication-paused.ts';
import { apiClient } from '../helpers/api-client.ts';
import { failedChecks, faultTrial, shortened } from '../helpers/fault-trial.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { eventually } from '../helpers/eventually.ts';

/**
 * The replicas tier's fault scenarios on one stack (primary + 2 replicas): a replica killed under
 * load (its reads move to the other, it rejoins once back), and replication paused (the writer
 * still reads its writes; other users' stale reads are counted). Short windows, low rates.
 */
let t: TestStack;
let replica1: PgPool;
beforeAll(async () => {
  t = await startTestStack({ tier: 'replicas', replicas: 2, logicalShards: 8, workers: 1 });
  replica1 = createPgPool(t.replicaUrls[0]!, 1);
}, 120_000);
afterAll(async () => {
  await replica1?.end();
  await t?.stop();
});

const short = { durationSec: 16, warmupSec: 3 };
/** The replica's count of photo-page reads; null while it cannot be read. */
const photoPageReads = (): Promise<number | null> => statementCalls(replica1, '%latest_comments FROM s____.photos WHERE id = $1');

describe('a replica killed', () => {
  it('costs no errors: its reads run again on the other replica, and once restarted it takes reads again', async () => {
    const api = apiClient(t.app.baseUrl).call;
    const reader = t.manifest.userIds[10]!;
    const mc = createMemcached(t.memcachedUrl);
    await mcFlush(mc);
    mc.close();
    await t.stack.control!.kill('pg-replica-1');
    try {
      for (const id of t.manifest.photoIds.slice(0, 60)) expect((await api('GET', `/photos/${id}`, { token: t.tokenOf(reader) })).status).toBe(200);
    } finally {
      await t.stack.control!.start('pg-replica-1');
    }
    // Back: uncached reads reach it again (its statement counts restarted with it).
    // A count read before the replica answers would let any later count pass: wait for a real one.
    let before: number | null = null;
    await eventually('pg-replica-1 to answer', async () => (before = await photoPageReads()) !== null, 30_000);
    let i = 100;
    await eventually('reads to reach pg-replica-1 again', async () => {
      await api('GET', `/photos/${t.manifest.photoIds[i++]}`, { token: t.tokenOf(reader) });
      return ((await photoPageReads()) ?? 0) > before!;
    }, 60_000, 0);
  }, 120_000);

  it('replica-killed: the trial records the switch, the rejoin and the catch-up, and its checks pass', async () => {
    const trial = await faultTrial(t, shortened(replicaKilled, { ...short, rateScale: 1, actions: [{ atSec: 4, do: 'kill-node', node: 'pg-replica-1', forSec: 5 }] }));
    expect(failedChecks(trial)).toEqual([]);
    expect(trial.events.map((e) => e.kind)).toEqual(['node-killed', 'node-started']);
    const f = trial.faults![0]!;
    expect(f.error).toBeUndefined();
    expect(f.during.errors + f.during.timeouts).toBeLessThanOrEqual(f.during.scheduled * 0.02);
    expect(f.replica!.rejoinedAt).not.toBeNull();
    expect(f.replica!.rejoinedAt!).toBeGreaterThan(f.endedAt!);
    expect(f.replica!.caughtUpAt).not.toBeNull();
  }, 180_000);
});

describe('replication paused', () => {
  it('replication-paused: lag grows, writers read their own writes, other users\' grid reads go stale', async () => {
    const trial = await faultTrial(t, shortened(replicationPaused, { ...short, rateScale: 0.5, actions: [{ atSec: 4, do: 'pause-replication', forSec: 7 }] }));
    expect(failedChecks(trial)).toEqual([]);
    expect(trial.events.map((e) => e.kind)).toEqual(['replication-paused', 'replication-resumed']);
    const r = trial.faults![0]!.replication!;
    expect(r.maxLagBytes).toBeGreaterThan(0);
    expect(r.caughtUpAt).not.toBeNull();
    // Read-your-writes: no writer missed their own write.
    expect(r.staleReads.readOwnGrid!.ok).toBeGreaterThan(10);
    expect(r.staleReads.readOwnGrid!.stale).toBe(0);
    // The photo page comes from Memcached, fresh once the comment's marker is set: a marker that
    // misses the cache's 250 ms timeout under load is set by the outbox a moment later (rare).
    expect(r.staleReads.readOwnComment!.stale).toBeLessThanOrEqual(r.staleReads.readOwnComment!.ok * 0.02);
    // Others' grid reads go to the paused replicas: some of them missed the new photo.
    expect(r.staleReads.othersGrid!.stale).toBeGreaterThan(0);
    expect(trial.operations.othersGrid!.counts.expectFailed).toBe(r.staleReads.othersGrid!.stale);
  }, 180_000);
});
