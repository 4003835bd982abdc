import { shardSchema } from '../../app/schema/ids.ts';
import { LATEST_COMMENTS } from '../../app/services/photos.ts';
import { usernameOf, offsetMs, type Population } from './population.ts';

/**
 * COPY text (PostgreSQL's tab-separated format) for one table of one logical shard, written
 * straight from the population in chunks: no row objects, no per-cell escaping of ids.
 */

const DAY = 86_400_000;
const CHUNK = 1 << 18;

/** COPY text escaping for free text (backslash, tab, newline, carriage return). */
export function copyEscape(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

const pad2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const pad3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const dayText = new Map<number, string>();

/** A UTC timestamp as PostgreSQL reads it, without a Date per row (dates cached by day). */
export function timestampText(ms: number): string {
  const day = Math.floor(ms / DAY);
  let d = dayText.get(day);
  if (d === undefined) dayText.set(day, (d = new Date(day * DAY).toISOString().slice(0, 10)));
  let rest = ms - day * DAY;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${d} ${pad2[h]}:${pad2[m]}:${pad2[s]}.${pad3[rest - s * 1000]}+00`;
}

export interface CopyPart {
  table: 'users' | 'usernames' | 'photos' | 'likes' | 'comments' | 'following' | 'followers';
  shard: number;
  /** schema-qualified table */
  target: string;
  columns: readonly string[];
  /** Rows this part holds. */
  rows: number;
  chunks: () => Generator<string>;
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

/** Text caches over a population: id strings of users and escaped pools. */
export interface CopyContext {
  pop: Population;
  passwordHash: string;
  userIdText: string[];
  bios: string[];
  captions: string[];
  fullNames: (u: number) => string;
}

export function copyContext(pop: Population, passwordHash: string): CopyContext {
  const userIdText = Array.from(pop.users.id, (id) => id.toString());
  const firstNames = pop.text.firstNames.map(copyEscape);
  const lastNames = pop.text.lastNames.map(copyEscape);
  return {
    pop,
    passwordHash: copyEscape(passwordHash),
    userIdText,
    bios: pop.text.bios.map(copyEscape),
    captions: pop.text.captions.map(copyEscape),
    fullNames: (u) => `${firstNames[pop.users.first[u]!]} ${lastNames[pop.users.last[u]!]}`,
  };
}

/** The follow's time: after both users joined, within two weeks; the same on both sides. */
export function followMs(pop: Population, follower: number, followee: number): number {
  return Math.max(pop.users.ms[follower]!, pop.users.ms[followee]!) + offsetMs(pop, 'follow-at', follower, followee, 14 * DAY);
}

export function likeMs(pop: Population, photo: number, user: number): number {
  return pop.photos.ms[photo]! + offsetMs(pop, 'like-at', photo, user, 3 * DAY);
}

function* rowsOf<T>(ids: Iterable<T>, line: (item: T) => string): Generator<string> {
  let buf = '';
  for (const item of ids) {
    buf += line(item);
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

function* range(csr: { start: Int32Array; items: Int32Array }, k: number): Generator<number> {
  for (let q = csr.start[k]!; q < csr.start[k + 1]!; q++) yield csr.items[q]!;
}

function* photosOfShard(pop: Population, shard: number): Generator<number> {
  for (const u of range(pop.usersOfShard, shard)) yield* range(pop.photosOf, u);
}

function latestCommentsJson(ctx: CopyContext, photo: number, photoId: string): string {
  const { pop } = ctx;
  const from = pop.commentsOf.start[photo]!;
  const to = pop.commentsOf.start[photo + 1]!;
  if (from === to) return '[]';
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
  return copyEscape(JSON.stringify(latest));
}

/** Every COPY part of one logical shard, tables in load order. */
export function copyParts(ctx: CopyContext, shard: number): CopyPart[] {
  const { pop, userIdText: uid } = ctx;
  const s = shardSchema(shard);
  const users = pop.usersOfShard;
  const count = (csr: { start: Int32Array }, of: Iterable<number>): number => {
    let n = 0;
    for (const k of of) n += csr.start[k + 1]! - csr.start[k]!;
    return n;
  };
  const shardUsers = () => range(users, shard);
  const photoCount = count(pop.photosOf, shardUsers());
  const part = (table: CopyPart['table'], rows: number, chunks: () => Generator<string>): CopyPart => ({ table, shard, target: `${s}.${table}`, columns: COLUMNS[table], rows, chunks });
  return [
    part('users', users.start[shard + 1]! - users.start[shard]!, () =>
      rowsOf(shardUsers(), (u) => {
        const f = pop.followers.start[u + 1]! - pop.followers.start[u]!;
        const g = pop.following.start[u + 1]! - pop.following.start[u]!;
        const p = pop.photosOf.start[u + 1]! - pop.photosOf.start[u]!;
        return `${uid[u]}\t${usernameOf(pop.text, pop.users.first[u]!, pop.users.last[u]!, u)}\t${ctx.fullNames(u)}\t${ctx.bios[(Math.imul(u, 0x9e3779b1) >>> 0) % ctx.bios.length]}\t${ctx.passwordHash}\t${timestampText(pop.users.ms[u]!)}\t${f}\t${g}\t${p}\n`;
      }),
    ),
    part('usernames', pop.namesOfShard.start[shard + 1]! - pop.namesOfShard.start[shard]!, () =>
      rowsOf(range(pop.namesOfShard, shard), (u) => `${usernameOf(pop.text, pop.users.first[u]!, pop.users.last[u]!, u)}\t${uid[u]}\n`),
    ),
    part('photos', photoCount, () =>
      rowsOf(photosOfShard(pop, shard), (p) => {
        const id = pop.photos.id[p]!.toString();
        const owner = uid[pop.photos.owner[p]!];
        const likes = pop.likers.start[p + 1]! - pop.likers.start[p]!;
        const comments = pop.commentsOf.start[p + 1]! - pop.commentsOf.start[p]!;
        const caption = ctx.captions[(Math.imul(p, 0x9e3779b1) >>> 0) % ctx.captions.length];
        return `${id}\t${owner}\tphotos/${owner}/${id}.jpg\t${caption}\t${timestampText(pop.photos.ms[p]!)}\t${likes}\t${comments}\t${latestCommentsJson(ctx, p, id)}\n`;
      }),
    ),
    part('likes', count(pop.likers, photosOfShard(pop, shard)), function* () {
      let buf = '';
      for (const p of photosOfShard(pop, shard)) {
        const id = pop.photos.id[p]!.toString();
        for (const u of range(pop.likers, p)) buf += `${id}\t${uid[u]}\t${timestampText(likeMs(pop, p, u))}\n`;
        if (buf.length >= CHUNK) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    }),
    part('comments', count(pop.commentsOf, photosOfShard(pop, shard)), function* () {
      let buf = '';
      for (const p of photosOfShard(pop, shard)) {
        const id = pop.photos.id[p]!.toString();
        for (const c of range(pop.commentsOf, p))
          buf += `${pop.comments.id[c]}\t${id}\t${uid[pop.comments.user[c]!]}\t${copyEscape(pop.text.comments[pop.comments.text[c]!]!)}\t${timestampText(pop.comments.ms[c]!)}\n`;
        if (buf.length >= CHUNK) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    }),
    part('following', count(pop.following, shardUsers()), function* () {
      let buf = '';
      for (const u of shardUsers()) {
        for (const v of range(pop.following, u)) buf += `${uid[u]}\t${uid[v]}\t${timestampText(followMs(pop, u, v))}\n`;
        if (buf.length >= CHUNK) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    }),
    part('followers', count(pop.followers, shardUsers()), function* () {
      let buf = '';
      for (const u of shardUsers()) {
        for (const v of range(pop.followers, u)) buf += `${uid[u]}\t${uid[v]}\t${timestampText(followMs(pop, v, u))}\n`;
        if (buf.length >= CHUNK) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    }),
  ];
}
