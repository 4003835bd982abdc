/**
 * The statistics of one ratio metric of one scenario, from its paired log-ratios: the
 * Hodges–Lehmann shift, exact Wilcoxon bounds and p-value, and the minimum detectable change.
 * Computed on worse-oriented log-ratios (see metrics.ts), reported as percent changes.
 */
import { minimumDetectableShift } from './detectable.ts';
import { shiftEstimate } from './hodges-lehmann.ts';
import { percentChange, toWorse, type WorseWhen } from './metrics.ts';
import { signedRankTest, type TestMethod } from './wilcoxon.ts';

export interface RatioStats {
  pairs: number;
  /** ln(B/A) of each pair as measured, in run order (traceable to the trials). */
  lnRatios: number[];
  /** Hodges–Lehmann shift as the metric's percent change of B against A. */
  estimatePct: number;
  /**
   * Interval of the percent change, low to high: each end is a one-sided (1 − alpha) exact bound,
   * together a (1 − 2·alpha) interval. null: no finite bound with this few pairs.
   */
  intervalPct: [number | null, number | null];
  /** The end of the interval in the worse direction (high for latency, low for throughput). */
  worseBoundPct: number | null;
  /** One-sided exact signed-rank p-value of "the candidate is worse". */
  pValue: number;
  /** Minimum detectable worsening (detectable.ts) as a signed percent change; null: none reachable. */
  detectablePct: number | null;
  /** Log-ratios that were zero (equal values in A and B): ranked, carrying no sign (Pratt). */
  zeros: number;
  /** Whether some log-ratios were tied (they share a mid-rank; the p-value is exact given the ties). */
  tied: boolean;
  /** 'normal' when the bounds or p-value used the large-n normal approximation. */
  method: TestMethod;
}

/** Worse-oriented values behind a RatioStats, for the verdict. */
export interface WorseStats {
  estimate: number;
  worseBound: number;
  detectable: number;
}

const finitePct = (w: number, worseWhen: WorseWhen): number | null => (Number.isFinite(w) ? percentChange(w, worseWhen) : null);

/**
 * @param lnRatios ln(B/A) per pair, at least one
 * @param worseWhen the metric's bad direction
 * @param alpha one-sided level of each bound (the gate's alpha)
 * @param detectLevel level used for the minimum detectable change (alpha / m)
 */
export function ratioStats(lnRatios: readonly number[], worseWhen: WorseWhen, alpha: number, detectLevel: number): { stats: RatioStats; worse: WorseStats } {
  const worse = lnRatios.map((x) => toWorse(x, worseWhen));
  const shift = shiftEstimate(worse, alpha);
  const test = signedRankTest(worse);
  const detectable = minimumDetectableShift(worse, detectLevel);
  // The better-side bound in percent, and the worse-side one; for throughput the worse end is the low one.
  const betterPct = finitePct(shift.lower, worseWhen);
  const worsePct = finitePct(shift.upper, worseWhen);
  const [low, high] = worseWhen === 'higher' ? [betterPct, worsePct] : [worsePct, betterPct];
  const stats: RatioStats = {
    pairs: lnRatios.length,
    lnRatios: [...lnRatios],
    estimatePct: percentChange(shift.estimate, worseWhen),
    intervalPct: [low, high],
    worseBoundPct: worsePct,
    pValue: test.pGreater,
    detectablePct: finitePct(detectable, worseWhen),
    zeros: test.zeros,
    tied: test.tied,
    method: shift.method === 'normal' || test.method === 'normal' ? 'normal' : 'exact',
  };
  return { stats, worse: { estimate: shift.estimate, worseBound: shift.upper, detectable } };
}
