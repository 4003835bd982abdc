import { describe, expect, it } from 'vitest';
import { counterDelta, memcachedWindowDelta, postgresWindowDelta, redisWindowDelta, type MemcachedSnapshot, type PgSnapshot } from '../../harness/metrics/backends.ts';
import { newHistogram, summarize } from '../../harness/metrics/histograms.ts';
import { deriveTimeseries } from '../../harness/drive/merge.ts';
import { faultChecks, faultSummary, type FaultRun } from '../../harness/results/faults.ts';
import type { BackendSecond, OperationResult, OutcomeClass, Trial } from '../../harness/results/types.ts';
import { cacheRecovery } from '../../harness/results/cache-recovery.ts';
import { cacheRecoverySentence, faultSentence } from '../../harness/report/faults-text.ts';
import { cacheRecoverySection, faultsSection } from '../../harness/report/html/trial-tables.ts';

/** An operation whose second s had counts[s] requests per outcome class (each 1 ms). */
function operation(counts: Array<Partial<Record<OutcomeClass, number>>>): OperationResult {
  const perSecond = counts.map((byClass) =>
    Object.fromEntries(
      Object.entries(byClass).map(([cls, n]) => {
        const h = newHistogram();
        h.recordValueWithCount(1000, n!);
        return [cls, summarize(h).encoded];
      }),
    ),
  );
  const all = newHistogram();
  const empty = summarize(all);
  return { counts: { scheduled: 0, sent: 0, dropped: 0, ok: 0, errors: 0, errorsByClass: {}, timeouts: 0, unfinished: 0, byStatus: {} }, latency: { all: empty, ok: empty, okUncorrected: empty }, perSecond };
}

const second = (s: number, o: { q: number; cpu: number; hit?: number | null; lag?: number | null; replicaQ?: number }): BackendSecond => ({
  second: s,
  memcached: o.hit === undefined || o.hit === null ? null : { getHits: Math.round(o.hit * 100), getMisses: 100 - Math.round(o.hit * 100), evictions: 0, hitRate: o.hit },
  redis: null,
  postgres: {
    'pg-primary': { commits: 0, rows: 0, blksHit: 0, blksRead: 0, queries: o.q, writes: 0, cpuSeconds: o.cpu, replicaLagBytes: null, replicaLagSeconds: null },
    ...(o.lag === undefined ? {} : { 'pg-replica-1': { commits: 0, rows: 0, blksHit: 0, blksRead: 0, queries: o.replicaQ ?? 0, writes: 0, cpuSeconds: 0.1, replicaLagBytes: o.lag, replicaLagSeconds: o.lag === null ? null : o.lag / 1e6 } }),
  },
  queue: null,
});

function trialOf(ops: Record<string, OperationResult>, series: BackendSecond[]): Pick<Trial, 'operations' | 'timeseries' | 'backends'> {
  return {
    operations: ops,
    timeseries: deriveTimeseries(ops, []),
    backends: { memcached: { getHits: 0, getMisses: 0, hitRate: null, sets: 0, deletes: 0, evictions: 0, currItemsAtEnd: 0 }, redis: { commandsProcessed: 0, keyspaceHits: 0, keyspaceMisses: 0, usedMemoryBytesAtEnd: 0 }, postgres: [], series, shardWrites: {} },
  };
}

describe('counters across a node restart', () => {
  it('counts a counter that went down from its restart, and adds up the window across missing samples', () => {
    expect(counterDelta(10, 15)).toBe(5);
    expect(counterDelta(10, 3)).toBe(3);
    const mc = (h: number): MemcachedSnapshot => ({ getHits: h, getMisses: 10, sets: 0, deletes: 0, evictions: 0, currItems: h });
    // 100 → 150 hits, then down (null), then restarted at 0 → 40.
    const d = memcachedWindowDelta([mc(100), mc(150), null, mc(20), mc(40)]);
    expect(d).toMatchObject({ getHits: 50 + 20 + 20, getMisses: 0, currItemsAtEnd: 40 });
    expect(memcachedWindowDelta([null, mc(1)])).toBeNull();
    expect(redisWindowDelta([{ commands: 100, hits: 5, misses: 1, usedMemory: 9 }, { commands: 4, hits: 2, misses: 0, usedMemory: 7 }])).toEqual({ commandsProcessed: 3, keyspaceHits: 2, keyspaceMisses: 0, usedMemoryBytesAtEnd: 7 });
    const pg = (n: number, cpu: number): PgSnapshot => ({ xactCommit: n, xactRollback: 0, tupReturned: n, tupFetched: 0, tupInserted: 0, tupUpdated: 0, tupDeleted: 0, blksHit: 0, blksRead: 0, queries: n, writes: 0, shardWrites: {}, cpuSeconds: cpu, cpuSource: 'cgroup' });
    const node = { name: 'pg-replica-1', role: 'pg-replica', shards: '0-7' };
    // Killed after 30 (its statistics reset by the crash), 12 more after it came back.
    expect(postgresWindowDelta(node, [pg(10, 1), pg(30, 2), null, pg(5, 3), pg(12, 4)])).toMatchObject({ xactCommit: 20 + 5 + 7, queries: 32, cpuSeconds: 3 });
  });
});

describe('a fault from the trial\'s own series', () => {
  // 30 seconds; Memcached down from 10.2 s to 20.4 s: no errors, the primary busier, the hit rate back at second 24.
  const ok = (n: number) => ({ ok: n });
  const feed = operation(Array.from({ length: 30 }, () => ok(80)));
  const photo = operation(Array.from({ length: 30 }, (_, s) => (s === 10 ? { ok: 18, '5xx': 2 } : ok(20))));
  const series = Array.from({ length: 30 }, (_, s) => second(s, { q: s >= 10 && s <= 20 ? 900 : 200, cpu: s >= 10 && s <= 20 ? 0.45 : 0.2, hit: s < 10 ? 0.95 : s <= 20 ? null : Math.min(0.95, 0.5 + (s - 20) * 0.1) }));
  const run: FaultRun = { action: { atSec: 10, do: 'stop-node', node: 'memcached', forSec: 10 }, target: 'memcached', startedAt: 10.2, restartedAt: 20.2, endedAt: 20.4 };
  const trial = trialOf({ feed, photo }, series);

  it('counts requests during and after, per operation, and when failures ended', () => {
    const f = faultSummary(run, trial);
    expect(f).toMatchObject({ kind: 'stop-node', target: 'memcached', startedAt: 10.2, endedAt: 20.4, outageSec: 10.2, startupSec: 0.2 });
    expect(f.during.seconds).toEqual([10, 20]);
    expect(f.during).toMatchObject({ scheduled: 11 * 100, ok: 11 * 100 - 2, errors: 2, timeouts: 0 });
    expect(f.during.byOperation.photo).toEqual({ scheduled: 220, ok: 218, errors: 2, timeouts: 0, errorsByClass: { '5xx': 2 } });
    expect(f.after).toMatchObject({ seconds: [21, 29], scheduled: 900, errors: 0 });
    // Only second 10 failed over 1% (2 of 100): it ended before the node was back.
    expect(f.errorsRecoveredSec).toBe(0);
  });

  it('compares each node\'s load during the outage with the 5 s before, and times the hit rate\'s recovery', () => {
    const f = faultSummary(run, trial);
    expect(f.nodes).toEqual([{ node: 'pg-primary', queriesPerSecBefore: 200, queriesPerSec: 900, cpuPerSecBefore: 0.2, cpuPerSec: 0.45 }]);
    // 0.95 before; second 24 has 0.9 ≥ 90% of it: recovered at its end, 4.6 s after 20.4.
    expect(f.cache).toEqual({ hitRateBefore: 0.95, recoverySec: 4.6 });
    expect(faultChecks([f])).toEqual([{ name: 'fault: memcached back after stop-node', ok: true, detail: 'stop-node at 10.2 s, back at 20.4 s (10.2 s)' }]);
  });

  it('says when failures went on to the end, and a node that never came back fails its check', () => {
    const failing = operation(Array.from({ length: 30 }, (_, s) => (s >= 10 ? { '5xx': 10, ok: 10 } : ok(20))));
    const f = faultSummary({ ...run, endedAt: null, error: 'memcached did not start again: no' }, trialOf({ failing }, series));
    expect(f).toMatchObject({ endedAt: null, outageSec: null, errorsRecoveredSec: null, error: 'memcached did not start again: no' });
    expect(f.during.seconds).toEqual([10, 29]);
    expect(faultChecks([f])[0]).toMatchObject({ ok: false, detail: 'memcached did not start again: no' });
    const late = faultSummary(run, trialOf({ failing: operation(Array.from({ length: 30 }, (_, s) => (s >= 10 && s <= 22 ? { '5xx': 10, ok: 10 } : ok(20)))) }, series));
    expect(late.errorsRecoveredSec).toBe(2.6);
  });

  it('times a replica\'s rejoin and catch-up, and replication\'s lag and stale reads', () => {
    const rs = Array.from({ length: 30 }, (_, s) => second(s, { q: 100, cpu: 0.1, lag: s >= 10 && s < 20 ? null : s < 23 ? 5e6 : 1000, replicaQ: s >= 10 && s < 21 ? 0 : 50 }));
    const killed = faultSummary({ action: { atSec: 10, do: 'kill-node', node: 'pg-replica-1', forSec: 10 }, target: 'pg-replica-1', startedAt: 10, restartedAt: 20, endedAt: 20.5 }, trialOf({ feed }, rs));
    expect(killed.replica).toEqual({ rejoinedAt: 22, lagBytesAtRejoin: 5e6, caughtUpAt: 24 });
    const ps = Array.from({ length: 30 }, (_, s) => second(s, { q: 100, cpu: 0.1, lag: s >= 10 && s <= 20 ? (s - 9) * 1e6 : 0 }));
    const grid = operation([ok(1)]);
    grid.counts = { ...grid.counts, ok: 40, expectFailed: 12 };
    const own = operation([ok(1)]);
    own.counts = { ...own.counts, ok: 30 };
    const paused = faultSummary({ action: { atSec: 10, do: 'pause-replication', forSec: 10 }, target: 'replication', startedAt: 10, restartedAt: 20, endedAt: 20.1 }, trialOf({ feed, othersGrid: grid, readOwnGrid: own }, ps), { expecting: ['othersGrid', 'readOwnGrid'] });
    expect(paused.replication).toEqual({ maxLagBytes: 11e6, maxLagSeconds: 11, caughtUpAt: 22, staleReads: { othersGrid: { ok: 40, stale: 12 }, readOwnGrid: { ok: 30, stale: 0 } } });
  });

  it('follows a killed worker\'s jobs to when they finished', () => {
    const w: FaultRun = { action: { atSec: 8, do: 'kill-worker', forSec: 5 }, target: 'fan-out worker', startedAt: 8, restartedAt: 13, endedAt: 14, worker: { pid: 7, heldJobs: ['a', 'b'], replacementPid: 9, killedAtMs: 1_000_000 } };
    const f = faultSummary(w, trial, { heldJobs: [{ id: 'a', state: 'completed', finishedOn: 1_006_500 }, { id: 'b', state: 'completed', finishedOn: 999_000 }] });
    expect(f.worker).toEqual({ pid: 7, jobsHeld: 2, midJob: true, jobsFinished: 1, lastFinishedAfterSec: 6.5, replacementPid: 9 });
    const before = faultSummary(w, trial, { heldJobs: [{ id: 'a', state: 'completed', finishedOn: 999_999 }, { id: 'b', state: 'completed', finishedOn: 999_000 }] });
    expect(before.worker).toMatchObject({ midJob: false, jobsFinished: 0, lastFinishedAfterSec: null });
  });

  it('is reported in words and in the trial\'s faults table', () => {
    const f = faultSummary(run, trial);
    expect(faultSentence(f)).toBe(
      'stop-node memcached at 10.2 s, back at 20.4 s (outage 10.2 s, 0.2 s to answer after its start); during: 2 of 1,100 failed (5xx 2); after: 0 of 900 failed; failures over 1% ended 0 s after it was back; PostgreSQL before → during: pg-primary 200 → 900 statements/s, CPU 0.2 → 0.45 cores; hit rate 95.0% before; back to 90% of it 4.6 s after',
    );
    const html = faultsSection({ index: 0, trial: { faults: [f] } } as never);
    expect(html).toContain('<h3>Faults</h3>');
    expect(html).toContain('results.json: trials[0].faults[0].outageSec');
    expect(html).toContain('photo');
    expect(faultsSection({ index: 0, trial: {} } as never)).toBe('');
  });
});

describe('a cache flush from the trial\'s own series', () => {
  // 20 seconds; Memcached flushed at 8.0 s: the primary busier until the hit rate is back at second 11.
  const feed = operation(Array.from({ length: 20 }, (_, s) => ({ ok: 100, ...(s === 9 ? { timeout: 1 } : {}) })));
  const series = Array.from({ length: 20 }, (_, s) => second(s, { q: s >= 8 && s <= 11 ? 700 : 100, cpu: s >= 8 && s <= 11 ? 0.5 : 0.1, hit: s < 8 ? 0.9 : s <= 10 ? 0.3 + (s - 8) * 0.2 : 0.9 }));
  const flushed = { ...trialOf({ feed }, series), events: [{ atSecond: 8, kind: 'flush-memcached', label: 'Memcached flushed' }] };

  it('times the recovery and compares each node over the spike with before it (as a fault\'s nodes)', () => {
    const r = cacheRecovery(flushed)!;
    // Second 11 is the first back to 90% of 0.9: recovered at its end, 4 s after the flush.
    expect(r).toMatchObject({ atSecond: 8, hitRateBefore: 0.9, recoverySec: 4, spike: { fromSecond: 8, toSecond: 11 } });
    expect(r.spike.nodes).toEqual([{ node: 'pg-primary', queriesPerSecBefore: 100, queriesPerSec: 700, cpuPerSecBefore: 0.1, cpuPerSec: 0.5 }]);
    expect(cacheRecovery({ ...flushed, events: [] })).toBeUndefined();
  });

  it('is reported in words and in the trial\'s section', () => {
    const r = cacheRecovery(flushed)!;
    expect(cacheRecoverySentence(r)).toBe('Memcached flushed at 8 s; hit rate 90.0% before, back to 90% of it 4 s after; spike (seconds 8–11): p99 1.00 ms; PostgreSQL before → during: pg-primary 100 → 700 statements/s, CPU 0.1 → 0.5 cores');
    const html = cacheRecoverySection({ index: 2, trial: { cacheRecovery: r } } as never);
    expect(html).toContain('<h3>Cache flush</h3>');
    expect(html).toContain('results.json: trials[2].cacheRecovery.spike.nodes');
    expect(cacheRecoverySection({ index: 0, trial: {} } as never)).toBe('');
  });
});
