/**
 * Count metrics (errors, timeouts, drops) are compared as totals, not as log-ratios: a healthy
 * baseline has zero of them, and a ratio with zero is meaningless.
 */
import type { CountRule } from './config.ts';

export type CountVerdict = 'PASS' | 'FAIL' | 'REPORTED';

export interface CountDecision {
  verdict: CountVerdict;
  /** For significant-increase: one-sided exact p-value of "B has more than A". */
  pValue?: number;
}

/**
 * P(X >= k) for X ~ Binomial(n, 1/2), summed in log space (n may be large).
 * Under H0 (both versions have the same rate and exposure), given n = A + B events in all, the
 * candidate's share B is Binomial(n, 1/2).
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

/**
 * @param baseline total over all A trials
 * @param candidate total over all B trials
 * @param rule no-increase: candidate > baseline fails; significant-increase: fails when the
 *   candidate has more and P(B >= candidate | A + B, equal rates) is significant; report: never fails
 * @param alpha level for significant-increase
 * @param adjustedP the p-value after Holm (the gate puts significant-increase tests in its family);
 *   defaults to the raw one
 */
export function decideCount(baseline: number, candidate: number, rule: CountRule, alpha: number, adjustedP?: number): CountDecision {
  if (rule === 'report') return { verdict: 'REPORTED' };
  if (rule === 'no-increase') return { verdict: candidate > baseline ? 'FAIL' : 'PASS' };
  const pValue = binomialHalfUpperTail(candidate, baseline + candidate);
  return { verdict: candidate > baseline && (adjustedP ?? pValue) <= alpha ? 'FAIL' : 'PASS', pValue };
}
