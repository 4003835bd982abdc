import { sizeOf } from './csr.ts';
import { keys } from '../../app/keys.ts';
import { SENTINEL } from '../../app/services/feed.ts';
import { SESSION_TTL_SEC } from '../../app/services/sessions.ts';
import type { CopyContext } from './copy-rows.ts';
import type { Population } from './population.ts';
import type { SeedProgress } from './progress.ts';
import { RedisPipe, resp } from './redis-pipe.ts';
import { sessionToken } from './sessions.ts';

/**
 * The newest `cap` photos among a user's own and their followees' (what services/feed.ts
 * rebuildFeed reads from PostgreSQL), by a k-way merge over the owners' photo lists; photo
 * numbers grow with time, so newest = largest. Returns how many were written into `out`.
 */
export function feedOf(pop: Population, user: number, cap: number, out: Int32Array, heap: { owner: Int32Array; pos: Int32Array }): number {
  const { photosOf, following } = pop;
  let size = 0;
  const push = (owner: number): void => {
    const end = photosOf.start[owner + 1]! - 1;
    if (end < photosOf.start[owner]!) return;
    let i = size++;
    heap.owner[i] = owner;
    heap.pos[i] = end;
    // sift up by photo number (max-heap)
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (photosOf.items[heap.pos[parent]!]! >= photosOf.items[heap.pos[i]!]!) break;
      swap(heap, i, parent);
      i = parent;
    }
  };
  push(user);
  for (let q = following.start[user]!; q < following.start[user + 1]!; q++) push(following.items[q]!);
  let n = 0;
  while (n < cap && size > 0) {
    out[n++] = photosOf.items[heap.pos[0]!]!;
    const owner = heap.owner[0]!;
    if (heap.pos[0]! > photosOf.start[owner]!) heap.pos[0]!--;
    else {
      size--;
      heap.owner[0] = heap.owner[size]!;
      heap.pos[0] = heap.pos[size]!;
    }
    // sift down
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && photosOf.items[heap.pos[l]!]! > photosOf.items[heap.pos[m]!]!) m = l;
      if (r < size && photosOf.items[heap.pos[r]!]! > photosOf.items[heap.pos[m]!]!) m = r;
      if (m === i) break;
      swap(heap, i, m);
      i = m;
    }
  }
  return n;
}

function swap(heap: { owner: Int32Array; pos: Int32Array }, a: number, b: number): void {
  const o = heap.owner[a]!;
  heap.owner[a] = heap.owner[b]!;
  heap.owner[b] = o;
  const p = heap.pos[a]!;
  heap.pos[a] = heap.pos[b]!;
  heap.pos[b] = p;
}

/** A photo's feed score: its id's millisecond (services/feed.ts scoreOf). */
export const photoScore = (pop: Population, photo: number): number => Number(pop.photos.id[photo]! >> 23n);

/** Counter keys per MSET. */
const BATCH = 500;

/**
 * Primes Redis through one pipelined socket: a session for every user, the like, follower and
 * following counters that are not zero (a missing counter reads as the PostgreSQL column), and
 * every user's home feed built and capped as the app would build it, sentinel included.
 */
export async function primeRedis(redisUrl: string, ctx: CopyContext, photoIds: readonly string[], feedCap: number, progress: SeedProgress, signal?: AbortSignal): Promise<number> {
  const { pop, userIdText: uid } = ctx;
  const pipe = await RedisPipe.open(redisUrl);
  try {
    progress.phase('sessions', pop.users.count, 'users');
    for (let u = 0; u < pop.users.count; u++) {
      await pipe.command(['SET', keys.session(sessionToken(pop.seed, uid[u]!)), uid[u]!, 'EX', SESSION_TTL_SEC]);
      if (u % 10_000 === 9_999) progress.rows('sessions', 10_000);
    }
    progress.rows('sessions', pop.users.count % 10_000);

    progress.phase('counters', pop.users.count + pop.photos.count, 'keys');
    // MSET commands of up to BATCH keys, encoded as they are filled.
    let mset = '';
    let pairs = 0;
    const flush = async (): Promise<void> => {
      if (pairs) await pipe.raw(`*${2 * pairs + 1}\r\n$4\r\nMSET\r\n${mset}`);
      mset = '';
      pairs = 0;
    };
    const counter = (key: string, n: number): void => {
      if (n === 0) return;
      mset += resp(key) + resp(n);
      pairs++;
    };
    for (let u = 0; u < pop.users.count; u++) {
      counter(keys.followerCount(uid[u]!), sizeOf(pop.followers, u));
      counter(keys.followingCount(uid[u]!), sizeOf(pop.following, u));
      if (pairs >= BATCH) await flush();
      if (u % 100_000 === 99_999) progress.rows('counters', 100_000);
    }
    progress.rows('counters', pop.users.count % 100_000);
    for (let p = 0; p < pop.photos.count; p++) {
      const n = sizeOf(pop.likers, p);
      if (n > 0) counter(keys.likeCount(photoIds[p]!), n);
      if (pairs >= BATCH) await flush();
      if (p % 100_000 === 99_999) progress.rows('counters', 100_000);
    }
    await flush();
    progress.rows('counters', pop.photos.count % 100_000);

    progress.phase('feeds', pop.users.count, 'feeds');
    const out = new Int32Array(feedCap);
    let most = 1;
    for (let u = 0; u < pop.users.count; u++) most = Math.max(most, sizeOf(pop.following, u) + 1);
    const heap = { owner: new Int32Array(most), pos: new Int32Array(most) };
    // Every photo's "score member" pair encoded once into one arena: a feed command is then a
    // header and a few memory copies.
    const arena = Buffer.allocUnsafe(pop.photos.count * 48);
    const at = new Int32Array(pop.photos.count + 1);
    for (let p = 0; p < pop.photos.count; p++) at[p + 1] = at[p]! + arena.write(resp(photoScore(pop, p)) + resp(photoIds[p]!), at[p]!, 'latin1');
    const sentinel = Buffer.from(resp('+inf') + resp(SENTINEL), 'latin1');
    let chunk = Buffer.allocUnsafe(1 << 21);
    let off = 0;
    let queued = 0;
    for (let u = 0; u < pop.users.count; u++) {
      const n = feedOf(pop, u, feedCap, out, heap);
      off += chunk.write(`*${2 * n + 4}\r\n$4\r\nZADD\r\n${resp(keys.feed(uid[u]!))}`, off, 'latin1');
      for (let i = 0; i < n; i++) off += arena.copy(chunk, off, at[out[i]!]!, at[out[i]! + 1]!);
      off += sentinel.copy(chunk, off);
      queued++;
      if (off > 1 << 20) {
        await pipe.bytes(chunk.subarray(0, off), queued);
        chunk = Buffer.allocUnsafe(1 << 21);
        off = 0;
        queued = 0;
      }
      if (u % 10_000 === 9_999) {
        progress.rows('feeds', 10_000);
        signal?.throwIfAborted();
      }
    }
    if (queued) await pipe.bytes(chunk.subarray(0, off), queued);
    progress.rows('feeds', pop.users.count % 10_000);
    const sent = await pipe.finish();
    progress.end();
    return sent;
  } finally {
    pipe.destroy();
  }
}
