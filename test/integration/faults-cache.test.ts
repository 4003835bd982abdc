import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memcachedDown } from '../../scenarios/memcached-down.ts';
import { redisRestart } from '../../scenarios/redis-restart.ts';
import { workerKilled } from '../../scenarios/worker-killed.ts';
import { failedChecks, faultTrial, shortened } from '../helpers/fault-trial.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The fault scenarios of every tier, on the cache tier's stack (one stack, a fresh app per trial):
 * Memcached stopped and started again, Redis restarted, a fan-out worker killed mid-job. Each
 * trial's events mark the fault, trial.faults records it, and the checks after the trial pass.
 * Windows are short (16 s, the fault 5 s in) and rates low: the machine is shared.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ tier: 'cache', logicalShards: 8, workers: 1 });
}, 120_000);
afterAll(async () => t?.stop());

const short = { durationSec: 16, warmupSec: 3 };

describe('fault scenarios on the cache tier', () => {
  it('memcached-down: reads fall back to PostgreSQL (more statements while it is down), the hit rate recovers after', async () => {
    const trial = await faultTrial(t, shortened(memcachedDown, { ...short, rateScale: 1, actions: [{ atSec: 5, do: 'stop-node', node: 'memcached', forSec: 5 }] }));
    expect(failedChecks(trial)).toEqual([]);
    expect(trial.events.map((e) => e.kind)).toEqual(['node-stopped', 'node-started']);
    const [f] = trial.faults!;
    expect(f).toMatchObject({ kind: 'stop-node', target: 'memcached' });
    expect(f!.error).toBeUndefined();
    expect(f!.startedAt).toBeGreaterThanOrEqual(5);
    expect(f!.outageSec).toBeGreaterThanOrEqual(5);
    // Not an outage: (almost) every request due while it was down was answered.
    expect(f!.during.scheduled).toBeGreaterThan(300);
    expect(f!.during.errors + f!.during.timeouts).toBeLessThanOrEqual(f!.during.scheduled * 0.02);
    const primary = f!.nodes.find((n) => n.node === 'pg-primary')!;
    expect(primary.queriesPerSec!).toBeGreaterThan(primary.queriesPerSecBefore!);
    expect(f!.cache!.hitRateBefore).toBeGreaterThan(0.5);
    expect(trial.checks.map((c) => c.name)).toContain('fault: memcached back after stop-node');
  }, 180_000);

  it('redis-restart: sessions, feeds and counters come back from the append-only file; a short outage', async () => {
    const trial = await faultTrial(t, shortened(redisRestart, { ...short, rateScale: 1, actions: [{ atSec: 5, do: 'stop-node', node: 'redis', forSec: 0 }] }));
    expect(failedChecks(trial)).toEqual([]);
    expect(trial.events.map((e) => e.kind)).toEqual(['node-stopped', 'node-started']);
    const f = trial.faults![0]!;
    expect(f.endedAt).not.toBeNull();
    expect(f.redis).toMatchObject({ persistence: 'appendonly everysec' });
    const r = f.redis!;
    expect(r.sample!.users).toBe(200);
    expect(r.sample!.sessions).toEqual([200, 200]);
    expect(r.sample!.feeds[1]).toBe(r.sample!.feeds[0]);
    expect(r.sample!.followerCounters[1]).toBe(r.sample!.followerCounters[0]);
    expect(r.keysAfter).toBeGreaterThan(r.keysBefore! * 0.99);
    // Serving again: the seconds after are (nearly) free of errors.
    expect(f.errorsRecoveredSec).not.toBeNull();
  }, 180_000);

  it('worker-killed: the jobs the worker held finish after its lock expires, and every upload reaches every feed', async () => {
    // Slow chunks (fault injection) so that a worker is mid-job when the kill comes.
    const trial = await faultTrial(t, shortened(workerKilled, { ...short, rateScale: 1, actions: [{ atSec: 4, do: 'kill-worker', forSec: 4 }] }), { env: { TIERBENCH_FANOUT_CHUNK_DELAY_MS: '250' } });
    expect(failedChecks(trial)).toEqual([]);
    expect(trial.events.map((e) => e.kind)).toEqual(['worker-killed', 'worker-started']);
    const w = trial.faults![0]!.worker!;
    expect(w.midJob).toBe(true);
    expect(w.jobsFinished).toBe(w.jobsHeld);
    // Retried once its 5 s lock expired.
    expect(w.lastFinishedAfterSec).toBeGreaterThan(2);
    expect(w.replacementPid).not.toBeNull();
    expect(trial.fanout!.incomplete).toBe(0);
    expect(trial.fanout!.lag.maxUs).toBeGreaterThan(2_000_000);
  }, 180_000);
});
