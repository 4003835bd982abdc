/**
 * Compressed sparse rows: the items of owner k are items[start[k] .. start[k+1]). Every list the
 * seeder keeps (photos of a user, followees, likers of a photo) is one of these over typed arrays,
 * so a million users cost megabytes, not millions of objects.
 */
export interface Csr {
  start: Int32Array;
  items: Int32Array;
}

/** Groups the indices 0..keys.length-1 by key (a stable counting sort): item order within a group is index order. */
export function groupBy(keys: ArrayLike<number>, groups: number): Csr {
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < keys.length; i++) start[keys[i]! + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const fill = start.slice(0, groups);
  const items = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) items[fill[keys[i]!]!++] = i;
  return { start, items };
}

/** The inverse of an adjacency list: for every target, the sources that point at it, in source order. */
export function invert(csr: Csr, targets: number): Csr {
  const start = new Int32Array(targets + 1);
  const { items } = csr;
  for (let i = 0; i < items.length; i++) start[items[i]! + 1]!++;
  for (let t = 0; t < targets; t++) start[t + 1]! += start[t]!;
  const fill = start.slice(0, targets);
  const out = new Int32Array(items.length);
  const sources = csr.start.length - 1;
  for (let s = 0; s < sources; s++) for (let k = csr.start[s]!; k < csr.start[s + 1]!; k++) out[fill[items[k]!]!++] = s;
  return { start, items: out };
}

export const sizeOf = (csr: Pick<Csr, 'start'>, k: number): number => csr.start[k + 1]! - csr.start[k]!;

/** A growable Int32Array for lists whose length is only known after drawing them. */
export class IntList {
  private buf: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.buf = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  toArray(): Int32Array {
    return this.buf.slice(0, this.length);
  }
}
