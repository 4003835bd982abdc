import { mcDelete, mcGet, mcGetMulti, mcSet } from '../adapters/memcached.ts';
import { pgPrepared, pgQuery, pgTransaction } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { keys } from '../keys.ts';
import { shardOf, shardSchema } from '../schema/ids.ts';
import { readCounters } from './counters.ts';
import { checkShard, forgetProfile } from './users.ts';

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

/** Reads photos from their shards (grouped by shard) and fills the cache. */
async function photosFromDb(ctx: AppContext, ids: readonly bigint[], out: Map<string, Photo>): Promise<void> {
  const byShard = new Map<number, string[]>();
  for (const id of ids) {
    const shard = shardOf(id);
    if (shard < ctx.config.logicalShards) byShard.set(shard, [...(byShard.get(shard) ?? []), id.toString()]);
  }
  await Promise.all(
    [...byShard].map(async ([shard, list]) => {
      const rows = await pgQuery<PhotoRow>(ctx.router.readPool(shard), `SELECT ${PHOTO_COLUMNS} FROM ${shardSchema(shard)}.photos WHERE id = ANY($1::bigint[])`, [list]);
      await Promise.all(
        rows.map((r) => {
          const p = toPhoto(r);
          out.set(p.id, p);
          return mcSet(ctx.memcached, keys.photo(p.id), JSON.stringify(p), ctx.config.cacheTtlSec);
        }),
      );
    }),
  );
}

/** Photos by id through Memcached (one multi-get); misses read per shard and fill the cache. */
export async function loadPhotos(ctx: AppContext, ids: readonly bigint[]): Promise<Map<string, Photo>> {
  const out = new Map<string, Photo>();
  if (ids.length === 0) return out;
  const cached = await mcGetMulti(ctx.memcached, ids.map((id) => keys.photo(id)));
  const missing: bigint[] = [];
  for (const id of ids) {
    const hit = cached.get(keys.photo(id));
    if (hit) {
      const { latestComments: _, ...photo } = JSON.parse(hit.toString('utf8')) as CachedPhoto;
      out.set(id.toString(), photo);
    } else missing.push(id);
  }
  await photosFromDb(ctx, missing, out);
  return out;
}

/** Live like counts from Redis counters over the cached rows' denormalized counts. */
export async function withLikeCounts(ctx: AppContext, photos: Photo[]): Promise<Photo[]> {
  const counts = await readCounters(ctx, photos.map((p) => keys.likeCount(p.id)));
  return photos.map((p, i) => ({ ...p, likeCount: counts[i] ?? p.likeCount }));
}

/** The photo row with its denormalized latest comments, by primary key on the photo's shard. */
const photoPageSql = (schema: string): string => `SELECT ${PHOTO_COLUMNS}, latest_comments FROM ${schema}.photos WHERE id = $1`;

/** What `photo:<id>` holds: the photo, and its latest comments once a photo page read them. */
type CachedPhoto = Photo & { latestComments?: Comment[] };

/**
 * A photo with its live like count and latest comments. The like counter comes from the caller
 * (read in the session lookup's round trip); photo and comments are one Memcached key, and a miss
 * is one primary-key read on the photo's shard (comments denormalized into the row), written back.
 */
export async function getPhoto(ctx: AppContext, id: bigint, likeCounter: string | null): Promise<Photo & { latestComments: Comment[] }> {
  const shard = checkShard(ctx, id);
  const hit = await mcGet(ctx.memcached, keys.photo(id));
  let page: Photo & { latestComments: Comment[] };
  const cached = hit ? (JSON.parse(hit.toString('utf8')) as CachedPhoto) : null;
  if (cached?.latestComments) page = cached as Photo & { latestComments: Comment[] };
  else {
    const s = shardSchema(shard);
    const [row] = await pgPrepared<PhotoRow & { latest_comments: Comment[] }>(ctx.router.readPool(shard), `photo-page-${s}`, photoPageSql(s), [id.toString()]);
    if (!row) throw new AppError('PHOTO_NOT_FOUND');
    page = { ...toPhoto(row), latestComments: row.latest_comments };
    // The fill is best-effort and off the response path: a lost fill is only a later miss.
    mcSet(ctx.memcached, keys.photo(id), JSON.stringify(page), ctx.config.cacheTtlSec).catch(() => {});
  }
  return likeCounter === null ? page : { ...page, likeCount: Number(likeCounter) };
}

/** Upload: the row on the owner's shard (photo bytes stay in the blob store), then fan-out is queued. */
export async function uploadPhoto(ctx: AppContext, ownerId: bigint, objectKey: string, caption: string): Promise<{ photo: Photo; fanoutJob: string }> {
  const shard = checkShard(ctx, ownerId);
  const s = shardSchema(shard);
  const row = await pgTransaction(ctx.router.writePool(shard), async (q) => {
    const [user] = await q(`UPDATE ${s}.users SET photo_count = photo_count + 1 WHERE id = $1 RETURNING id`, [ownerId.toString()]);
    if (!user) throw new AppError('USER_NOT_FOUND');
    const [photo] = await q<PhotoRow>(`INSERT INTO ${s}.photos (owner_id, object_key, caption) VALUES ($1, $2, $3) RETURNING ${PHOTO_COLUMNS}`, [
      ownerId.toString(),
      objectKey,
      caption,
    ]);
    return photo!;
  });
  const photo = toPhoto(row);
  await forgetProfile(ctx, ownerId);
  const fanoutJob = await ctx.queue.enqueue({ photoId: photo.id, ownerId: photo.ownerId, cursor: '0' });
  return { photo, fanoutJob };
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

/** Drops the cached photo (and with it the cached latest comments). */
export async function forgetPhoto(ctx: AppContext, id: bigint): Promise<void> {
  await mcDelete(ctx.memcached, keys.photo(id));
}
