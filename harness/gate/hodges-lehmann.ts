/**
 * The Hodges–Lehmann estimate of a shift and its distribution-free confidence bounds, both read
 * off the sorted Walsh averages (d_i + d_j) / 2, i <= j. The number of Walsh averages above θ is
 * Wilcoxon's W+ for the data shifted by θ (Tukey), so cutting k of them from an end inverts the
 * signed-rank test: the bounds are exact whenever the data have no ties. With tied data they use the
 * same untied counts and are approximately exact.
 */
import { criticalCount, type TestMethod } from './wilcoxon.ts';

/** All n(n+1)/2 Walsh averages (d_i + d_j) / 2 for i <= j, sorted ascending. O(n²) memory. */
export function walshAverages(d: readonly number[]): Float64Array {
  const out = new Float64Array((d.length * (d.length + 1)) / 2);
  let at = 0;
  for (let i = 0; i < d.length; i++) {
    for (let j = i; j < d.length; j++) out[at++] = (d[i]! + d[j]!) / 2;
  }
  return out.sort();
}

/** Median of a sorted, non-empty array (mean of the two middle values when the length is even). */
function sortedMedian(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Hodges–Lehmann estimate: the median of the Walsh averages (same units as d).
 * @param d paired differences, at least one
 */
export function hodgesLehmann(d: readonly number[]): number {
  if (d.length === 0) throw new RangeError('hodgesLehmann needs at least one difference');
  return sortedMedian(walshAverages(d));
}

export interface ShiftEstimate {
  /** Hodges–Lehmann estimate, in the units of the differences. */
  estimate: number;
  /** One-sided (1 − alpha) lower bound; -Infinity when n is too small for this level. */
  lower: number;
  /** One-sided (1 − alpha) upper bound; +Infinity when n is too small for this level. */
  upper: number;
  /** Walsh averages cut from each end (0: no finite bound). */
  k: number;
  method: TestMethod;
}

/**
 * Hodges–Lehmann estimate with exact Wilcoxon confidence bounds. Each bound on its own holds with
 * probability at least 1 − alpha; together [lower, upper] is a (1 − 2·alpha) interval.
 * @param d paired differences, at least one
 * @param alpha one-sided level of each bound, 0 < alpha < 0.5
 */
export function shiftEstimate(d: readonly number[], alpha: number): ShiftEstimate {
  if (d.length === 0) throw new RangeError('shiftEstimate needs at least one difference');
  const walsh = walshAverages(d);
  const { k, method } = criticalCount(d.length, alpha);
  return {
    estimate: sortedMedian(walsh),
    lower: k > 0 ? walsh[k - 1]! : -Infinity,
    upper: k > 0 ? walsh[walsh.length - k]! : Infinity,
    k,
    method,
  };
}
