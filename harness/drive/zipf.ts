/**
 * YCSB's ZipfianGenerator (Gray et al., "Quickly generating billion-record synthetic databases",
 * SIGMOD 1994) and a scrambled variant that scatters the hot ranks over the id space.
 * Pure: every function maps its inputs (including a uniform u in [0,1)) to the same output.
 *
 * The seeder draws follows and likes with scrambledZipfian: dataset digests and snapshots (keyed by
 * profile and seed, not by code) depend on it, so it must not change. The load generator's keys
 * use zipf-rejection.ts instead (exact, any theta); the scrambler below is shared by both.
 */

const zetaCache = new Map<string, number>();

/** zeta(n, theta) = sum_{i=1..n} 1 / i^theta. O(n) once per (n, theta), then cached. */
export function zeta(n: number, theta: number): number {
  const cacheKey = `${n}:${theta}`;
  const cached = zetaCache.get(cacheKey);
  if (cached !== undefined) return cached;
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += 1 / Math.pow(i, theta);
  zetaCache.set(cacheKey, sum);
  return sum;
}

export interface Zipfian {
  readonly n: number;
  readonly theta: number;
  /** Maps a uniform u in [0,1) to a rank in [0, n); rank 0 is the most popular. */
  rank(u: number): number;
}

function checkPopulation(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 32) {
    throw new RangeError(`zipf population must be an integer in [1, 2^32], got ${n}`);
  }
}

export function zipfian(n: number, theta: number): Zipfian {
  checkPopulation(n);
  // theta = 1 makes alpha infinite in Gray's method; theta = 0 degenerates to uniform.
  if (!(theta >= 0 && theta < 1)) throw new RangeError(`zipf theta must be in [0, 1), got ${theta}`);
  const zetan = zeta(n, theta);
  const zeta2 = zeta(2, theta);
  const alpha = 1 / (1 - theta);
  const halfPowTheta = Math.pow(0.5, theta);
  // For n <= 2 the two early returns below cover every u, so eta is never used.
  const eta = n > 2 ? (1 - Math.pow(2 / n, 1 - theta)) / (1 - zeta2 / zetan) : 0;
  return {
    n,
    theta,
    rank(u: number): number {
      const uz = u * zetan;
      if (uz < 1) return 0;
      if (uz < 1 + halfPowTheta) return 1;
      const r = Math.floor(n * Math.pow(eta * u - eta + 1, alpha));
      return r >= n ? n - 1 : r;
    },
  };
}

const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;
const FNV_PRIME_LO = 0x1b3; // the 64-bit prime is 2^40 + 0x1b3
const TWO_POW_32 = 4294967296;

/**
 * FNV-1a 64 over the 8 little-endian bytes of a non-negative safe integer (as YCSB's fnvhash64),
 * computed on two 32-bit halves. Returns [hi, lo] as unsigned 32-bit numbers.
 */
export function fnv1a64Parts(value: number): [number, number] {
  let hi = FNV_OFFSET_HI;
  let lo = FNV_OFFSET_LO;
  let word = value >>> 0;
  for (let i = 0; i < 8; i++) {
    if (i === 4) word = Math.floor(value / TWO_POW_32) >>> 0;
    lo = (lo ^ (word & 0xff)) >>> 0;
    word >>>= 8;
    // (hi:lo) * (2^40 + 0x1b3) mod 2^64; every intermediate stays below 2^53.
    const loProd = lo * FNV_PRIME_LO;
    const carry = Math.floor(loProd / TWO_POW_32);
    hi = (hi * FNV_PRIME_LO + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = loProd >>> 0;
  }
  return [hi, lo];
}

export function fnv1a64(value: number): bigint {
  const [hi, lo] = fnv1a64Parts(value);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

const FEISTEL_ROUNDS = 4;

/**
 * A fixed bijection of [0, n): a 4-round Feistel network keyed by FNV-1a 64, with cycle walking.
 * YCSB hashes the rank modulo n instead, which collides; a permutation keeps the Zipf shape exact.
 */
export function scrambler(n: number): (rank: number) => number {
  checkPopulation(n);
  if (n === 1) return () => 0;
  const bits = Math.max(2, Math.ceil(Math.log2(n)));
  const half = Math.ceil(bits / 2);
  const halfSize = 2 ** half;
  const mask = halfSize - 1;
  const permute = (x: number): number => {
    let left = Math.floor(x / halfSize);
    let right = x % halfSize;
    for (let round = 0; round < FEISTEL_ROUNDS; round++) {
      const f = fnv1a64Parts(round * TWO_POW_32 + right)[1] & mask;
      const next = (left ^ f) >>> 0;
      left = right;
      right = next;
    }
    return left * halfSize + right;
  };
  return (rank: number): number => {
    // The domain is < 4n, so the expected number of walks is < 4.
    let x = rank;
    do x = permute(x);
    while (x >= n);
    return x;
  };
}

export interface ScrambledZipfian {
  readonly n: number;
  readonly theta: number;
  /** Maps a uniform u in [0,1) to an index in [0, n); popular indices are scattered, not 0, 1, 2... */
  index(u: number): number;
}

export function scrambledZipfian(n: number, theta: number): ScrambledZipfian {
  const z = zipfian(n, theta);
  const scramble = scrambler(n);
  return { n, theta, index: (u) => scramble(z.rank(u)) };
}
