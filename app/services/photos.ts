import { pgQuery } from '../adapters/postgres.ts';
import { mcGet, mcSet, type MemcachedClient } from '../adapters/memcached.ts';
import { AppError } from '../errors.ts';
import { shardOf, shardSchema } from '../schema/ids.ts';
import type { TierRouter } from '../tiers/types.ts';

export interface Photo {
  id: string;
  ownerId: string;
  objectKey: string;
  caption: string;
  createdAt: string;
  likeCount: number;
  commentCount: number;
}

interface PhotoRow {
  id: string;
  owner_id: string;
  object_key: string;
  caption: string;
  created_at: Date;
  like_count: number;
  comment_count: number;
}

export interface PhotoServiceDeps {
  router: TierRouter;
  memcached: MemcachedClient;
  logicalShards: number;
  cacheTtlSec: number;
}

export const photoCacheKey = (id: bigint): string => `photo:${id}`;

export function photoService(deps: PhotoServiceDeps) {
  async function loadFromDb(id: bigint): Promise<Photo | null> {
    const shard = shardOf(id);
    const rows = await pgQuery<PhotoRow>(
      deps.router.readPool(shard),
      `SELECT id, owner_id, object_key, caption, created_at, like_count, comment_count
         FROM ${shardSchema(shard)}.photos WHERE id = $1`,
      [id.toString()],
    );
    const r = rows[0];
    if (!r) return null;
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

  /** Cache-aside: Memcached first; on a miss read the owning shard and fill the cache with a TTL. */
  async function get(id: bigint): Promise<Photo> {
    if (shardOf(id) >= deps.logicalShards) throw new AppError('UNKNOWN_SHARD');
    const key = photoCacheKey(id);
    const cached = await mcGet(deps.memcached, key);
    if (cached) return JSON.parse(cached.toString('utf8')) as Photo;
    const photo = await loadFromDb(id);
    if (!photo) throw new AppError('PHOTO_NOT_FOUND');
    await mcSet(deps.memcached, key, JSON.stringify(photo), deps.cacheTtlSec);
    return photo;
  }

  return { get };
}

export type PhotoService = ReturnType<typeof photoService>;
