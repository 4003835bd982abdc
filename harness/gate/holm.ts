/**
 * Holm's step-down correction: controls the family-wise error rate (the chance of even one false
 * rejection among m hypotheses) at alpha under any dependence between the tests, and rejects at
 * least everything Bonferroni would.
 */

export interface HolmResult {
  /** Holm-adjusted p-values, in the input order: reject hypothesis i iff adjusted[i] <= alpha. */
  adjusted: number[];
  rejected: boolean[];
}

/**
 * @param pValues one p-value per hypothesis of the family (a missing test should be passed as 1,
 *   so it still counts in m)
 * @param alpha family-wise error rate, e.g. 0.05
 * @returns adjusted p-values: the i-th smallest p times (m − i + 1), made non-decreasing along the
 *   sorted order and capped at 1
 */
export function holm(pValues: readonly number[], alpha: number): HolmResult {
  const m = pValues.length;
  // NaN is treated as 1: an unusable test must never be rejected.
  const p = pValues.map((x) => (Number.isNaN(x) ? 1 : x));
  const order = p.map((_, i) => i).sort((i, j) => p[i]! - p[j]! || i - j);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[index]!));
    adjusted[index] = running;
  });
  return { adjusted, rejected: adjusted.map((a) => a <= alpha) };
}
