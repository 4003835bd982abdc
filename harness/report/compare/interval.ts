/**
 * An interval for the difference between two sets of repeated windows, so noise is not read as
 * change. Distribution-free: the Hodges-Lehmann estimate of the shift (the median of all pairwise
 * differences b_j - a_i) with the exact confidence bounds of the Mann-Whitney (Wilcoxon rank-sum)
 * test: the k-th smallest and k-th largest pairwise difference, k from the exact null
 * distribution of U for the two sample sizes. Latencies and rates are compared on a log scale (the
 * shift is a ratio), shares such as error rates on their own scale (percentage points).
 *
 * With few windows the achievable confidence is limited: 2 against 2 windows give at most 67%,
 * 3 against 3 90%, 4 against 4 97%. The achieved level is reported with every interval.
 */

export type Scale = 'log' | 'linear';

export interface ShiftInterval {
  /** Hodges-Lehmann estimate of the shift (log ratio on the log scale). */
  estimate: number;
  low: number;
  high: number;
  /** Confidence the interval actually has (at least the level asked for, when the windows allow it). */
  level: number;
  m: number;
  n: number;
}

const distributions = new Map<string, number[]>();

/** Number of orderings of m and n values giving each U = 0..mn (no ties): the exact null distribution, unnormalised. */
export function mannWhitneyCounts(m: number, n: number): number[] {
  const key = `${m},${n}`;
  const known = distributions.get(key);
  if (known) return known;
  let counts: number[];
  if (m === 0 || n === 0) counts = [1];
  else {
    // The largest of the m + n values: an a beats all n b's (U grows by n), a b beats none.
    const withoutA = mannWhitneyCounts(m - 1, n);
    const withoutB = mannWhitneyCounts(m, n - 1);
    counts = Array.from({ length: m * n + 1 }, (_, u) => (u >= n ? (withoutA[u - n] ?? 0) : 0) + (withoutB[u] ?? 0));
  }
  distributions.set(key, counts);
  return counts;
}

/** P(U <= u) under the null hypothesis, for every u. */
function cumulative(m: number, n: number): number[] {
  const counts = mannWhitneyCounts(m, n);
  const total = counts.reduce((a, b) => a + b, 0);
  let run = 0;
  return counts.map((c) => (run += c) / total);
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The shift from `a` to `b` with an interval at (at least) `level` confidence where the windows
 * allow it, else the widest one they allow (its level says so). Null with fewer than 2 windows on
 * either side, or a non-positive value on the log scale.
 */
export function shiftInterval(a: readonly number[], b: readonly number[], scale: Scale, level = 0.95): ShiftInterval | null {
  if (a.length < 2 || b.length < 2) return null;
  if (scale === 'log' && [...a, ...b].some((v) => !(v > 0))) return null;
  const g = scale === 'log' ? Math.log : (v: number) => v;
  const diffs = b.flatMap((y) => a.map((x) => g(y) - g(x))).sort((p, q) => p - q);
  const cdf = cumulative(a.length, b.length);
  const alpha = 1 - level;
  // Largest k with P(U <= k - 1) <= alpha / 2; at least 1 (the full range of differences).
  let k = 1;
  while (k < diffs.length / 2 && (cdf[k] ?? 1) <= alpha / 2) k++;
  return {
    estimate: median(diffs),
    low: diffs[k - 1]!,
    high: diffs[diffs.length - k]!,
    level: 1 - 2 * cdf[k - 1]!,
    m: a.length,
    n: b.length,
  };
}

/** A shift on the log scale as a relative change: 0.1 -> +10.5%. */
export function relative(logShift: number): number {
  return Math.exp(logShift) - 1;
}
