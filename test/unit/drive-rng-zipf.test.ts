import { describe, expect, it } from 'vitest';
import { createRng } from '../../harness/drive/rng.ts';
import { fnv1a64, scrambledZipfian, scrambler, zeta, zipfian } from '../../harness/drive/zipf.ts';

function fnv1a64Reference(value: number): bigint {
  const mask = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  let v = BigInt(value);
  for (let i = 0; i < 8; i++) {
    h ^= v & 0xffn;
    v >>= 8n;
    h = (h * 0x100000001b3n) & mask;
  }
  return h;
}

function draws(n: number, count: number, sample: (u: number) => number, seed = 7): number[] {
  const rng = createRng(seed);
  const freq = new Array<number>(n).fill(0);
  for (let i = 0; i < count; i++) {
    const k = sample(rng.nextFloat());
    freq[k] = (freq[k] ?? 0) + 1;
  }
  return freq;
}

describe('rng', () => {
  it('is deterministic per seed and stream, and differs across them', () => {
    const seq = (seed: number, stream?: string): number[] => {
      const rng = createRng(seed, stream);
      return Array.from({ length: 64 }, () => rng.nextUint32());
    };
    expect(seq(42)).toEqual(seq(42));
    expect(seq(42)).not.toEqual(seq(43));
    expect(seq(42)).not.toEqual(seq(42, 'warmup'));
    expect(seq(-1)).not.toEqual(seq(2 ** 40 - 1));
    expect(seq(2 ** 40)).not.toEqual(seq(0));
  });

  it('produces floats in [0,1) and unbiased bounded ints', () => {
    const rng = createRng(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const f = rng.nextFloat();
      if (!(f >= 0 && f < 1)) outside++;
      sum += f;
    }
    expect(outside).toBe(0);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const k = rng.nextInt(10);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => rng.nextInt(0)).toThrow(RangeError);
    expect(() => createRng(1.5)).toThrow(RangeError);
  });
});

describe('fnv1a64', () => {
  it('matches a BigInt reference implementation', () => {
    for (const v of [0, 1, 255, 256, 65_535, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 123_456_789_012, 2 ** 53 - 1]) {
      expect(fnv1a64(v)).toBe(fnv1a64Reference(v));
    }
  });
});

describe('zipfian (YCSB, Gray et al.; the seeder\'s sampler, kept byte for byte)', () => {
  it('stays in range and makes rank 0 the most popular', () => {
    const n = 1000;
    const freq = draws(n, 50_000, zipfian(n, 0.99).rank);
    expect(freq.length).toBe(n);
    const top = freq.indexOf(Math.max(...freq));
    expect(top).toBe(0);
    expect(freq[0]! / 50_000).toBeCloseTo(1 / zeta(n, 0.99), 1);
  });

  it('gives the top 1% of 100k keys roughly 50-70% of draws at theta 0.99', () => {
    const n = 100_000;
    const count = 200_000;
    const freq = draws(n, count, scrambledZipfian(n, 0.99).index);
    const sorted = freq.slice().sort((a, b) => b - a);
    const top1pct = sorted.slice(0, n / 100).reduce((a, b) => a + b, 0) / count;
    const expected = zeta(n / 100, 0.99) / zeta(n, 0.99); // the exact Zipf share, about 0.6
    expect(top1pct).toBeGreaterThan(0.5);
    expect(top1pct).toBeLessThan(0.7);
    expect(Math.abs(top1pct - expected)).toBeLessThan(0.05);
  });

  it('scatters hot keys: the hottest indices are not the first ids', () => {
    const n = 100_000;
    const freq = draws(n, 200_000, scrambledZipfian(n, 0.99).index);
    const hottest = freq
      .map((c, i) => [c, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 100)
      .map(([, i]) => i);
    expect(hottest.slice(0, 10).sort((a, b) => a - b)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // A random placement puts about 1 of the 100 hottest in the first 1% of ids; id order would put all.
    expect(hottest.filter((i) => i < n / 100).length).toBeLessThan(10);
    expect(Math.max(...hottest)).toBeGreaterThan(n / 2);
  });

  it('scrambles with a bijection, so the Zipf shape is kept exactly', () => {
    for (const n of [1, 2, 3, 7, 1000, 4097, 65_536]) {
      const s = scrambler(n);
      const seen = new Set<number>();
      let outside = 0;
      for (let r = 0; r < n; r++) {
        const i = s(r);
        if (!(Number.isInteger(i) && i >= 0 && i < n)) outside++;
        seen.add(i);
      }
      expect(outside).toBe(0);
      expect(seen.size).toBe(n);
    }
  });

  it('handles a 10M population (zeta computed once)', () => {
    const z = scrambledZipfian(10_000_000, 0.99);
    const rng = createRng(3);
    let outside = 0;
    for (let i = 0; i < 10_000; i++) {
      const k = z.index(rng.nextFloat());
      if (!(Number.isInteger(k) && k >= 0 && k < 10_000_000)) outside++;
    }
    expect(outside).toBe(0);
  });

  it('rejects a theta outside [0, 1) and an empty population', () => {
    expect(() => zipfian(10, 1)).toThrow(RangeError);
    expect(() => zipfian(10, -0.1)).toThrow(RangeError);
    expect(() => zipfian(0, 0.99)).toThrow(RangeError);
  });
});
