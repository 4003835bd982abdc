import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holm } from '../../harness/gate/holm.ts';

describe('Holm correction', () => {
  it('matches R p.adjust(method = "holm") on known cases', () => {
    // p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm") = 0.05 0.08 0.09 0.09 0.09
    const a = holm([0.01, 0.02, 0.03, 0.04, 0.05], 0.05);
    a.adjusted.forEach((x, i) => expect(x).toBeCloseTo([0.05, 0.08, 0.09, 0.09, 0.09][i]!, 12));
    expect(a.rejected).toEqual([true, false, false, false, false]);
    // Unsorted input keeps its order: sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 → 0.06.
    const b = holm([0.01, 0.04, 0.03, 0.005], 0.05);
    b.adjusted.forEach((x, i) => expect(x).toBeCloseTo([0.03, 0.06, 0.06, 0.02][i]!, 12));
    expect(b.rejected).toEqual([true, false, false, true]);
  });

  it('rejects more than Bonferroni would when the smallest p-value clears its step', () => {
    // Bonferroni at 0.05/3 rejects only 0.01; Holm also rejects 0.02 (0.02·2 = 0.04).
    expect(holm([0.01, 0.02, 0.5], 0.05).rejected).toEqual([true, true, false]);
  });

  it('caps at 1, treats NaN as 1, and leaves a single test alone', () => {
    expect(holm([0.6, 0.7], 0.05).adjusted).toEqual([1, 1]);
    expect(holm([Number.NaN, 0.001], 0.05)).toEqual({ adjusted: [1, 0.002], rejected: [false, true] });
    expect(holm([0.03], 0.05)).toEqual({ adjusted: [0.03], rejected: [true] });
    expect(holm([], 0.05)).toEqual({ adjusted: [], rejected: [] });
  });

  it('adjusted p-values are >= raw, <= 1, ordered like the raw ones, and contain Bonferroni rejections (property)', () => {
    const ps = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(ps, (p) => {
        const { adjusted, rejected } = holm(p, 0.05);
        p.forEach((x, i) => {
          expect(adjusted[i]!).toBeGreaterThanOrEqual(x);
          expect(adjusted[i]!).toBeLessThanOrEqual(1);
          if (x * p.length <= 0.05) expect(rejected[i]).toBe(true);
          p.forEach((y, j) => {
            if (x < y) expect(adjusted[i]!).toBeLessThanOrEqual(adjusted[j]!);
          });
        });
      }),
      { seed: 19, numRuns: 300 },
    );
  });
});
