import { describe, expect, it } from 'vitest';
import { constantArrivals, intendedOffsetUs, rampArrivals } from '../../harness/drive/arrivals.ts';
import { achievedRate } from '../../harness/drive/generator-stats.ts';
import { deriveTimeseries } from '../../harness/drive/merge.ts';
import { createSchedule } from '../../harness/drive/schedule.ts';
import { createModel } from '../../harness/drive/trial-model.ts';
import type { Populations } from '../../harness/drive/types.ts';
import { describeLoadShape, loadDetailText, loadShapeOf } from '../../harness/results/load-shape.ts';
import { durationSecOf, peakRateOf, rampRequests, targetRateOf } from '../../scenarios/executors.ts';
import { withLoadOverrides } from '../../scenarios/overrides.ts';
import type { RampingArrivalRate, SingleStreamScenario } from '../../scenarios/types.ts';
import { Simulation, simServer } from '../helpers/sim.ts';

const S = 1e6;
const populations: Populations = { photos: Array.from({ length: 100 }, (_, i) => String(1000 + i)), users: ['1'] };

function ramp(startRate: number, stages: RampingArrivalRate['stages'], warmupSec = 0): SingleStreamScenario & { executor: RampingArrivalRate } {
  return {
    name: 'ramp',
    description: 'a ramp',
    operations: [{ name: 'get', weight: 1, method: 'GET', path: '/photos/{key}', key: { kind: 'uniform', population: 'photos' } }],
    executor: { kind: 'ramping-arrival-rate', startRate, stages, warmupSec, connections: 8, maxInFlight: 1000, timeoutMs: 2000 },
    thresholds: [],
  };
}

/** Every offset of an arrival function inside [0, windowUs). */
function offsets(at: (i: number) => number, windowUs: number): number[] {
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const t = at(i);
    if (t >= windowUs) return out;
    out.push(t);
  }
}

describe('ramping-arrival-rate: intended times from the inverse of the cumulative arrivals', () => {
  it('gives a flat stage exactly the constant-rate times', () => {
    const flat = rampArrivals(300, [{ durationSec: 10, targetRate: 300 }]);
    for (let i = 0; i < 3000; i++) expect(flat(i)).toBe(intendedOffsetUs(i, 300));
    expect(flat(3000)).toBe(Number.POSITIVE_INFINITY);
    expect(constantArrivals(300)(3000)).toBe(10 * S);
  });

  it('rises 0 → 100/s over 10 s: request i at sqrt(i / 5) s (Λ(t) = 5t²), 500 in all', () => {
    const at = rampArrivals(0, [{ durationSec: 10, targetRate: 100 }]);
    const all = offsets(at, 10 * S);
    expect(all).toHaveLength(500);
    all.forEach((t, i) => expect(Math.abs(t - Math.sqrt(i / 5) * S)).toBeLessThanOrEqual(1));
  });

  it('falls 100 → 0/s over 10 s: request i at (100 - sqrt(10000 - 20i)) / 10 s', () => {
    const at = rampArrivals(100, [{ durationSec: 10, targetRate: 0 }]);
    const all = offsets(at, 10 * S);
    expect(all).toHaveLength(500);
    all.forEach((t, i) => expect(Math.abs(t - ((100 - Math.sqrt(10_000 - 20 * i)) / 10) * S)).toBeLessThanOrEqual(1));
  });

  it('follows the rate second by second over several stages, a pause included (k6 semantics)', () => {
    const stages = [
      { durationSec: 5, targetRate: 200 },
      { durationSec: 5, targetRate: 200 },
      { durationSec: 2, targetRate: 0 },
      { durationSec: 3, targetRate: 0 },
      { durationSec: 5, targetRate: 400 },
    ];
    const at = rampArrivals(100, stages);
    const windowUs = 20 * S;
    const all = offsets(at, windowUs);
    const rateAt = (t: number): number => {
      let from = 100;
      let start = 0;
      for (const s of stages) {
        if (t <= start + s.durationSec) return from + ((s.targetRate - from) * (t - start)) / s.durationSec;
        start += s.durationSec;
        from = s.targetRate;
      }
      return from;
    };
    for (let sec = 0; sec < 20; sec++) {
      const n = all.filter((t) => t >= sec * S && t < (sec + 1) * S).length;
      // The integral of a linear piece over one second is the mean of its ends.
      const expected = (rateAt(sec) + rateAt(sec + 1)) / 2;
      expect(Math.abs(n - expected)).toBeLessThanOrEqual(1);
    }
    expect(all.filter((t) => t >= 12 * S && t < 15 * S)).toHaveLength(0);
    expect(all.length).toBe(Math.ceil(rampRequests({ startRate: 100, stages })));
    for (let i = 1; i < all.length; i++) expect(all[i]!).toBeGreaterThanOrEqual(all[i - 1]!);
  });

  it('does not drift: the last request of a 1-hour ramp 0 → 10,000/s sits where the closed form puts it', () => {
    const at = rampArrivals(0, [{ durationSec: 3600, targetRate: 10_000 }]);
    const total = 3600 * 10_000 / 2;
    const last = total - 1;
    // Λ(t) = 10000 t² / 7200
    expect(Math.abs(at(last) - Math.sqrt((last * 7200) / 10_000) * S)).toBeLessThanOrEqual(1);
    expect(at(total)).toBe(Number.POSITIVE_INFINITY);
  });

  it('schedules the window by the ramp and the warm-up at the start rate', () => {
    const sc = ramp(50, [{ durationSec: 4, targetRate: 150 }], 2);
    const measure = createSchedule(sc, 1, populations);
    const warm = createSchedule(sc, 1, populations, 'warmup');
    const windowTimes: number[] = [];
    while (measure.peekOffsetUs() < 4 * S) windowTimes.push(measure.next().offsetUs);
    expect(windowTimes).toHaveLength(400);
    const warmTimes: number[] = [];
    while (warm.peekOffsetUs() < 2 * S) warmTimes.push(warm.next().offsetUs);
    expect(warmTimes).toEqual(Array.from({ length: 100 }, (_, i) => intendedOffsetUs(i, 50)));
  });

  it('records the load shape with its stages; the target rate is the mean offered rate', () => {
    const sc = ramp(0, [{ durationSec: 10, targetRate: 100 }, { durationSec: 10, targetRate: 100 }]);
    expect(durationSecOf(sc.executor)).toBe(20);
    expect(targetRateOf(sc.executor)).toBe(75); // (500 + 1000) / 20
    expect(peakRateOf(sc.executor)).toBe(100);
    const load = loadShapeOf(sc);
    expect(load).toMatchObject({ executor: 'ramping-arrival-rate', rate: 75, durationSec: 20, startRate: 0, stages: [{ durationSec: 10, targetRate: 100 }, { durationSec: 10, targetRate: 100 }] });
    expect(describeLoadShape(load)).toBe('ramping-arrival-rate 0/s → 100/s over 10s → 100/s over 10s (mean 75 req/s)');
    expect(loadDetailText(load)).toBe(' mean (0/s → 100/s over 10s → 100/s over 10s)');
    expect(loadDetailText(loadShapeOf({ ...sc, executor: { kind: 'constant-arrival-rate' as const, rate: 5, durationSec: 1, warmupSec: 0, connections: 1, maxInFlight: 1, timeoutMs: 1 } }))).toBe('');
  });

  it('refuses --rate and --duration for a ramp (its stages are both), applies the rest', () => {
    const sc = ramp(0, [{ durationSec: 10, targetRate: 100 }]);
    const bad = withLoadOverrides(sc, { rate: 10, duration: 5 });
    expect('problems' in bad && bad.problems).toEqual([
      'scenario "ramp" ramps (ramping-arrival-rate): --rate does not apply, its stages set the rate',
      'scenario "ramp" ramps (ramping-arrival-rate): --duration does not apply, its window is the sum of its stages',
    ]);
    const ok = withLoadOverrides(sc, { warmup: 3, connections: 2, maxInFlight: 50 });
    expect('scenario' in ok && ok.scenario.executor).toMatchObject({ warmupSec: 3, connections: 2, maxInFlight: 50, stages: sc.executor.stages });
  });
});

describe('a ramp on the simulated clock and server', () => {
  function runRamp(serviceUs: number) {
    const sc = ramp(100, [{ durationSec: 5, targetRate: 500 }, { durationSec: 5, targetRate: 100 }], 1);
    const sim = new Simulation();
    const e = sc.executor;
    const setup = { scenario: sc, seed: 1, populations, slice: { index: 0, count: 1 }, connections: [e.connections], maxInFlight: [e.maxInFlight] };
    const model = createModel(setup, 0, sim.clock(), [simServer(sim, { serviceUs: () => serviceUs })]).start();
    sim.run();
    return { model, sc };
  }

  it('offers the ramp second by second, and the achieved rate equals the mean target when on schedule', async () => {
    const { model, sc } = runRamp(1000);
    const out = await model.done;
    const op = out.part.operations.get!;
    expect(op.counts.scheduled).toBe(3000);
    expect(op.counts.ok).toBe(3000);
    // Per second by intended time: the integral of the rate over each second, up the ramp and down.
    const perSecond = deriveTimeseries(out.part.operations, out.part.answered).map((p) => p.scheduled);
    const expected = [140, 220, 300, 380, 460, 460, 380, 300, 220, 140];
    expect(perSecond).toHaveLength(expected.length);
    perSecond.forEach((n, i) => expect(Math.abs(n - expected[i]!)).toBeLessThanOrEqual(1));
    const { rate } = achievedRate([out], 10, true);
    expect(rate / targetRateOf(sc.executor)!).toBeCloseTo(1, 3);
    expect(out.sendLateness.maxUs).toBe(0);
    // A generator that issued the last request 1 s late took 11 s for 10 s of ramp.
    const late = achievedRate([{ ...out, lastIssueUs: out.lastIntendedUs + S }], 10, true);
    expect(late.rate).toBeCloseTo(3000 / 11, 6);
  });
});
