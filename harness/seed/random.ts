/**
 * Stateless randomness for the seeder: a value is a pure function of (seed, stream, index...), so a
 * row's details do not depend on the order parts are written in (shard by shard, in parallel).
 * Sequential draws use the load generator's seeded xoshiro (harness/drive/rng.ts).
 */

/** murmur3's 32-bit finaliser. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uint32 hash of a stream key and up to two non-negative integers below 2^32. */
export function hash32(key: number, a: number, b = 0): number {
  return fmix32(Math.imul(fmix32(key ^ Math.imul(a, 0x9e3779b1)) ^ b, 0x27d4eb2f) ^ 0x165667b1);
}

/** A stream key from the dataset seed and a label, so streams of one seed are independent. */
export function streamKey(seed: number, label: string): number {
  let h = fmix32((seed >>> 0) ^ Math.floor(seed / 4294967296));
  for (let i = 0; i < label.length; i++) h = fmix32(h ^ Math.imul(label.charCodeAt(i), 0x01000193));
  return h;
}
