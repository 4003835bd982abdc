import { mcDelete, mcGetMulti, mcSet } from '../adapters/memcached.ts';
import { pgQuery, pgTransaction } from '../adapters/postgres.ts';
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
  created_at: Date;
  like_count: number;
  comment_count: number;
}

export const PHOTO_COLUMNS = 'id, owner_id, object_key, caption, created_at, like_count, comment_count';
export const LATEST_COMMENTS = 5;

export function toPhoto(r: PhotoRow): Photo {
  return {
    id: r.id,
    ownerId: r.owner_id,
    objectKey: r.object_key,
    caption: r.caption,
    createdAt: r.created_at.toISOString(),
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
    if (hit) out.set(id.toString(), JSON.parse(hit.toString('utf8')) as Photo);
    else missing.push(id);
  }
  await photosFromDb(ctx, missing, out);
  return out;
}

/** Live like counts from Redis counters over the cached rows' denormalized counts. */
export async function withLikeCounts(ctx: AppContext, photos: Photo[]): Promise<Photo[]> {
  const counts = await readCounters(ctx, photos.map((p) => keys.likeCount(p.id)));
  return photos.map((p, i) => ({ ...p, likeCount: counts[i] ?? p.likeCount }));
}

async function latestComments(ctx: AppContext, photoId: bigint, cached: Buffer | undefined): Promise<Comment[]> {
  if (cached) return JSON.parse(cached.toString('utf8')) as Comment[];
  const shard = shardOf(photoId);
  const rows = await pgQuery<{ id: string; photo_id: string; user_id: string; text: string; created_at: Date }>(
    ctx.router.readPool(shard),
    `SELECT id, photo_id, user_id, text, created_at FROM ${shardSchema(shard)}.comments WHERE photo_id = $1 ORDER BY id DESC LIMIT ${LATEST_COMMENTS}`,
    [photoId.toString()],
  );
  const comments = rows.map((r) => ({ id: r.id, photoId: r.photo_id, userId: r.user_id, text: r.text, createdAt: r.created_at.toISOString() }));
  await mcSet(ctx.memcached, keys.latestComments(photoId), JSON.stringify(comments), ctx.config.cacheTtlSec);
  return comments;
}

/** A photo with its live like count and latest comments: one multi-get, Redis counter, misses from its shard. */
export async function getPhoto(ctx: AppContext, id: bigint): Promise<Photo & { latestComments: Comment[] }> {
  checkShard(ctx, id);
  const [cached, counts] = await Promise.all([
    mcGetMulti(ctx.memcached, [keys.photo(id), keys.latestComments(id)]),
    readCounters(ctx, [keys.likeCount(id)]),
  ]);
  let photo: Photo | undefined;
  const hit = cached.get(keys.photo(id));
  if (hit) photo = JSON.parse(hit.toString('utf8')) as Photo;
  else {
    const found = new Map<string, Photo>();
    await photosFromDb(ctx, [id], found);
    photo = found.get(id.toString());
  }
  if (!photo) throw new AppError('PHOTO_NOT_FOUND');
  const comments = await latestComments(ctx, id, cached.get(keys.latestComments(id)));
  return { ...photo, likeCount: counts[0] ?? photo.likeCount, latestComments: comments };
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

export async function forgetPhoto(ctx: AppContext, id: bigint, alsoComments = false): Promise<void> {
  await Promise.all([mcDelete(ctx.memcached, keys.photo(id)), alsoComments ? mcDelete(ctx.memcached, keys.latestComments(id)) : undefined]);
}
