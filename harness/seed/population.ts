import { EPOCH_MS, SEQ_BITS, SHARD_BITS } from '../../app/schema/ids.ts';
import { usernameShard } from '../../app/schema/usernames.ts';
import { createRng } from '../drive/rng.ts';
import { scrambledZipfian } from '../drive/zipf.ts';
import { groupBy, IntList, invert, type Csr } from './csr.ts';
import type { Profile } from './profiles.ts';
import { streamKey } from './random.ts';
import { makeTextPools, type TextPools } from './text-pools.ts';

/**
 * The synthetic population, all in typed arrays indexed by user, photo and comment number:
 * who exists, who posted what, who follows whom, who liked and commented on what. Rows for COPY
 * and Redis are written from it part by part (copy-rows.ts, redis-prime.ts). Same profile, seed
 * and shard count: the same population, bit for bit.
 */

/** Users sign up between Instagram's launch and October 2011; photos follow until the year's end. */
export const USERS_FROM = Date.UTC(2011, 7, 25);
export const USERS_TO = Date.UTC(2011, 9, 1);
export const PHOTOS_TO = Date.UTC(2011, 11, 31);
const DAY = 86_400_000;
/** Share of follows and likes drawn by popularity (Zipf) rather than uniformly / by recency. */
const POPULAR_SHARE = 0.5;
const ZIPF_THETA = 0.99;

export interface Population {
  profile: Profile;
  seed: number;
  logicalShards: number;
  text: TextPools;
  users: {
    count: number;
    shard: Uint16Array;
    ms: Float64Array;
    id: BigInt64Array;
    first: Uint16Array;
    last: Uint16Array;
    /** Logical shard of the username's lookup row. */
    nameShard: Uint16Array;
  };
  photos: { count: number; owner: Int32Array; ms: Float64Array; id: BigInt64Array };
  comments: { count: number; photo: Int32Array; user: Int32Array; ms: Float64Array; id: BigInt64Array; text: Uint16Array };
  /** user → their photos, oldest first */
  photosOf: Csr;
  /** user → whom they follow, ascending */
  following: Csr;
  /** user → who follows them, ascending */
  followers: Csr;
  /** photo → who liked it, ascending */
  likers: Csr;
  /** photo → its comments, oldest first */
  commentsOf: Csr;
  /** logical shard → its users / the users whose username row it holds */
  usersOfShard: Csr;
  namesOfShard: Csr;
  /** Highest id tick (ms << 10 | seq) used per shard, to start each schema's id clock after it. */
  ticks: Map<number, bigint>;
  /** Stream key for per-row details (captions, timestamps) derived by hashing. */
  key: (label: string) => number;
}

/**
 * Ids for COPY with next_id()'s layout and rule (a shard's tick only moves forward), each kind of
 * row on its own sequence range so that photos and comments, made out of time order, cannot collide.
 */
class IdClock {
  private readonly last: Float64Array;
  constructor(
    shards: number,
    private readonly seqFrom: number,
    private readonly seqTo: number,
  ) {
    this.last = new Float64Array(shards).fill(-1);
  }
  next(shard: number, unixMs: number): bigint {
    const wanted = (unixMs - Number(EPOCH_MS)) * 1024 + this.seqFrom;
    let t = this.last[shard]! >= wanted ? this.last[shard]! + 1 : wanted;
    if (t % 1024 >= this.seqTo) t = (Math.floor(t / 1024) + 1) * 1024 + this.seqFrom;
    this.last[shard] = t;
    return (BigInt(Math.floor(t / 1024)) << (SHARD_BITS + SEQ_BITS)) | BigInt(shard * 1024 + (t % 1024));
  }
  tick(shard: number): number {
    return this.last[shard]!;
  }
}

function drawUsers(profile: Profile, seed: number, shards: number, text: TextPools) {
  const n = profile.users;
  const rng = createRng(seed, 'users');
  const clock = new IdClock(shards, 0, 1024);
  const users = {
    count: n,
    shard: new Uint16Array(n),
    ms: new Float64Array(n),
    id: new BigInt64Array(n),
    first: new Uint16Array(n),
    last: new Uint16Array(n),
    nameShard: new Uint16Array(n),
  };
  const step = (USERS_TO - USERS_FROM) / n;
  for (let i = 0; i < n; i++) {
    const shard = rng.nextInt(shards);
    const ms = Math.floor(USERS_FROM + i * step);
    users.shard[i] = shard;
    users.ms[i] = ms;
    users.id[i] = clock.next(shard, ms);
    users.first[i] = rng.nextInt(text.firstSlugs.length);
    users.last[i] = rng.nextInt(text.lastSlugs.length);
    users.nameShard[i] = usernameShard(usernameOf(text, users.first[i]!, users.last[i]!, i), shards);
  }
  return { users, clock };
}

export function usernameOf(text: TextPools, first: number, last: number, index: number): string {
  return `${text.firstSlugs[first]}.${text.lastSlugs[last]}.${index}`;
}

/** Photos in time order; owners drawn with a power law (u^3) over a shuffled order of users. */
function drawPhotos(profile: Profile, seed: number, users: Population['users'], clock: IdClock) {
  const rng = createRng(seed, 'photos');
  const order = new Int32Array(users.count).map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const n = profile.photos;
  const photos = { count: n, owner: new Int32Array(n), ms: new Float64Array(n), id: new BigInt64Array(n) };
  const step = (PHOTOS_TO - USERS_TO) / n;
  for (let j = 0; j < n; j++) {
    const owner = order[Math.floor(users.count * rng.nextFloat() ** 3)]!;
    const ms = Math.floor(USERS_TO + j * step);
    photos.owner[j] = owner;
    photos.ms[j] = ms;
    photos.id[j] = clock.next(users.shard[owner]!, ms);
  }
  return photos;
}

/**
 * Who follows whom: each user follows a geometric number of accounts around the profile's mean,
 * half drawn by a scrambled Zipf popularity (so a few celebrities gather a large share of all
 * follows: Zipf-like follower counts) and half uniformly. No self-follows, no duplicates.
 */
function drawFollows(profile: Profile, seed: number, n: number): Csr {
  const rng = createRng(seed, 'follows');
  const zipf = scrambledZipfian(n, ZIPF_THETA);
  const p = 1 / (profile.followingMean + 1);
  const logQ = Math.log(1 - p);
  const cap = Math.min(n - 1, profile.followingMean * 20);
  const start = new Int32Array(n + 1);
  const items = new IntList(Math.ceil(n * profile.followingMean * 1.05));
  let scratch = new Int32Array(64);
  for (let i = 0; i < n; i++) {
    const want = Math.min(cap, Math.floor(Math.log(1 - rng.nextFloat()) / logQ));
    let have = 0;
    for (let attempt = 0; attempt < 4 && have < want; attempt++) {
      if (scratch.length < want * 2) scratch = new Int32Array(want * 2);
      let k = have;
      for (let d = have; d < want; d++) {
        const v = rng.nextFloat() < POPULAR_SHARE ? zipf.index(rng.nextFloat()) : rng.nextInt(n);
        if (v !== i) scratch[k++] = v;
      }
      const sorted = scratch.subarray(0, k).sort();
      have = 0;
      for (let q = 0; q < k; q++) if (q === 0 || sorted[q] !== sorted[q - 1]) scratch[have++] = sorted[q]!;
    }
    for (let q = 0; q < Math.min(have, want); q++) items.push(scratch[q]!);
    start[i + 1] = items.length;
  }
  return { start, items: items.toArray() };
}

/** A photo by popularity (scrambled Zipf) or by recency (newer photos drawn more often). */
function photoPicker(count: number, rng: ReturnType<typeof createRng>): () => number {
  const zipf = scrambledZipfian(count, ZIPF_THETA);
  return () => (rng.nextFloat() < POPULAR_SHARE ? zipf.index(rng.nextFloat()) : count - 1 - Math.floor(count * rng.nextFloat() ** 2));
}

/** Likes: (photo, user) pairs, grouped by photo with each user once. */
function drawLikes(profile: Profile, seed: number, users: number, photos: number): Csr {
  const rng = createRng(seed, 'likes');
  const pick = photoPicker(photos, rng);
  const photo = new Int32Array(profile.likes);
  const user = new Int32Array(profile.likes);
  for (let k = 0; k < profile.likes; k++) {
    photo[k] = pick();
    user[k] = rng.nextInt(users);
  }
  const byPhoto = groupBy(photo, photos);
  const start = new Int32Array(photos + 1);
  const items = new Int32Array(profile.likes);
  let out = 0;
  for (let p = 0; p < photos; p++) {
    const from = out;
    for (let k = byPhoto.start[p]!; k < byPhoto.start[p + 1]!; k++) items[out++] = user[byPhoto.items[k]!]!;
    const seg = items.subarray(from, out).sort();
    let w = 0;
    for (let q = 0; q < seg.length; q++) if (q === 0 || seg[q] !== seg[q - 1]) seg[w++] = seg[q]!;
    out = from + w;
    start[p + 1] = out;
  }
  return { start, items: items.slice(0, out) };
}

/** Comments on popular or recent photos within three days of the photo, ids made in time order. */
function drawComments(profile: Profile, seed: number, users: Population['users'], photos: Population['photos'], shards: number, text: TextPools) {
  const rng = createRng(seed, 'comments');
  const pick = photoPicker(photos.count, rng);
  const n = profile.comments;
  const c = { count: n, photo: new Int32Array(n), user: new Int32Array(n), ms: new Float64Array(n), id: new BigInt64Array(n), text: new Uint16Array(n) };
  for (let k = 0; k < n; k++) {
    const p = pick();
    c.photo[k] = p;
    c.user[k] = rng.nextInt(users.count);
    c.ms[k] = photos.ms[p]! + rng.nextInt(3 * DAY);
    c.text[k] = rng.nextInt(text.comments.length);
  }
  const order = new Int32Array(n).map((_, i) => i).sort((a, b) => c.ms[a]! - c.ms[b]! || a - b);
  const clock = new IdClock(shards, 512, 1024);
  for (const k of order) c.id[k] = clock.next(users.shard[photos.owner[c.photo[k]!]!]!, c.ms[k]!);
  // Grouped by photo, each photo's comments oldest first.
  const byTime = new Int32Array(n);
  for (let r = 0; r < n; r++) byTime[r] = c.photo[order[r]!]!;
  const g = groupBy(byTime, photos.count);
  for (let q = 0; q < n; q++) g.items[q] = order[g.items[q]!]!;
  return { comments: c, commentsOf: g, clock };
}

export function buildPopulation(profile: Profile, seed: number, logicalShards: number): Population {
  const text = makeTextPools(seed);
  const { users, clock: userClock } = drawUsers(profile, seed, logicalShards, text);
  const photoClock = new IdClock(logicalShards, 0, 512);
  const photos = drawPhotos(profile, seed, users, photoClock);
  const following = drawFollows(profile, seed, users.count);
  const likers = drawLikes(profile, seed, users.count, photos.count);
  const { comments, commentsOf, clock: commentClock } = drawComments(profile, seed, users, photos, logicalShards, text);
  const ticks = new Map<number, bigint>();
  for (let s = 0; s < logicalShards; s++) {
    const t = Math.max(userClock.tick(s), photoClock.tick(s), commentClock.tick(s));
    if (t >= 0) ticks.set(s, BigInt(t));
  }
  const keyCache = new Map<string, number>();
  return {
    profile,
    seed,
    logicalShards,
    text,
    users,
    photos,
    comments,
    photosOf: groupBy(photos.owner, users.count),
    following,
    followers: invert(following, users.count),
    likers,
    commentsOf,
    usersOfShard: groupBy(users.shard, logicalShards),
    namesOfShard: groupBy(users.nameShard, logicalShards),
    ticks,
    key: (label) => {
      let k = keyCache.get(label);
      if (k === undefined) keyCache.set(label, (k = streamKey(seed, label)));
      return k;
    },
  };
}
