import { pgPrepared, pgQuery, pgTransaction, type PgTarget } from '../adapters/postgres.ts';
import { fanoutJobId } from '../adapters/queue.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { keys } from '../keys.ts';
import { shardOf, shardSchema } from '../schema/ids.ts';
import { fill, lookup, lookupMany, poolFor, type CacheLookup } from './cache.ts';
import { readCounters } from './counters.ts';
import { afterCommit, recordEffects, type Effect } from './outbox.ts';
import { checkShard } from './users.ts';

export interface Photo {
  id: string;
  ownerId: string;
  objectKey: string;
  caption: string;
  createdAt: string;
  likeCount: number;
  commentCount: number;
}

export interface Comment {
  id: string;
  photoId: string;
  userId: string;
  text: string;
  createdAt: string;
}

export interface PhotoRow {
  id: string;
  owner_id: string;
  object_key: string;
  caption: string;
  /** ISO 8601 UTC, formatted by PostgreSQL (no Date round trip in the app). */
  created_at: string;
  like_count: number;
  comment_count: number;
}

export const PHOTO_COLUMNS = `id, owner_id, object_key, caption, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, like_count, comment_count`;
export const LATEST_COMMENTS = 5;

export function toPhoto(r: PhotoRow): Photo {
  return {
    id: r.id,
    ownerId: r.owner_id,
    objectKey: r.object_key,
    caption: r.caption,
    createdAt: r.created_at,
    likeCount: r.like_count,
    commentCount: r.comment_count,
  };
}

/** What `photo:<id>` holds: the photo page, with its latest comments. */
type PhotoPage = Photo & { latestComments: Comment[] };

const toPage = (r: PhotoRow & { latest_comments: Comment[] }): PhotoPage => ({ ...toPhoto(r), latestComments: r.latest_comments });

/** The photo of a page, without its comments. */
const photoOf = ({ latestComments: _, ...photo }: PhotoPage): Photo => photo;

/**
 * Reads photos that missed from their shards, one query per shard and source (a marked key is read
 * on the primary, services/cache.ts), and fills the cache.
 */
async function photosFromDb(ctx: AppContext, misses: ReadonlyMap<bigint, CacheLookup>, out: Map<string, Photo>, partial: boolean): Promise<void> {
  const groups = new Map<string, { pool: PgTarget; shard: number; ids: string[] }>();
  for (const [id, found] of misses) {
    const shard = shardOf(id);
    if (shard >= ctx.config.logicalShards) continue;
    const group = `${shard}:${found.state === 'marked'}`;
    if (!groups.has(group)) groups.set(group, { pool: poolFor(ctx, shard, found), shard, ids: [] });
    groups.get(group)!.ids.push(id.toString());
  }
  await Promise.all(
    [...groups.values()].map(async ({ pool, shard, ids }) => {
      const rows = await pgQuery<PhotoRow & { latest_comments: Comment[] }>(pool, `SELECT ${PHOTO_COLUMNS}, latest_comments FROM ${shardSchema(shard)}.photos WHERE id = ANY($1::bigint[])`, [ids]).catch((err: unknown) => {
        // A page of many photos (a feed) shows those it can: a shard whose node is down is left out.
        if (partial && err instanceof AppError && err.code === 'SHARD_UNAVAILABLE') return [];
        throw err;
      });
      for (const r of rows) {
        const page = toPage(r);
        out.set(r.id, photoOf(page));
        void fill(ctx, keys.photo(r.id), misses.get(BigInt(r.id))!, JSON.stringify(page));
      }
    }),
  );
}

/**
 * Photos by id through Memcached (one multi-get); misses read per shard and fill the cache. With
 * `partial`, photos on a shard whose node is down (sharded tier) are left out instead of failing all.
 */
export async function loadPhotos(ctx: AppContext, ids: readonly bigint[], partial = false): Promise<Map<string, Photo>> {
  const out = new Map<string, Photo>();
  if (ids.length === 0) return out;
  const found = await lookupMany(ctx, ids.map((id) => keys.photo(id)));
  const misses = new Map<bigint, CacheLookup>();
  for (const id of ids) {
    const f = found.get(keys.photo(id))!;
    if (f.state === 'hit') out.set(id.toString(), photoOf(JSON.parse(f.value.toString('utf8')) as PhotoPage));
    else misses.set(id, f);
  }
  await photosFromDb(ctx, misses, out, partial);
  return out;
}

/** Live like counts from Redis counters over the cached rows' denormalized counts. */
export async function withLikeCounts(ctx: AppContext, photos: Photo[]): Promise<Photo[]> {
  const counts = await readCounters(ctx, photos.map((p) => keys.likeCount(p.id)));
  return photos.map((p, i) => ({ ...p, likeCount: counts[i] ?? p.likeCount }));
}

/** What a photo page reads of its row (perf:app's pgbench reference runs the same select list). */
export const PHOTO_PAGE_COLUMNS = `${PHOTO_COLUMNS}, latest_comments`;

/** The photo row with its denormalized latest comments, by primary key on the photo's shard. */
export const photoPageSql = (schema: string): string => `SELECT ${PHOTO_PAGE_COLUMNS} FROM ${schema}.photos WHERE id = $1`;

/**
 * A photo with its live like count and latest comments. The like counter comes from the caller
 * (read in the session lookup's round trip); photo and comments are one Memcached key, and a miss
 * is one primary-key read on the photo's shard (comments denormalized into the row), written back.
 */
export async function getPhoto(ctx: AppContext, id: bigint, likeCounter: string | null): Promise<PhotoPage> {
  const shard = checkShard(ctx, id);
  const key = keys.photo(id);
  const found = await lookup(ctx, key);
  let page: PhotoPage;
  if (found.state === 'hit') page = JSON.parse(found.value.toString('utf8')) as PhotoPage;
  else {
    const s = shardSchema(shard);
    const [row] = await pgPrepared<PhotoRow & { latest_comments: Comment[] }>(poolFor(ctx, shard, found), `photo-page-${s}`, photoPageSql(s), [id.toString()]);
    if (!row) throw new AppError('PHOTO_NOT_FOUND');
    page = toPage(row);
    // The fill is best-effort and off the response path: a lost fill is only a later miss.
    void fill(ctx, key, found, JSON.stringify(page));
  }
  return likeCounter === null ? page : { ...page, likeCount: Number(likeCounter) };
}

/**
 * Upload: the row on the owner's shard (photo bytes stay in the blob store), with an outbox row that
 * queues the fan-out and invalidates the owner's cached profile (its photo count) after the commit.
 */
export async function uploadPhoto(ctx: AppContext, ownerId: bigint, objectKey: string, caption: string): Promise<{ photo: Photo; fanoutJob: string }> {
  const shard = checkShard(ctx, ownerId);
  const s = shardSchema(shard);
  const { row, outbox } = await pgTransaction(ctx.router.writePool(shard), async (q) => {
    const [user] = await q(`UPDATE ${s}.users SET photo_count = photo_count + 1 WHERE id = $1 RETURNING id`, [ownerId.toString()]);
    if (!user) throw new AppError('USER_NOT_FOUND');
    const [photo] = await q<PhotoRow>(`INSERT INTO ${s}.photos (owner_id, object_key, caption) VALUES ($1, $2, $3) RETURNING ${PHOTO_COLUMNS}`, [
      ownerId.toString(),
      objectKey,
      caption,
    ]);
    const effects: Effect[] = [
      { t: 'cache', keys: [keys.user(ownerId)] },
      { t: 'fanout', photoId: photo!.id, ownerId: ownerId.toString() },
    ];
    return { row: photo!, outbox: await recordEffects(q, shard, effects) };
  });
  await afterCommit(ctx, outbox);
  const photo = toPhoto(row);
  return { photo, fanoutJob: fanoutJobId({ photoId: photo.id, ownerId: photo.ownerId, cursor: '0' }) };
}

/** A user's grid, newest first, paged by id (`before`). */
export async function photoGrid(ctx: AppContext, ownerId: bigint, before: bigint | null, limit: number): Promise<{ photos: Photo[]; next: string | null }> {
  const shard = checkShard(ctx, ownerId);
  const rows = await pgQuery<PhotoRow>(
    ctx.router.readPool(shard),
    `SELECT ${PHOTO_COLUMNS} FROM ${shardSchema(shard)}.photos
      WHERE owner_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint) ORDER BY id DESC LIMIT $3`,
    [ownerId.toString(), before?.toString() ?? null, limit],
  );
  const photos = await withLikeCounts(ctx, rows.map(toPhoto));
  return { photos, next: rows.length === limit ? (rows.at(-1)?.id ?? null) : null };
}
