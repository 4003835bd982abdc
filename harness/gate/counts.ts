/**
 * Count metrics (errors, timeouts, drops) are compared as totals, not as log-ratios: a healthy
 * baseline has zero of them, and a ratio with zero is meaningless.
 */
import type { CountRule } from './config.ts';

export type CountVerdict = 'PASS' | 'FAIL' | 'REPORTED';

export interface CountDecision {
  verdict: CountVerdict;
  /** For significant-increase: one-sided exact sign-test p-value of "B has more than A" over pairs. */
  pValue?: number;
}

/**
 * P(X >= k) for X ~ Binomial(n, 1/2), summed in log space (n may be large).
 * Under H0 (both versions alike), of n pairs whose counts differ, the number where B has more is
 * Binomial(n, 1/2).
 */
export function binomialHalfUpperTail(k: number, n: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  // log C(n, k) by the product of (n - i) / (i + 1), then step the terms up to x = n.
  let logTerm = -n * Math.LN2;
  for (let i = 0; i < k; i++) logTerm += Math.log((n - i) / (i + 1));
  let sum = 0;
  for (let x = k; x <= n; x++) {
    sum += Math.exp(logTerm);
    logTerm += Math.log((n - x) / (x + 1));
  }
  return Math.min(1, sum);
}

export interface CountTotals {
  baseline: number;
  candidate: number;
  /** Pairs where B had more than A, and pairs where the two differ at all. */
  pairsWorse: number;
  pairsDiffering: number;
}

/** Totals over all A and all B trials, and the sign test's counts, of per-pair [A, B] counts. */
export function countTotalsOf(pairs: ReadonlyArray<readonly [number, number]>): CountTotals {
  const sum = (i: 0 | 1) => pairs.reduce((n, p) => n + p[i], 0);
  return { baseline: sum(0), candidate: sum(1), pairsWorse: pairs.filter(([a, b]) => b > a).length, pairsDiffering: pairs.filter(([a, b]) => b !== a).length };
}

/**
 * @param totals countTotalsOf the pairs
 * @param rule no-increase: the candidate's total above the baseline's fails; significant-increase:
 *   fails when the candidate's total is higher and B had more than A in significantly many pairs
 *   (one-sided exact sign test over the pairs that differ). A test over pairs, not over events:
 *   events cluster (one stalled trial times out sixty requests), and a test that counted them as
 *   independent would call one stall significant. report: never fails
 * @param alpha level for significant-increase
 * @param adjustedP the p-value after Holm (the gate puts significant-increase tests in its family);
 *   defaults to the raw one
 */
export function decideCount(totals: CountTotals, rule: CountRule, alpha: number, adjustedP?: number): CountDecision {
  if (rule === 'report') return { verdict: 'REPORTED' };
  const worse = totals.candidate > totals.baseline;
  if (rule === 'no-increase') return { verdict: worse ? 'FAIL' : 'PASS' };
  const pValue = binomialHalfUpperTail(totals.pairsWorse, totals.pairsDiffering);
  return { verdict: worse && (adjustedP ?? pValue) <= alpha ? 'FAIL' : 'PASS', pValue };
}
