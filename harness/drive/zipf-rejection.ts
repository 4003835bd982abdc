/**
 * Exact Zipf sampling for any exponent theta >= 0: rejection-inversion (W. Hörmann, G. Derflinger,
 * "Rejection-inversion to generate variates from monotone discrete distributions", ACM TOMACS 6(3),
 * 1996), in the form of Apache Commons' ZipfRejectionInversionSampler: the hat integral is
 * H(x) = ((x)^(1-theta) - 1) / (1-theta), which has a limit (log x) at theta = 1, so one method
 * covers theta < 1, = 1 and > 1. P(rank r) = (r+1)^-theta / zeta(n, theta), r in [0, n).
 *
 * Gray's method (zipf.ts, YCSB's generator) needs theta < 1 and is an approximation (1.1% total
 * variation from the exact law at n = 1M, theta 0.99); the seeder keeps it, because dataset
 * digests and snapshots depend on its draws, but the load generator uses this sampler.
 *
 * A draw consumes one uniform, or more when rejected (rarely: the hat is tight). All draws come
 * from the caller's rng, so a schedule replayed with the same seed draws the same ranks.
 */

export interface ZipfSampler {
  /** A rank in [0, n), rank 0 the most popular, drawn with uniforms from nextFloat (in [0, 1)). */
  rank(nextFloat: () => number): number;
}

/** Below this |x|, log1p(x)/x and expm1(x)/x are evaluated by their Taylor series (no 0/0). */
const TAYLOR_THRESHOLD = 1e-8;

/** log(1 + x) / x, continuous at 0. */
function log1pOverX(x: number): number {
  if (Math.abs(x) > TAYLOR_THRESHOLD) return Math.log1p(x) / x;
  return 1 - x * (1 / 2 - x * (1 / 3 - x * (1 / 4)));
}

/** (exp(x) - 1) / x, continuous at 0. */
function expm1OverX(x: number): number {
  if (Math.abs(x) > TAYLOR_THRESHOLD) return Math.expm1(x) / x;
  return 1 + (x / 2) * (1 + (x / 3) * (1 + x / 4));
}

export function zipfRejectionInversion(n: number, theta: number): ZipfSampler {
  if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`zipf population must be an integer in [1, 2^32], got ${n}`);
  if (!(Number.isFinite(theta) && theta >= 0)) throw new RangeError(`zipf theta must be a finite number >= 0, got ${theta}`);
  /** The hat function h(x) = x^-theta. */
  const h = (x: number): number => Math.exp(-theta * Math.log(x));
  /** H(x) = integral of h from 1 to x, written to stay finite at theta = 1. */
  const hIntegral = (x: number): number => {
    const logX = Math.log(x);
    return expm1OverX((1 - theta) * logX) * logX;
  };
  const hIntegralInverse = (x: number): number => {
    // Rounding can push t a hair below -1, where log1p is undefined.
    const t = Math.max(-1, x * (1 - theta));
    return Math.exp(log1pOverX(t) * x);
  };
  const hIntegralX1 = hIntegral(1.5) - 1;
  const hIntegralN = hIntegral(n + 0.5);
  // Ranks with k - x <= s are accepted without evaluating H again (the squeeze).
  const s = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
  return {
    rank(nextFloat) {
      for (;;) {
        // u is uniform in (hIntegralX1, hIntegralN]: the inverse maps it under the hat.
        const u = hIntegralN + nextFloat() * (hIntegralX1 - hIntegralN);
        const x = hIntegralInverse(u);
        let k = Math.floor(x + 0.5);
        if (k < 1) k = 1;
        else if (k > n) k = n;
        if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) return k - 1;
      }
    },
  };
}
