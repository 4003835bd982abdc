/**
 * Wilcoxon's signed-rank test on paired differences, with its exact null distribution computed by
 * dynamic programming over the ranks (each rank's sign is a fair coin under H0: the differences
 * are symmetric about zero).
 *
 * Zeros and ties (documented in README "Performance regression gate"):
 * - differences within TIE_TOLERANCE of zero are zeros; |differences| within TIE_TOLERANCE of each
 *   other (on a grid of that step) are tied. Latency percentiles come out of HDR buckets, so equal
 *   values in A and B (a zero log-ratio) and equal ratios in two pairs really happen.
 * - zeros are ranked with the others and then carry no sign (Pratt, 1959): a zero is evidence of
 *   "no change" and pushes the other ranks up, instead of being thrown away (Wilcoxon's rule).
 * - tied |differences| share their mid-rank; the exact distribution is then the conditional one
 *   given those mid-ranks (ranks are doubled so mid-ranks are integers and the DP stays exact).
 * - above EXACT_MAX_N non-zero differences the exact DP is too large and a normal approximation
 *   (tie-corrected variance, continuity correction of half a rank) is used; results say which.
 */
import { normalCdf } from './normal.ts';

/** Differences closer than this (in log-ratio units: a billionth of a relative change) are tied. */
export const TIE_TOLERANCE = 1e-9;
/** Largest number of non-zero differences for which the exact distribution is computed. */
export const EXACT_MAX_N = 200;

export type TestMethod = 'exact' | 'normal';

export interface SignedRanks {
  /** 2 × the (mid-)rank of each non-zero difference among all |differences| (zeros included). */
  doubledRanks: number[];
  /** Whether each non-zero difference is positive (same order as doubledRanks). */
  positive: boolean[];
  zeros: number;
  /** Whether any two non-zero |differences| share a rank. */
  tied: boolean;
}

/**
 * Ranks |d| with mid-ranks for ties and Pratt's treatment of zeros.
 * @param d paired differences (any finite numbers)
 */
export function signedRanks(d: readonly number[]): SignedRanks {
  const keys = d.map((x) => Math.round(Math.abs(x) / TIE_TOLERANCE));
  const order = keys.map((_, i) => i).sort((i, j) => keys[i]! - keys[j]!);
  const doubled = new Array<number>(d.length).fill(0);
  let tied = false;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && keys[order[end + 1]!] === keys[order[start]!]) end++;
    // Positions start..end (0-based) hold ranks start+1..end+1: their mid-rank doubled is start+end+2.
    for (let p = start; p <= end; p++) doubled[order[p]!] = start + end + 2;
    if (end > start && keys[order[start]!] !== 0) tied = true;
    start = end + 1;
  }
  const result: SignedRanks = { doubledRanks: [], positive: [], zeros: 0, tied };
  d.forEach((x, i) => {
    if (keys[i] === 0) result.zeros++;
    else {
      result.doubledRanks.push(doubled[i]!);
      result.positive.push(x > 0);
    }
  });
  return result;
}

/**
 * Distribution of S = Σ w_i·[sign_i = +] over independent fair signs: element s is P(S = s).
 * Probabilities are halved at each step, so they never overflow; for n ≤ 53 they are exact dyadic
 * rationals in binary64.
 * @param weights positive integers (ranks, or doubled mid-ranks)
 */
export function signSumDistribution(weights: readonly number[]): Float64Array {
  let dist = new Float64Array([1]);
  for (const w of weights) {
    const next = new Float64Array(dist.length + w);
    for (let s = 0; s < dist.length; s++) {
      const p = dist[s]! / 2;
      next[s] = next[s]! + p;
      next[s + w] = next[s + w]! + p;
    }
    dist = next;
  }
  return dist;
}

const nullCache = new Map<number, Float64Array>();

/** Exact null distribution of W+ for n untied, non-zero differences: element t is P(W+ = t). */
export function nullDistribution(n: number): Float64Array {
  let dist = nullCache.get(n);
  if (!dist) {
    dist = signSumDistribution(Array.from({ length: n }, (_, i) => i + 1));
    nullCache.set(n, dist);
  }
  return dist;
}

/** P(S >= s), summed from the far tail inwards (small terms first). */
function upperTail(dist: Float64Array, s: number): number {
  let p = 0;
  for (let x = dist.length - 1; x >= Math.max(0, Math.ceil(s)); x--) p += dist[x]!;
  return Math.min(1, p);
}

export interface SignedRankTest {
  /** Differences given. */
  n: number;
  nonZero: number;
  zeros: number;
  tied: boolean;
  /** Sum of the (mid-)ranks of the positive differences, in rank units. */
  wPlus: number;
  /** One-sided p-value for "the differences tend to be positive": P(W+ >= observed | H0). */
  pGreater: number;
  /** One-sided p-value for "the differences tend to be negative": P(W+ <= observed | H0). */
  pLess: number;
  method: TestMethod;
}

/**
 * Wilcoxon signed-rank test of H0 "the differences are symmetric about 0".
 * @param d paired differences, e.g. per-pair log-ratios ln(B/A)
 * @returns exact p-values (conditional on ties and zeros) for up to EXACT_MAX_N non-zero
 *   differences, else normal-approximation p-values (`method` says which)
 */
export function signedRankTest(d: readonly number[]): SignedRankTest {
  const ranks = signedRanks(d);
  const nonZero = ranks.doubledRanks.length;
  const doubledPlus = ranks.doubledRanks.reduce((sum, r, i) => sum + (ranks.positive[i] ? r : 0), 0);
  const doubledTotal = ranks.doubledRanks.reduce((a, b) => a + b, 0);
  const base = { n: d.length, nonZero, zeros: ranks.zeros, tied: ranks.tied, wPlus: doubledPlus / 2 };
  if (nonZero === 0) return { ...base, pGreater: 1, pLess: 1, method: 'exact' };
  if (nonZero > EXACT_MAX_N) return { ...base, ...normalPValues(ranks.doubledRanks, doubledPlus), method: 'normal' };
  const dist = ranks.tied || ranks.zeros > 0 ? signSumDistribution(ranks.doubledRanks) : doubledNull(nonZero);
  // By symmetry P(S <= s) = P(S >= total - s).
  return { ...base, pGreater: upperTail(dist, doubledPlus), pLess: upperTail(dist, doubledTotal - doubledPlus), method: 'exact' };
}

/** The untied null on the doubled scale (only even sums occur), reusing the cached one. */
function doubledNull(n: number): Float64Array {
  const plain = nullDistribution(n);
  const doubled = new Float64Array(2 * (plain.length - 1) + 1);
  plain.forEach((p, t) => (doubled[2 * t] = p));
  return doubled;
}

/** Normal approximation with the exact (tie- and zero-aware) mean and variance of S. */
function normalPValues(doubledRanks: readonly number[], doubledPlus: number): { pGreater: number; pLess: number } {
  const mean = doubledRanks.reduce((a, r) => a + r, 0) / 2;
  const sd = Math.sqrt(doubledRanks.reduce((a, r) => a + r * r, 0) / 4);
  const correction = 1; // half a rank, on the doubled scale
  return {
    pGreater: 1 - normalCdf((doubledPlus - correction - mean) / sd),
    pLess: normalCdf((doubledPlus + correction - mean) / sd),
  };
}

/**
 * The count k behind a one-sided (1 − alpha) confidence bound from Walsh averages: the largest k
 * with P(W+ <= k − 1) <= alpha under the untied null with n pairs. The lower bound is then the
 * k-th smallest Walsh average and the upper bound the k-th largest; k = 0 means no finite bound
 * exists at this level (too few pairs).
 * @param n number of pairs (all of them: a shift of the data by a generic θ leaves no zeros)
 * @param alpha one-sided level, 0 < alpha < 0.5
 */
export function criticalCount(n: number, alpha: number): { k: number; method: TestMethod } {
  if (n <= 0) return { k: 0, method: 'exact' };
  if (n > EXACT_MAX_N) return { k: normalCriticalCount(n, alpha), method: 'normal' };
  const dist = nullDistribution(n);
  let cumulative = 0;
  let k = 0;
  // P(W+ <= k) <= alpha  ⇔  k + 1 is still an admissible count.
  while (k < dist.length && cumulative + dist[k]! <= alpha) cumulative += dist[k++]!;
  return { k, method: 'exact' };
}

function normalCriticalCount(n: number, alpha: number): number {
  const half = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
  const tail = (k: number): number => normalCdf((k - 1 + 0.5 - half) / sd);
  let lo = 0;
  let hi = Math.floor(half) + 1;
  // Largest k in [0, hi] with tail(k) <= alpha (tail(0) is tiny for large n; tail grows with k).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (tail(mid) <= alpha) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
