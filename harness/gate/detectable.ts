/**
 * The minimum detectable change of one run, shown with an INCONCLUSIVE verdict.
 *
 * Definition: the smallest worsening δ (worse-oriented log-ratio) such that these same pairs, moved
 * so that their Hodges–Lehmann estimate is δ (their spread kept), would be significant at the
 * strictest level Holm can ask of a metric, alpha / m. By the Walsh-average construction this is
 *   δ = HL − L,   L = the one-sided (1 − alpha/m) exact lower bound of the observed pairs,
 * i.e. the half-width on the "better" side of the interval the gate would need to clear zero.
 * It depends only on n and the observed spread, not on where the estimate landed. It is a
 * "would have been detected with this spread" figure (about even odds in a rerun), not an
 * 80%-power figure. A FAIL also needs the estimate beyond the threshold, so the smallest change
 * that could FAIL is max(threshold, δ). Infinite when n pairs cannot reach alpha / m at all.
 */
import { shiftEstimate } from './hodges-lehmann.ts';

/**
 * @param worse worse-oriented log-ratios of the pairs (positive = candidate worse)
 * @param level one-sided significance level to reach, e.g. alpha / m
 * @returns δ >= 0 in log-ratio units, or Infinity
 */
export function minimumDetectableShift(worse: readonly number[], level: number): number {
  const { estimate, lower } = shiftEstimate(worse, level);
  return Math.max(0, estimate - lower);
}
