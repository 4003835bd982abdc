import { shardSchema } from '../../app/schema/ids.ts';
import { LATEST_COMMENTS } from '../../app/services/photos.ts';
import { BinaryRows } from './binary-writer.ts';
import { type Csr, sizeOf } from './csr.ts';
import { usernameOf, type Population } from './population.ts';
import { hash32 } from './random.ts';

/**
 * The rows of one table of one logical shard, as binary COPY data written straight from the
 * population in ~1 MiB buffers: no row objects, no decimal ids for PostgreSQL to parse back.
 */

const DAY = 86_400_000;

export interface CopyPart {
  table: 'users' | 'usernames' | 'photos' | 'likes' | 'comments' | 'following' | 'followers';
  shard: number;
  /** schema-qualified table */
  target: string;
  columns: readonly string[];
  /** Rows this part holds. */
  rows: number;
  chunks: () => Generator<Buffer>;
}

const COLUMNS = {
  users: ['id', 'username', 'full_name', 'bio', 'password_hash', 'created_at', 'follower_count', 'following_count', 'photo_count'],
  usernames: ['username', 'user_id'],
  photos: ['id', 'owner_id', 'object_key', 'caption', 'created_at', 'like_count', 'comment_count', 'latest_comments'],
  likes: ['photo_id', 'user_id', 'created_at'],
  comments: ['id', 'photo_id', 'user_id', 'text', 'created_at'],
  following: ['follower_id', 'followee_id', 'created_at'],
  followers: ['followee_id', 'follower_id', 'created_at'],
} as const;

export const TABLES = Object.keys(COLUMNS) as Array<CopyPart['table']>;

/** Ids split into 32-bit halves once, so rows copy numbers instead of converting BigInts. */
export interface IdHalves {
  hi: Uint32Array;
  lo: Uint32Array;
}

function halves(ids: BigInt64Array): IdHalves {
  const hi = new Uint32Array(ids.length);
  const lo = new Uint32Array(ids.length);
  const view = new Uint32Array(ids.buffer, ids.byteOffset, ids.length * 2);
  // BigInt64Array is little-endian on every platform Node runs on: [lo, hi] per id.
  for (let i = 0; i < ids.length; i++) {
    lo[i] = view[2 * i]!;
    hi[i] = view[2 * i + 1]!;
  }
  return { hi, lo };
}

/** Caches over a population: ids in halves, users' decimal ids and the text pools encoded once. */
export interface CopyContext {
  pop: Population;
  userIds: IdHalves;
  photoIds: IdHalves;
  commentIds: IdHalves;
  passwordHash: Buffer;
  userIdText: string[];
  bios: Buffer[];
  captions: Buffer[];
  comments: Buffer[];
}

export function copyContext(pop: Population, passwordHash: string): CopyContext {
  const enc = (xs: string[]) => xs.map((x) => Buffer.from(x, 'utf8'));
  return {
    pop,
    userIds: halves(pop.users.id),
    photoIds: halves(pop.photos.id),
    commentIds: halves(pop.comments.id),
    passwordHash: Buffer.from(passwordHash, 'utf8'),
    userIdText: Array.from(pop.users.id, (id) => id.toString()),
    bios: enc(pop.text.bios),
    captions: enc(pop.text.captions),
    comments: enc(pop.text.comments),
  };
}

/** The follow's time: after both users joined, within two weeks; the same on both sides. */
export function followMs(pop: Population, follower: number, followee: number, key = pop.key('follow-at')): number {
  return Math.max(pop.users.ms[follower]!, pop.users.ms[followee]!) + (hash32(key, follower, followee) % (14 * DAY));
}

export function likeMs(pop: Population, photo: number, user: number, key = pop.key('like-at')): number {
  return pop.photos.ms[photo]! + (hash32(key, photo, user) % (3 * DAY));
}

const pick = <T>(pool: readonly T[], i: number): T => pool[(Math.imul(i, 0x9e3779b1) >>> 0) % pool.length]!;

function latestCommentsJson(ctx: CopyContext, photo: number): string {
  const { pop } = ctx;
  const from = pop.commentsOf.start[photo]!;
  const to = pop.commentsOf.start[photo + 1]!;
  if (from === to) return '[]';
  const photoId = pop.photos.id[photo]!.toString();
  const latest = [];
  for (let q = to - 1; q >= Math.max(from, to - LATEST_COMMENTS); q--) {
    const c = pop.commentsOf.items[q]!;
    latest.push({
      id: pop.comments.id[c]!.toString(),
      photoId,
      userId: ctx.userIdText[pop.comments.user[c]!],
      text: pop.text.comments[pop.comments.text[c]!],
      createdAt: new Date(pop.comments.ms[c]!).toISOString(),
    });
  }
  return JSON.stringify(latest);
}

/** Every COPY part of one logical shard, tables in load order. */
export function copyParts(ctx: CopyContext, shard: number): CopyPart[] {
  const { pop, userIdText: uid } = ctx;
  const { users, photos, comments, photosOf, following, followers, likers, commentsOf } = pop;
  const U = ctx.userIds;
  const P = ctx.photoIds;
  const C = ctx.commentIds;
  const followKey = pop.key('follow-at');
  const likeKey = pop.key('like-at');
  const s = shardSchema(shard);
  const uFrom = pop.usersOfShard.start[shard]!;
  const uTo = pop.usersOfShard.start[shard + 1]!;
  const shardUsers = pop.usersOfShard.items;
  const sum = (csr: { start: Int32Array }, each: (add: (k: number) => void) => void): number => {
    let n = 0;
    each((k) => (n += sizeOf(csr, k)));
    return n;
  };
  const eachUser = (f: (u: number) => void) => {
    for (let i = uFrom; i < uTo; i++) f(shardUsers[i]!);
  };
  const eachPhoto = (f: (p: number) => void) =>
    eachUser((u) => {
      for (let q = photosOf.start[u]!; q < photosOf.start[u + 1]!; q++) f(photosOf.items[q]!);
    });
  const part = (table: CopyPart['table'], rows: number, write: (w: BinaryRows) => Generator<Buffer>): CopyPart => ({
    table,
    shard,
    target: `${s}.${table}`,
    columns: COLUMNS[table],
    rows,
    chunks: function* () {
      const w = new BinaryRows();
      yield* write(w);
      yield* w.end();
    },
  });
  /** Walks users (or photos) of the shard, writing rows with `row`, handing over full buffers between them. */
  const overUsers = (row: (w: BinaryRows, u: number) => void) =>
    function* (w: BinaryRows) {
      for (let i = uFrom; i < uTo; i++) {
        row(w, shardUsers[i]!);
        if (w.ready) yield* w.take();
      }
    };
  const overPhotos = (row: (w: BinaryRows, p: number) => void) =>
    function* (w: BinaryRows) {
      for (let i = uFrom; i < uTo; i++) {
        const u = shardUsers[i]!;
        for (let q = photosOf.start[u]!; q < photosOf.start[u + 1]!; q++) {
          row(w, photosOf.items[q]!);
          if (w.ready) yield* w.take();
        }
      }
    };
  /** Rows (id of k, id of each of k's users in csr, time): likes, and both sides of follows. */
  const pairRows = (csr: Csr, K: IdHalves, at: (k: number, u: number) => number) => (w: BinaryRows, k: number) => {
    const hi = K.hi[k]!;
    const lo = K.lo[k]!;
    for (let q = csr.start[k]!; q < csr.start[k + 1]!; q++) {
      const u = csr.items[q]!;
      w.row(3).int8Parts(hi, lo).int8Parts(U.hi[u]!, U.lo[u]!).timestamp(at(k, u));
    }
  };
  /** One side of the follow graph: a row per (user of this shard, other user), the time the same on both sides. */
  const followPart = (table: 'following' | 'followers', csr: Csr, at: (u: number, v: number) => number) => part(table, sum(csr, eachUser), overUsers(pairRows(csr, U, at)));

  return [
    part(
      'users',
      uTo - uFrom,
      overUsers((w, u) => {
        w.row(9)
          .int8Parts(U.hi[u]!, U.lo[u]!)
          .ascii(usernameOf(pop.text, users.first[u]!, users.last[u]!, u))
          .text(`${pop.text.firstNames[users.first[u]!]} ${pop.text.lastNames[users.last[u]!]}`)
          .bytes(pick(ctx.bios, u))
          .bytes(ctx.passwordHash)
          .timestamp(users.ms[u]!)
          .int4(sizeOf(followers, u))
          .int4(sizeOf(following, u))
          .int4(sizeOf(photosOf, u));
      }),
    ),
    part('usernames', sizeOf(pop.namesOfShard, shard), function* (w) {
      for (let i = pop.namesOfShard.start[shard]!; i < pop.namesOfShard.start[shard + 1]!; i++) {
        const u = pop.namesOfShard.items[i]!;
        w.row(2).ascii(usernameOf(pop.text, users.first[u]!, users.last[u]!, u)).int8Parts(U.hi[u]!, U.lo[u]!);
        if (w.ready) yield* w.take();
      }
    }),
    part(
      'photos',
      sum(photosOf, eachUser),
      overPhotos((w, p) => {
        const owner = photos.owner[p]!;
        // The blob's key names the owner and the photo's number in the dataset (any unique key
        // would do; the photo's decimal id would cost a BigInt conversion per row).
        w.row(8)
          .int8Parts(P.hi[p]!, P.lo[p]!)
          .int8Parts(U.hi[owner]!, U.lo[owner]!)
          .ascii(`photos/${uid[owner]}/${p.toString(36)}.jpg`)
          .bytes(pick(ctx.captions, p))
          .timestamp(photos.ms[p]!)
          .int4(sizeOf(likers, p))
          .int4(sizeOf(commentsOf, p))
          .jsonb(latestCommentsJson(ctx, p));
      }),
    ),
    part(
      'likes',
      sum(likers, eachPhoto),
      overPhotos(pairRows(likers, P, (p, u) => likeMs(pop, p, u, likeKey))),
    ),
    part(
      'comments',
      sum(commentsOf, eachPhoto),
      overPhotos((w, p) => {
        for (let q = commentsOf.start[p]!; q < commentsOf.start[p + 1]!; q++) {
          const c = commentsOf.items[q]!;
          const u = comments.user[c]!;
          w.row(5).int8Parts(C.hi[c]!, C.lo[c]!).int8Parts(P.hi[p]!, P.lo[p]!).int8Parts(U.hi[u]!, U.lo[u]!).bytes(ctx.comments[comments.text[c]!]!).timestamp(comments.ms[c]!);
        }
      }),
    ),
    followPart('following', following, (u, v) => followMs(pop, u, v, followKey)),
    followPart('followers', followers, (u, v) => followMs(pop, v, u, followKey)),
  ];
}
