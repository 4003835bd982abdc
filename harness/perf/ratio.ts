import { createRng } from '../drive/rng.ts';
import type { Slo } from '../results/types.ts';
import { maxSustainable, resampledEstimate, windowsByRate, type WindowFigures } from '../sweep/estimate.ts';

/** A ratio of two sweeps' maximum sustainable rates, with its 95% interval. */
export interface RatioInterval {
  ratio: number;
  low: number;
  high: number;
  /**
   * Set when a sweep found no knee (its figure a lower bound): 'at least' (the numerator's),
   * 'at most' (the denominator's), 'unknown' (both). The interval then covers the windows' noise
   * only, not the ratio.
   */
  bound?: 'at least' | 'at most' | 'unknown';
}

const RESAMPLES = 1000;

/**
 * numerator / denominator of two sweeps' maximum sustainable rates (e.g. replicas / cache), with a
 * 95% interval by bootstrap over each sweep's windows: every resample redraws, independently for
 * the two sweeps and at every rate, as many windows as were measured there (with replacement),
 * recomputes both SLO crossings as harness/sweep/estimate.ts does and takes their ratio; the
 * interval is the 2.5th and 97.5th percentiles of the 1000 resampled ratios (widened to include the
 * point ratio, as the sweeps' own intervals are). Seeded: the same windows give the same interval.
 * Pass the windows the estimate was made from (a sweep's steps without generator-limited ones).
 *
 * Why not [lowA / highB, highA / lowB] from the sweeps' own intervals: that box covers the ratio
 * whenever both intervals cover their rate, but it pairs the two extremes, which together are far
 * less likely than either, so it is wider than a 95% interval of the ratio needs to be; resampling
 * the ratio itself uses the same windows and the same scheme as each sweep's own interval.
 *
 * What it does say: how far the ratio could move with the window-to-window noise these two sweeps
 * saw (95%, to the extent the windows at a rate are independent draws of the same thing). What it
 * does not: anything that moved every window of one sweep alike and not the other's (perf:tiers
 * alternates the two sweeps' windows so that drift on the machine falls on both, but a slower
 * warm-up or autovacuum on one stack does not), so it is not a prediction of the next run's ratio
 * (the --runs stability check is).
 * With few windows per rate it is coarse: rates measured once contribute no spread at all, and
 * three windows per rate allow only ten distinct resamples there. null when either sweep has no
 * rate that held the SLO.
 */
export function bootstrapRatio(numerator: readonly WindowFigures[], denominator: readonly WindowFigures[], slo: Slo, seed = 1): RatioInterval | null {
  const a = maxSustainable(numerator, slo);
  const b = maxSustainable(denominator, slo);
  if (a === null || b === null || b <= 0) return null;
  const ratio = a / b;
  const groupsA = windowsByRate(numerator);
  const groupsB = windowsByRate(denominator);
  const rng = createRng(seed, 'ratio-bootstrap');
  const ratios: number[] = [];
  for (let i = 0; i < RESAMPLES; i++) ratios.push(resampledEstimate(groupsA, slo, rng) / resampledEstimate(groupsB, slo, rng));
  ratios.sort((x, y) => x - y);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))]!;
  return { ratio, low: Math.min(ratio, at(0.025)), high: Math.max(ratio, at(0.975)) };
}

/** How close repeated runs' figures are to their median: the stability target of perf:tiers. */
export interface Stability {
  values: Array<number | null>;
  /** Median of the runs that gave a figure (the mean of the middle two for an even count); null for none. */
  median: number | null;
  /** Each run's (value - median) / median in percent; null where the run gave no figure. */
  deviationsPct: Array<number | null>;
  tolerancePct: number;
  /** Every run gave a figure within ±tolerancePct of the median. */
  allWithin: boolean;
}

/**
 * Each run's deviation from the median of all runs, and whether every one is within the
 * tolerance (the target: five back-to-back runs each within ±5% of their median). A run without a
 * figure (a sweep found no sustainable rate) fails it.
 */
export function stabilityOf(values: ReadonlyArray<number | null>, tolerancePct = 5): Stability {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  const mid = present.length >> 1;
  const median = present.length === 0 ? null : present.length % 2 ? present[mid]! : (present[mid - 1]! + present[mid]!) / 2;
  const deviationsPct = values.map((v) => (v === null || median === null || median === 0 || !Number.isFinite(v) ? null : ((v - median) / median) * 100));
  const allWithin = values.length > 0 && deviationsPct.every((d) => d !== null && Math.abs(d) <= tolerancePct + 1e-9);
  return { values: [...values], median, deviationsPct, tolerancePct, allWithin };
}
