import { describe, expect, it } from 'vitest';
import { bootstrapRatio, stabilityOf } from '../../harness/perf/ratio.ts';
import { figureOf, tiersFigures, tiersOf } from '../../harness/perf/tiers-figures.ts';
import type { Slo, SweepStep } from '../../harness/results/types.ts';
import { estimateMaxSustainable, foundKnee, type WindowFigures } from '../../harness/sweep/estimate.ts';

const slo: Slo = { p99Ms: 50, errorBudget: 0.01, dropBudget: 0.001 };
const w = (rate: number, p99Ms: number): WindowFigures => ({ rate, p99Us: p99Ms * 1000, errorRate: 0, dropRate: 0 });

/** A sweep: a ramp that holds, then repeated windows on both sides of the knee. */
const sweep = (scale: number, near: Array<[number, number]>, far: Array<[number, number]>): WindowFigures[] => [
  w(100 * scale, 10),
  w(150 * scale, 15),
  ...near.map(([r, p]) => w(r * scale, p)),
  ...far.map(([r, p]) => w(r * scale, p)),
];

describe('bootstrapRatio', () => {
  const cache = sweep(1, [[200, 30], [200, 40], [200, 35]], [[250, 80], [250, 120], [250, 60]]);
  const replicas = sweep(2, [[200, 25], [200, 45], [200, 35]], [[250, 70], [250, 150], [250, 90]]);

  it('the point ratio is the ratio of the two sweeps\' estimates, inside its interval', () => {
    const r = bootstrapRatio(replicas, cache, slo)!;
    const a = estimateMaxSustainable(replicas, slo)!;
    const b = estimateMaxSustainable(cache, slo)!;
    expect(r.ratio).toBeCloseTo(a.rate / b.rate, 12);
    expect(r.low).toBeLessThanOrEqual(r.ratio);
    expect(r.high).toBeGreaterThanOrEqual(r.ratio);
    expect(r.high).toBeGreaterThan(r.low);
  });

  it('is no wider than the box from the two sweeps\' own intervals', () => {
    const r = bootstrapRatio(replicas, cache, slo)!;
    const a = estimateMaxSustainable(replicas, slo)!;
    const b = estimateMaxSustainable(cache, slo)!;
    expect(r.low).toBeGreaterThanOrEqual(a.low / b.high - 1e-9);
    expect(r.high).toBeLessThanOrEqual(a.high / b.low + 1e-9);
  });

  it('is seeded: the same windows give the same interval', () => {
    expect(bootstrapRatio(replicas, cache, slo, 7)).toEqual(bootstrapRatio(replicas, cache, slo, 7));
  });

  it('has no width when the windows at each rate agree', () => {
    const steady = sweep(1, [[200, 30], [200, 30]], [[250, 80], [250, 80]]);
    const r = bootstrapRatio(steady, steady, slo)!;
    expect(r).toEqual({ ratio: 1, low: 1, high: 1 });
  });

  it('is null when a sweep has no rate holding the SLO', () => {
    expect(bootstrapRatio([w(100, 90), w(100, 95)], cache, slo)).toBeNull();
    expect(bootstrapRatio(cache, [w(100, 90)], slo)).toBeNull();
  });
});

describe('foundKnee and the estimate\'s lowerBound', () => {
  it('is true once a window broke the SLO above the estimate, false for a lower bound or no estimate', () => {
    expect(estimateMaxSustainable([w(100, 10), w(150, 80)], slo)!.lowerBound).toBeUndefined();
    expect(estimateMaxSustainable([w(100, 10), w(150, 20)], slo)!.lowerBound).toBe(true);
    expect(foundKnee([w(100, 10), w(150, 80)], slo)).toBe(true);
    expect(foundKnee([w(100, 10), w(150, 20)], slo)).toBe(false);
    expect(foundKnee([w(100, 90)], slo)).toBe(false);
  });
});

describe('stabilityOf', () => {
  it('gives each run\'s deviation from the median and whether all are within ±5%', () => {
    const s = stabilityOf([1.9, 2.0, 2.05, 1.96, 2.02]);
    expect(s.median).toBe(2.0);
    expect(s.deviationsPct.map((d) => Number(d!.toFixed(2)))).toEqual([-5, 0, 2.5, -2, 1]);
    expect(s.allWithin).toBe(true);
  });

  it('fails when one run is further than the tolerance', () => {
    const s = stabilityOf([1.6, 2.0, 2.2, 1.9, 2.0]);
    expect(s.median).toBe(2.0);
    expect(s.allWithin).toBe(false);
    expect(stabilityOf([1.6, 2.0, 2.2], 20).allWithin).toBe(true);
  });

  it('takes the mean of the middle two for an even count', () => {
    expect(stabilityOf([3, 1, 2, 4]).median).toBe(2.5);
  });

  it('fails on a run without a figure, which has no deviation', () => {
    const s = stabilityOf([2, null, 2]);
    expect(s.median).toBe(2);
    expect(s.deviationsPct).toEqual([0, null, 0]);
    expect(s.allWithin).toBe(false);
    expect(stabilityOf([]).allWithin).toBe(false);
    expect(stabilityOf([null]).median).toBeNull();
  });
});

describe('tiersFigures', () => {
  const step = (rate: number, p99Ms: number, generatorLimited = false): SweepStep => ({ rate, repeat: 0, durationSec: 8, achievedRate: rate, p50Us: 1000, p99Us: p99Ms * 1000, p999Us: null, errorRate: 0, dropRate: 0, holdsSlo: p99Ms <= slo.p99Ms, nodeCpu: {}, generatorLimited });
  const swept = (steps: SweepStep[]) => {
    const judged = steps.filter((s) => !s.generatorLimited);
    const e = estimateMaxSustainable(judged, slo);
    return { steps, maxSustainable: e && { ...e } };
  };
  const settings = { nodeCpus: { reads: 0.1, writes: 0.2 }, nodeMemoryBytes: 2 ** 30, profile: 'starter', slo: { reads: slo, writes: slo } };

  it('gives each sweep\'s figure and the two ratios from the sweeps\' windows', () => {
    const cacheReads = swept([step(100, 10), step(150, 30), step(200, 80)]);
    const replicasReads = swept([step(200, 10), step(300, 30), step(400, 80)]);
    const cacheLikes = swept([step(50, 10), step(75, 90)]);
    const shardedLikes = swept([step(150, 10), step(225, 90)]);
    const f = tiersFigures(settings, { cache: { reads: cacheReads, writes: cacheLikes }, replicas: { reads: replicasReads }, sharded: { writes: shardedLikes } }, 61.4);
    expect(Object.keys(f.readsPerSec)).toEqual(['cache', 'replicas']);
    expect(Object.keys(f.writesPerSec)).toEqual(['cache', 'sharded']);
    expect(f.readsPerSec.cache!.rate).toBeCloseTo(cacheReads.maxSustainable!.rate, 1);
    expect(f.replicasReadRatio!.ratio).toBeCloseTo(replicasReads.maxSustainable!.rate / cacheReads.maxSustainable!.rate, 3);
    expect(f.shardedWriteRatio!.ratio).toBeCloseTo(shardedLikes.maxSustainable!.rate / cacheLikes.maxSustainable!.rate, 3);
    expect(f.targets).toEqual({ replicasReadRatio: 1.7, shardedWriteRatio: 3 });
    expect(f.wallSec).toBe(61);
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });

  it('marks a figure whose sweep never broke the SLO as a lower bound, leaves out generator-limited windows, and has no ratio without cache', () => {
    const held = swept([step(100, 10), step(150, 20), step(225, 400, true)]);
    expect(figureOf(held)).toEqual({ rate: 150, low: 150, high: 150, lowerBound: true });
    expect(figureOf(swept([step(100, 90)]))).toBeNull();
    const f = tiersFigures(settings, { replicas: { reads: held }, sharded: { writes: held } }, 1);
    expect(f.replicasReadRatio).toBeNull();
    expect(f.shardedWriteRatio).toBeNull();
    expect(f.readsPerSec).toEqual({ replicas: { rate: 150, low: 150, high: 150, lowerBound: true } });
  });

  it('marks a ratio with a lower-bound side as a bound, and as unknown when both sides are', () => {
    const knee = swept([step(100, 10), step(150, 80)]);
    const noKnee = swept([step(100, 10), step(150, 20)]);
    const ratio = (num: ReturnType<typeof swept>, cache: ReturnType<typeof swept>) => tiersFigures(settings, { cache: { reads: cache }, replicas: { reads: num } }, 1).replicasReadRatio!;
    expect(ratio(knee, knee).bound).toBeUndefined();
    expect(ratio(noKnee, knee).bound).toBe('at least');
    expect(ratio(knee, noKnee).bound).toBe('at most');
    // Two sweeps the generator stopped (1,421 and 1,428 req/s here) do not make a ratio of 1.
    expect(ratio(noKnee, noKnee).bound).toBe('unknown');
  });
});

describe('tiersOf', () => {
  it('sweeps every chosen tier, or with --ratios-only just the pair a ratio needs, and nothing for a ratio missing a tier', () => {
    const all = ['cache', 'replicas', 'sharded'] as const;
    expect(tiersOf('writes', { tiers: [...all], ratiosOnly: false })).toEqual([...all]);
    expect(tiersOf('reads', { tiers: [...all], ratiosOnly: true })).toEqual(['cache', 'replicas']);
    expect(tiersOf('writes', { tiers: [...all], ratiosOnly: true })).toEqual(['cache', 'sharded']);
    // --tiers cache,replicas --ratios-only: the likes would be a lone cache sweep, no ratio.
    expect(tiersOf('writes', { tiers: ['cache', 'replicas'], ratiosOnly: true })).toEqual([]);
    expect(tiersOf('reads', { tiers: ['replicas', 'cache'], ratiosOnly: true })).toEqual(['cache', 'replicas']);
  });
});
