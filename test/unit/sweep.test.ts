import { describe, expect, it } from 'vitest';
import type { SweepStep } from '../../harness/results/types.ts';
import { estimateMaxSustainable, maxSustainable, sloLoad } from '../../harness/sweep/estimate.ts';
import { DEFAULT_SWEEP, runSweep } from '../../harness/sweep/search.ts';
import { SWEEP_TEST_SLO, simulatedSystem } from '../helpers/sweep-system.ts';

const slo = SWEEP_TEST_SLO;
const system = simulatedSystem;
// p99 = 5 / (1 - rho) reaches 50 ms at rho = 0.9.
const knee = (capacity: number) => 0.9 * capacity;

describe('the SLO load of a window', () => {
  it('is the worst of latency, errors and drops against their budgets', () => {
    expect(sloLoad({ rate: 1, p99Us: 25_000, errorRate: 0, dropRate: 0 }, slo)).toBeCloseTo(0.5);
    expect(sloLoad({ rate: 1, p99Us: 25_000, errorRate: 0.02, dropRate: 0 }, slo)).toBeCloseTo(2);
    expect(sloLoad({ rate: 1, p99Us: 1000, errorRate: 0, dropRate: 0.0005 }, slo)).toBeCloseTo(0.5);
    expect(sloLoad({ rate: 1, p99Us: null, errorRate: 0, dropRate: 0 }, slo)).toBe(Number.POSITIVE_INFINITY);
    expect(sloLoad({ rate: 1, p99Us: 1000, errorRate: 0.001, dropRate: 0 }, { ...slo, errorBudget: 0 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('max sustainable throughput', () => {
  it('interpolates the crossing between the last rate that held and the first that did not', () => {
    const w = (rate: number, p99Ms: number) => ({ rate, p99Us: p99Ms * 1000, errorRate: 0, dropRate: 0 });
    // load 0.5 at 100, 2 at 200: log-linear crossing halfway.
    expect(maxSustainable([w(100, 25), w(200, 100)], slo)).toBeCloseTo(150);
    expect(maxSustainable([w(100, 60)], slo)).toBeNull();
    expect(maxSustainable([w(100, 10), w(300, 20)], slo)).toBe(300);
    // The median of a rate's windows decides, not one lucky window.
    expect(maxSustainable([w(100, 25), w(200, 40), w(200, 100), w(200, 120)], slo)!).toBeLessThan(200);
  });

  it('finds the knee of a noisy system within 5%, with an interval that holds it', async () => {
    for (const capacity of [800, 3000]) {
      const out = await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP }, system(capacity, 0.15));
      expect(out.estimate).not.toBeNull();
      const e = out.estimate!;
      expect(Math.abs(e.rate / knee(capacity) - 1)).toBeLessThan(0.05);
      expect(e.low).toBeLessThanOrEqual(e.rate);
      expect(e.high).toBeGreaterThanOrEqual(e.rate);
      expect(e.low).toBeLessThan(knee(capacity) * 1.05);
      expect(e.high).toBeGreaterThan(knee(capacity) * 0.95);
      expect(out.steps.length).toBeLessThanOrEqual(DEFAULT_SWEEP.maxWindows);
    }
  });

  it('looks higher when repeats overturn the window that broke, instead of stopping on a lower bound', async () => {
    // A system with its knee at 900 req/s whose first window at 338 req/s breaks (a stall): every
    // later window there holds. The sweep must not report 338 as a capacity.
    const real = system(1000, 0.05);
    let stalled = false;
    const measure = async (rate: number, repeat: number): Promise<SweepStep> => {
      const step = await real(rate, repeat);
      if (rate === 338 && !stalled) {
        stalled = true;
        return { ...step, p99Us: 400_000, holdsSlo: false };
      }
      return step;
    };
    const out = await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP }, measure);
    expect(out.estimate!.lowerBound).toBeUndefined();
    expect(Math.abs(out.estimate!.rate / knee(1000) - 1)).toBeLessThan(0.05);
    expect(out.stoppedBecause).not.toMatch(/lower bound/);
  });

  it('repeats where the medians put the knee, not where one window broke', async () => {
    // Knee at 900: the ramp breaks at 1139, bisection at 949 (really) and, once, at 854 (a stall).
    // Repeats at 854 hold, so the knee lies between 854 and 949: that is where to repeat, not at
    // 807 and 854 (which narrow nothing when the windows at the knee's rate disagree).
    const real = system(1000, 0.05, 3);
    let stalled = false;
    const measure = async (rate: number, repeat: number): Promise<SweepStep> => {
      const step = await real(rate, repeat);
      if (rate === 854 && !stalled) {
        stalled = true;
        return { ...step, p99Us: 400_000, holdsSlo: false };
      }
      return step;
    };
    const out = await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP, targetWidth: 0.03 }, measure);
    expect(stalled).toBe(true);
    expect(out.steps.filter((s) => s.rate === 949).length).toBeGreaterThanOrEqual(DEFAULT_SWEEP.repeats);
    expect(Math.abs(out.estimate!.rate / knee(1000) - 1)).toBeLessThan(0.05);
  });

  it('is stable from sweep to sweep: five seeds within ±5% of their median', async () => {
    const rates: number[] = [];
    for (let seed = 1; seed <= 5; seed++) rates.push((await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP }, system(2000, 0.2, seed))).estimate!.rate);
    const med = [...rates].sort((a, b) => a - b)[2]!;
    for (const r of rates) expect(Math.abs(r / med - 1)).toBeLessThan(0.05);
  });

  it('starts no window once aborted: Ctrl-C ends the search after the window under way', async () => {
    const controller = new AbortController();
    const inner = system(2000, 0.1);
    let windows = 0;
    const measure = async (rate: number, repeat: number): Promise<SweepStep> => {
      windows++;
      if (windows === 3) controller.abort('SIGINT');
      return inner(rate, repeat);
    };
    await expect(runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP, signal: controller.signal }, measure)).rejects.toMatchObject({ name: 'InterruptedError' });
    expect(windows).toBe(3);
  });

  it('searches below a rate the generator cannot keep, and ends with a lower bound where the SLO held up to it', async () => {
    const inner = system(10_000, 0.1);
    const out = await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP }, async (rate, repeat) => ({ ...(await inner(rate, repeat)), generatorLimited: rate > 1000 }));
    expect(out.stoppedBecause).toMatch(/generator could not keep 100\d req\/s and no rate is left/);
    expect(out.estimate!.lowerBound).toBe(true);
    // Bisected up to the generator's limit, not stopped at the ramp's first limited rate (1139).
    expect(out.estimate!.rate).toBeGreaterThanOrEqual(995);
    expect(out.estimate!.rate).toBeLessThanOrEqual(1000);
    // Each limited rate measured three times before it became the ceiling, none counted.
    const limited = out.steps.filter((s) => s.generatorLimited);
    expect(limited.length % 3).toBe(0);
    expect(limited.length).toBeGreaterThan(3);
    for (const s of limited) expect(s.rate).toBeGreaterThan(1000);
  });

  it('finds the knee below a rate the generator could not keep (the machine saturated by a collapsed app)', async () => {
    // Capacity 1600 (knee 1440); from 1900 up the generator is late as well, as on a 2-core machine.
    for (const seed of [1, 2, 3]) {
      const inner = system(1600, 0.1, seed);
      const out = await runSweep({ slo, startRate: 400, maxRate: 100_000, ...DEFAULT_SWEEP }, async (rate, repeat) => ({ ...(await inner(rate, repeat)), generatorLimited: rate >= 1900 }));
      expect(out.estimate!.lowerBound).toBeUndefined();
      expect(Math.abs(out.estimate!.rate / knee(1600) - 1)).toBeLessThan(0.05);
      // It never measures at or above a ceiling once found, beyond the retries there.
      const limitedRates = new Set(out.steps.filter((s) => s.generatorLimited).map((s) => s.rate));
      for (const r of limitedRates) expect(out.steps.filter((s) => s.rate === r)).toHaveLength(3);
    }
  });

  it('does not call an interval narrow when the budget ran out before the knee was repeated', async () => {
    const out = await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP, maxWindows: 6 }, system(600, 0.1));
    expect(out.steps).toHaveLength(6);
    expect(out.stoppedBecause).not.toMatch(/interval is within/);
    expect(out.stoppedBecause).toMatch(/budget ran out/);
  });

  it('stops at once when the generator cannot keep even the first rate', async () => {
    const inner = system(10_000, 0.1);
    const out = await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP }, async (rate, repeat) => ({ ...(await inner(rate, repeat)), generatorLimited: true }));
    expect(out.steps).toHaveLength(3);
    expect(out.estimate).toBeNull();
    expect(out.stoppedBecause).toBe('the generator could not keep 100 req/s');
  });

  it('measures a window again when the generator was late once (a shared machine), and goes on', async () => {
    const inner = system(2000, 0.1);
    let hiccups = 2;
    const out = await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP }, async (rate, repeat) => ({ ...(await inner(rate, repeat)), generatorLimited: rate > 300 && hiccups-- > 0 }));
    expect(out.steps.filter((s) => s.generatorLimited)).toHaveLength(2);
    expect(Math.abs(out.estimate!.rate / knee(2000) - 1)).toBeLessThan(0.05);
  });

  it('gives the same interval for the same windows (seeded bootstrap)', () => {
    const w = (rate: number, p99Ms: number) => ({ rate, p99Us: p99Ms * 1000, errorRate: 0, dropRate: 0 });
    const windows = [w(100, 20), w(100, 30), w(100, 25), w(200, 70), w(200, 90), w(200, 45)];
    expect(estimateMaxSustainable(windows, slo)).toEqual(estimateMaxSustainable(windows, slo));
  });
});
