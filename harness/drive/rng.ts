/**
 * Seeded deterministic PRNG: xoshiro128** (32-bit state words, Math.imul), seeded through splitmix32.
 * Same seed and stream label => the same sequence on every platform (no Math.random, no floats in the state).
 */

export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /** Uniform integer in [0, n) for a positive safe integer n (unbiased for n <= 2^32). */
  nextInt(n: number): number;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function splitmix32(state: number): { value: number; state: number } {
  const next = (state + 0x9e3779b9) | 0;
  let t = next ^ (next >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  t ^= t >>> 15;
  return { value: t >>> 0, state: next };
}

/** FNV-1a 32 of a label, so named streams of one seed are independent. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/**
 * @param seed any safe integer (negative allowed)
 * @param stream optional label for an independent sub-stream of the same seed (e.g. "warmup")
 */
export function createRng(seed: number, stream = ''): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`rng seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  let sm = lo ^ splitmix32(hi ^ hashLabel(stream)).value;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const r = splitmix32(sm);
    sm = r.state;
    words.push(r.value | 0);
  }
  let [s0, s1, s2, s3] = words as [number, number, number, number];
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // xoshiro must not start from the all-zero state

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const nextFloat = (): number => {
    const a = nextUint32() >>> 5; // 27 bits
    const b = nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / TWO_POW_53;
  };

  const nextInt = (n: number): number => {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`nextInt bound must be a positive safe integer, got ${n}`);
    if (n > TWO_POW_32) return Math.floor(nextFloat() * n);
    // Rejection sampling keeps small bounds exactly uniform.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = nextUint32();
      if (x < limit) return x % n;
    }
  };

  return { nextUint32, nextFloat, nextInt };
}
