import { describe, expect, it } from 'vitest';
import { busiest, settle, type WatchedCpu } from '../../harness/sweep/settle.ts';

/** A watched process whose CPU use per sample follows `shares` (of its limit), on a fake clock. */
function fakeClock() {
  let nowMs = 0;
  return { now: () => nowMs, sleep: async (ms: number) => void (nowMs += ms) };
}

function watchedOn(clock: { now: () => number }, name: string, limitCpus: number, shareAt: (ms: number) => number): WatchedCpu {
  // Cumulative CPU seconds: the integral of share × limit over time, in 100 ms steps.
  return {
    name,
    limitCpus,
    cpuSeconds: () => {
      let s = 0;
      for (let t = 0; t < clock.now(); t += 100) s += shareAt(t) * limitCpus * 0.1;
      return s;
    },
  };
}

const plan = { quietShare: 0.2, sampleMs: 500, maxSec: 10 };

describe('settle', () => {
  it('returns after one sample when everything is already quiet', async () => {
    const clock = fakeClock();
    const out = await settle([watchedOn(clock, 'pg', 0.2, () => 0.05)], plan, clock.sleep);
    expect(out).toEqual({ waitedSec: 0.5, quiet: true });
  });

  it('waits while a node works off what an overloaded window left behind', async () => {
    const clock = fakeClock();
    // The node stays at its quota for 3 s after the window, then falls idle.
    const pg = watchedOn(clock, 'pg-primary', 0.2, (t) => (t < 3000 ? 1 : 0.02));
    const app = watchedOn(clock, 'the app', 1, () => 0.05);
    const out = await settle([app, pg], plan, clock.sleep);
    expect(out.quiet).toBe(true);
    expect(out.waitedSec).toBe(3.5);
  });

  it('gives up after maxSec and names what was still busy', async () => {
    const clock = fakeClock();
    const out = await settle([watchedOn(clock, 'pg-shard-2', 0.2, () => 0.9), watchedOn(clock, 'the app', 1, () => 0.3)], plan, clock.sleep);
    expect(out).toEqual({ waitedSec: 10, quiet: false, busy: 'pg-shard-2 at 90% of its limit' });
  });

  it('does not wait for what it cannot read', async () => {
    const clock = fakeClock();
    const out = await settle([{ name: 'gone', limitCpus: 0.2, cpuSeconds: () => null }], plan, clock.sleep);
    expect(out.quiet).toBe(true);
  });

  it('stops waiting when the sweep is aborted', async () => {
    const clock = fakeClock();
    const ac = new AbortController();
    const sleep = async (ms: number) => {
      await clock.sleep(ms);
      if (clock.now() >= 1000) ac.abort();
    };
    const out = await settle([watchedOn(clock, 'pg', 0.2, () => 1)], plan, sleep, ac.signal);
    expect(out.waitedSec).toBe(1);
    expect(out.quiet).toBe(false);
  });
});

describe('busiest', () => {
  it('measures each against its own limit', () => {
    const w = (name: string, limitCpus: number): WatchedCpu => ({ name, limitCpus, cpuSeconds: () => 0 });
    // 0.05 CPU-seconds in 0.5 s: 50% of a 0.2-CPU node, 10% of one core.
    expect(busiest([0, 0], [0.05, 0.05], [w('node', 0.2), w('app', 1)], 0.5, 0.2)).toEqual({ name: 'node', share: 0.5 });
    expect(busiest([0, 0], [0.01, 0.05], [w('node', 0.2), w('app', 1)], 0.5, 0.2)).toBeNull();
  });
});
