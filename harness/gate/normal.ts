/**
 * The standard normal distribution, for the large-n fallback of the signed-rank test and for the
 * gate's simulations. Only used where the exact distribution is out of reach.
 */

/**
 * Complementary error function erfc(x), by the Chebyshev fit of Numerical Recipes (erfcc):
 * relative error below 1.2e-7 everywhere, enough for p-values that are compared with alpha / m.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** P(Z <= z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * One draw of a standard normal from two uniforms in [0, 1) (Box–Muller, cosine branch only, so
 * each call consumes exactly two uniforms and a seeded stream stays aligned).
 */
export function normalFromUniforms(u1: number, u2: number): number {
  const u = 1 - u1; // (0, 1]: log(0) is never taken
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * u2);
}
