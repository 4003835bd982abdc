import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../harness/drive/rng.ts';
import { hodgesLehmann, shiftEstimate, walshAverages } from '../../harness/gate/hodges-lehmann.ts';
import { criticalCount, EXACT_MAX_N, nullDistribution, signedRankTest, signSumDistribution } from '../../harness/gate/wilcoxon.ts';

/** Pratt mid-ranks by counting, independent of the library: zeros ranked, then given no sign. */
function bruteWPlus(d: readonly number[]): number {
  const abs = d.map(Math.abs);
  let w = 0;
  d.forEach((x, i) => {
    if (x <= 0) return;
    const less = abs.filter((a) => a < abs[i]!).length;
    const equal = abs.filter((a) => a === abs[i]!).length;
    w += less + (equal + 1) / 2;
  });
  return w;
}

/** P(W+ >= observed) by flipping the signs of the non-zero |d| in all 2^n ways. */
function bruteP(d: readonly number[]): number {
  const observed = bruteWPlus(d);
  const n = d.length;
  let hits = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    const flipped = d.map((x, i) => ((mask >> i) & 1 ? Math.abs(x) : -Math.abs(x)));
    if (bruteWPlus(flipped) >= observed - 1e-9) hits++;
  }
  return hits / (1 << n);
}

/** Counts of subsets of {1..n} by sum, by enumerating bitmasks (no DP). */
function bruteNullCounts(n: number): number[] {
  const counts = new Array<number>((n * (n + 1)) / 2 + 1).fill(0);
  for (let mask = 0; mask < 1 << n; mask++) {
    let sum = 0;
    for (let i = 0; i < n; i++) if ((mask >> i) & 1) sum += i + 1;
    counts[sum]!++;
  }
  return counts;
}

describe('Wilcoxon signed-rank: exact null distribution', () => {
  it('matches hand-counted distributions for n = 3 and n = 4', () => {
    expect([...nullDistribution(3)].map((p) => p * 8)).toEqual([1, 1, 1, 2, 1, 1, 1]);
    expect([...nullDistribution(4)].map((p) => p * 16)).toEqual([1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1]);
  });

  it('matches enumeration of all 2^n sign patterns up to n = 16', () => {
    for (let n = 1; n <= 16; n++) {
      const counts = bruteNullCounts(n);
      expect([...nullDistribution(n)].map((p) => p * 2 ** n)).toEqual(counts);
    }
  });

  it('gives the textbook critical values (one-sided 0.025: n=8 → 3, n=10 → 8, n=20 → 52, n=30 → 137)', () => {
    // criticalCount returns k = (critical value) + 1: the k-th Walsh average is the bound.
    expect(criticalCount(8, 0.025).k).toBe(4);
    expect(criticalCount(10, 0.025).k).toBe(9);
    expect(criticalCount(20, 0.025).k).toBe(53);
    expect(criticalCount(30, 0.025).k).toBe(138);
    // n = 8 at 0.05: P(W+ <= 5) = 10/256 <= 0.05 < P(W+ <= 6) = 14/256.
    expect(criticalCount(8, 0.05).k).toBe(6);
    // n = 4 cannot reach 0.05 at all (the smallest tail is 1/16): no finite bound.
    expect(criticalCount(4, 0.05).k).toBe(0);
  });

  it('switches to a normal approximation above EXACT_MAX_N, close to the exact count', () => {
    const n = EXACT_MAX_N + 1;
    const approx = criticalCount(n, 0.025);
    expect(approx.method).toBe('normal');
    const dist = signSumDistribution(Array.from({ length: n }, (_, i) => i + 1));
    let cumulative = 0;
    let exactK = 0;
    while (cumulative + dist[exactK]! <= 0.025) cumulative += dist[exactK++]!;
    expect(Math.abs(approx.k - exactK)).toBeLessThanOrEqual(3);
  });
});

describe('Wilcoxon signed-rank: p-values', () => {
  it('matches hand-computed cases', () => {
    expect(signedRankTest([1, 2, 3, 4, 5]).pGreater).toBe(1 / 32);
    expect(signedRankTest([-1, 2, 3, 4, 5]).pGreater).toBe(2 / 32);
    expect(signedRankTest([-1, 2, 3, 4, 5]).pLess).toBe(31 / 32);
    // Ties: |1|, |1| share mid-rank 1.5; W+ = 1.5 + 1.5 + 4 = 7; 5 of 16 sign patterns reach 7.
    const tied = signedRankTest([1, 1, -2, 3]);
    expect(tied).toMatchObject({ wPlus: 7, pGreater: 5 / 16, tied: true, method: 'exact' });
    // Pratt: the zero takes rank 1 and no sign; ranks 2 (+), 3 (−), 4 (+): W+ = 6, P(W+ >= 6) = 3/8.
    expect(signedRankTest([0, 1, -2, 3])).toMatchObject({ wPlus: 6, pGreater: 3 / 8, zeros: 1, nonZero: 3 });
  });

  it('treats differences within a billionth as tied, and near-zero ones as zero', () => {
    expect(signedRankTest([0.1, 0.1 + 1e-13, 0.3]).tied).toBe(true);
    expect(signedRankTest([1e-12, 0.2, 0.3]).zeros).toBe(1);
  });

  it('says "no evidence" (p = 1) when every difference is zero', () => {
    expect(signedRankTest([0, 0, 0])).toMatchObject({ pGreater: 1, pLess: 1, nonZero: 0 });
  });

  it('equals brute-force enumeration, with ties and zeros (property)', () => {
    const data = fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(data, (d) => {
        const test = signedRankTest(d);
        expect(test.wPlus).toBeCloseTo(bruteWPlus(d), 9);
        expect(test.pGreater).toBeCloseTo(bruteP(d), 12);
        expect(test.pLess).toBeCloseTo(bruteP(d.map((x) => -x)), 12);
      }),
      { seed: 15, numRuns: 300 },
    );
  });

  it('uses the normal approximation for large n: close near p = 0.01, conservative further out', () => {
    const exactTail = (d: number[], wPlus: number): number => {
      const exact = signSumDistribution(d.map((_, i) => i + 1));
      let tail = 0;
      for (let s = exact.length - 1; s >= wPlus; s--) tail += exact[s]!;
      return tail;
    };
    for (const [seed, share, tolerance] of [[5, 0.37, 0.02], [4, 0.38, 0.2]] as const) {
      const rng = createRng(seed);
      const d = Array.from({ length: EXACT_MAX_N + 1 }, (_, i) => (rng.nextFloat() < share ? -1 : 1) * (i + 1));
      const test = signedRankTest(d);
      expect(test.method).toBe('normal');
      const ratio = test.pGreater / exactTail(d, test.wPlus);
      expect(ratio).toBeGreaterThanOrEqual(1); // never smaller than exact here: errs towards PASS/INCONCLUSIVE
      expect(ratio).toBeLessThan(1 + tolerance);
    }
  });
});

describe('Hodges–Lehmann estimate and bounds', () => {
  it('matches hand-computed Walsh averages and medians', () => {
    expect([...walshAverages([-1, 2, 4, 10])]).toEqual([-1, 0.5, 1.5, 2, 3, 4, 4.5, 6, 7, 10]);
    expect(hodgesLehmann([-1, 2, 4, 10])).toBe(3.5);
    expect(hodgesLehmann([1, 2, 3])).toBe(2);
    expect(hodgesLehmann([5])).toBe(5);
  });

  it('cuts k Walsh averages from each end: n = 8 at 0.05 uses the 6th smallest and 6th largest', () => {
    const d = [0.3, -0.1, 0.5, 0.2, 0.9, 0.4, -0.2, 0.6];
    const walsh = walshAverages(d);
    const est = shiftEstimate(d, 0.05);
    expect(est).toMatchObject({ k: 6, lower: walsh[5], upper: walsh[walsh.length - 6], method: 'exact' });
    expect(est.lower).toBeLessThanOrEqual(est.estimate);
    expect(est.upper).toBeGreaterThanOrEqual(est.estimate);
  });

  it('has no finite bound when n is too small for the level', () => {
    expect(shiftEstimate([0.1, 0.2, 0.3], 0.05)).toMatchObject({ k: 0, lower: -Infinity, upper: Infinity });
  });

  it('counts Walsh averages above 0 as W+ (Tukey), for untied data (property)', () => {
    const distinct = fc.uniqueArray(fc.integer({ min: -200, max: 200 }).filter((x) => x !== 0), { minLength: 1, maxLength: 12, selector: Math.abs });
    fc.assert(
      fc.property(distinct, (d) => {
        const above = [...walshAverages(d)].filter((w) => w > 0).length;
        expect(above).toBe(signedRankTest(d).wPlus);
      }),
      { seed: 16, numRuns: 300 },
    );
  });

  it('inverts the exact test: just below the lower bound the shift is rejected, just above it is not (property)', () => {
    const distinct = fc.uniqueArray(fc.integer({ min: -100, max: 100 }), { minLength: 3, maxLength: 10 });
    const alpha = fc.constantFrom(0.01, 0.025, 0.05, 0.1, 0.2);
    fc.assert(
      fc.property(distinct, alpha, (d, a) => {
        const { lower, upper, k } = shiftEstimate(d, a);
        if (k === 0) return;
        // Walsh averages of integers are multiples of 0.5, so ±0.25 never creates ties or zeros.
        expect(bruteP(d.map((x) => x - (lower - 0.25)))).toBeLessThanOrEqual(a);
        expect(bruteP(d.map((x) => x - (lower + 0.25)))).toBeGreaterThan(a);
        expect(bruteP(d.map((x) => (upper + 0.25) - x))).toBeLessThanOrEqual(a);
        expect(bruteP(d.map((x) => (upper - 0.25) - x))).toBeGreaterThan(a);
      }),
      { seed: 17, numRuns: 150 },
    );
  });

  it('moves with the data: HL(d + c) = HL(d) + c and HL(-d) = -HL(d) (property)', () => {
    const data = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(data, fc.double({ min: -1, max: 1, noNaN: true }), (d, c) => {
        expect(hodgesLehmann(d.map((x) => x + c))).toBeCloseTo(hodgesLehmann(d) + c, 9);
        expect(hodgesLehmann(d.map((x) => -x))).toBeCloseTo(-hodgesLehmann(d), 12);
      }),
      { seed: 18, numRuns: 200 },
    );
  });
});
