import { describe, expect, it } from 'vitest';
import { createKeySampler, hotKeyCount } from '../../harness/drive/keys.ts';
import { createRng } from '../../harness/drive/rng.ts';
import type { Populations } from '../../harness/drive/types.ts';
import { zeta } from '../../harness/drive/zipf.ts';
import { zipfRejectionInversion } from '../../harness/drive/zipf-rejection.ts';
import type { KeyDistribution } from '../../scenarios/types.ts';

/**
 * Shapes of the key distributions. Every draw comes from a fixed seed, so these statistical checks
 * are exact repeats of one computation: they cannot flake. Bounds are 5 standard deviations of a
 * binomial count (or a stated absolute tolerance), loose enough to survive a deliberate change of
 * seed, tight enough to catch a wrong law.
 */

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => String(1_000_000 + i));

function counts(dist: KeyDistribution, n: number, draws: number, seed = 11): number[] {
  const populations: Populations = { photos: ids(n), users: ids(n) };
  const sample = createKeySampler(dist, populations, createRng(seed));
  const c = new Array<number>(n).fill(0);
  for (let i = 0; i < draws; i++) c[Number(sample()) - 1_000_000]!++;
  return c;
}

/** |observed - expected| in standard deviations of a binomial(draws, p) count. */
const sigmas = (observed: number, draws: number, p: number): number => Math.abs(observed - draws * p) / Math.sqrt(draws * p * (1 - p) || 1);

const zipfPmf = (n: number, theta: number) => (rank: number) => Math.pow(rank + 1, -theta) / zeta(n, theta);

describe('zipf by rejection-inversion: the exact law for every theta', () => {
  for (const theta of [0, 0.5, 0.99, 1, 1.2, 2, 3.5]) {
    it(`theta ${theta}: each of 20 ranks within 5 sigma of (r+1)^-theta / zeta`, () => {
      const n = 20;
      const draws = 200_000;
      const z = zipfRejectionInversion(n, theta);
      const rng = createRng(3);
      const c = new Array<number>(n).fill(0);
      for (let i = 0; i < draws; i++) c[z.rank(rng.nextFloat)]!++;
      const p = zipfPmf(n, theta);
      const worst = Math.max(...c.map((k, r) => sigmas(k, draws, p(r))));
      expect(worst).toBeLessThan(5);
    });
  }

  it('gives the top 1% of 100k keys their exact share at theta 1 and 1.5 (Gray\'s method cannot: theta < 1 only)', () => {
    const n = 100_000;
    const draws = 200_000;
    for (const theta of [1, 1.5]) {
      const sorted = counts({ kind: 'zipf', population: 'photos', theta }, n, draws).sort((a, b) => b - a);
      const top = sorted.slice(0, n / 100).reduce((a, b) => a + b, 0) / draws;
      const exact = zeta(n / 100, theta) / zeta(n, theta);
      expect(Math.abs(top - exact)).toBeLessThan(0.01);
    }
  });

  it('scatters the hot ranks over the id space (scrambled), keeping the hottest key\'s share', () => {
    const n = 10_000;
    const draws = 100_000;
    const c = counts({ kind: 'zipf', population: 'photos', theta: 1.1 }, n, draws);
    const hottest = c.map((k, i) => [k, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 20).map(([, i]) => i);
    expect(hottest.filter((i) => i < 200).length).toBeLessThan(5);
    expect(sigmas(Math.max(...c), draws, zipfPmf(n, 1.1)(0))).toBeLessThan(5);
  });

  it('rejects a negative or non-finite theta and an empty population', () => {
    expect(() => zipfRejectionInversion(10, -0.1)).toThrow(RangeError);
    expect(() => zipfRejectionInversion(10, Number.NaN)).toThrow(RangeError);
    expect(() => zipfRejectionInversion(0, 1)).toThrow(RangeError);
    expect(() => createKeySampler({ kind: 'zipf', population: 'photos', theta: 1 }, { photos: [], users: ['1'] }, createRng(1))).toThrow(/empty/);
  });

  it('draws only ranks in [0, n) from a 10M population', () => {
    const z = zipfRejectionInversion(10_000_000, 1.3);
    const rng = createRng(5);
    let outside = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = z.rank(rng.nextFloat);
      if (!(Number.isInteger(r) && r >= 0 && r < 10_000_000)) outside++;
    }
    expect(outside).toBe(0);
  });
});

describe('uniform', () => {
  it('gives each of 100 keys 1/100 of the draws (within 5 sigma)', () => {
    const draws = 100_000;
    const c = counts({ kind: 'uniform', population: 'users' }, 100, draws);
    expect(Math.max(...c.map((k) => sigmas(k, draws, 0.01)))).toBeLessThan(5);
  });
});

describe('shuffled: every key once before any twice', () => {
  const walk = (n: number, draws: number, seed: number): string[] => {
    const sample = createKeySampler({ kind: 'shuffled', population: 'photos' }, { photos: ids(n), users: ids(n) }, createRng(seed));
    return Array.from({ length: draws }, () => sample());
  };

  it('draws each of n keys exactly once in its first n draws, for populations that are and are not powers of two', () => {
    for (const n of [1, 2, 7, 64, 1000, 100_003]) {
      const keys = walk(n, n, 5);
      expect(new Set(keys).size).toBe(n);
    }
  });

  it('wraps after n draws into the same order, so no key repeats within any n consecutive draws', () => {
    const n = 997;
    const keys = walk(n, 3 * n, 9);
    expect(keys.slice(n, 2 * n)).toEqual(keys.slice(0, n));
    for (const start of [1, 400, n + 13]) expect(new Set(keys.slice(start, start + n)).size).toBe(n);
  });

  it('is scattered (not in id order) and starts where the seed says: the same seed, the same walk', () => {
    const a = walk(10_000, 200, 1);
    const ascending = a.filter((k, i) => i > 0 && Number(k) === Number(a[i - 1]) + 1).length;
    expect(ascending).toBeLessThan(20);
    expect(walk(10_000, 200, 1)).toEqual(a);
    expect(walk(10_000, 200, 2)).not.toEqual(a);
  });
});

describe('latest: Zipf over recency, newest id first', () => {
  it('ranks keys by recency: the last id is drawn most, with the exact Zipf share per recency rank', () => {
    const n = 1000;
    const draws = 200_000;
    const theta = 0.99;
    const c = counts({ kind: 'latest', population: 'photos', theta }, n, draws);
    const p = zipfPmf(n, theta);
    // recency rank r is index n - 1 - r
    for (let r = 0; r < 50; r++) expect(sigmas(c[n - 1 - r]!, draws, p(r))).toBeLessThan(5);
    const newestTenth = c.slice((n * 9) / 10).reduce((a, b) => a + b, 0) / draws;
    expect(Math.abs(newestTenth - zeta(n / 10, theta) / zeta(n, theta))).toBeLessThan(0.01);
    const top10 = c.map((k, i) => [k, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([, i]) => i);
    expect(top10).toEqual([n - 1, n - 2, n - 3]);
  });
});

describe('hotspot (YCSB): x% of requests on y% of keys', () => {
  it('sends hotRequestFraction of draws to hotKeyFraction of the keys, uniform within each set, hot set scattered', () => {
    const n = 1000;
    const draws = 200_000;
    const dist: KeyDistribution = { kind: 'hotspot', population: 'photos', hotKeyFraction: 0.05, hotRequestFraction: 0.8 };
    const c = counts(dist, n, draws);
    const hot = hotKeyCount(n, 0.05);
    expect(hot).toBe(50);
    // The hot keys are exactly the 50 most drawn; each should get 0.8/50 of the draws.
    const byCount = c.map((k, i) => [k, i] as const).sort((a, b) => b[0] - a[0]);
    const hotSet = byCount.slice(0, hot);
    const coldSet = byCount.slice(hot);
    const hotShare = hotSet.reduce((a, [k]) => a + k, 0) / draws;
    expect(sigmas(hotShare * draws, draws, 0.8)).toBeLessThan(5);
    expect(Math.max(...hotSet.map(([k]) => sigmas(k, draws, 0.8 / hot)))).toBeLessThan(5);
    expect(Math.max(...coldSet.map(([k]) => sigmas(k, draws, 0.2 / (n - hot))))).toBeLessThan(5);
    // A hot key gets ~3200 draws, a cold one ~42: the sets cannot be confused.
    expect(hotSet.at(-1)![0]).toBeGreaterThan(10 * coldSet[0]![0]);
    // Scattered: not the first (oldest) 50 ids.
    expect(hotSet.filter(([, i]) => i < hot).length).toBeLessThan(10);
  });

  it('keeps at least one hot key, and all keys hot at fraction 1', () => {
    expect(hotKeyCount(10, 0.001)).toBe(1);
    expect(hotKeyCount(10, 1)).toBe(10);
    const c = counts({ kind: 'hotspot', population: 'photos', hotKeyFraction: 1, hotRequestFraction: 0.3 }, 10, 10_000);
    expect(Math.max(...c.map((k) => sigmas(k, 10_000, 0.1)))).toBeLessThan(5);
  });
});
