import { pgQuery } from '../adapters/postgres.ts';
import { execPipeline } from '../adapters/redis.ts';
import type { AppContext } from '../context.ts';
import { keys } from '../keys.ts';
import { shardOf, shardSchema } from '../schema/ids.ts';
import { loadPhotos, withLikeCounts, type Photo } from './photos.ts';
import { checkShard } from './users.ts';

/**
 * The home feed is a capped Redis sorted set per user: members are photo ids, scores their
 * millisecond (the id's top 41 bits), so ZADD is idempotent and a retried fan-out chunk cannot
 * duplicate an entry (a list would need a scan per push). A sentinel member "0" scored +inf marks
 * a feed as built from PostgreSQL; pushes to a feed that was never built leave it unmarked, so
 * the next read rebuilds it and merges.
 */
export const SENTINEL = '0';

const scoreOf = (photoId: bigint | string): number => Number(BigInt(photoId) >> 23n);

function feedCap(ctx: AppContext): number {
  return ctx.config.feedCap;
}

/** Pushes a photo onto many feeds in one pipeline, trimming each to the cap (plus the sentinel). */
export async function pushToFeeds(ctx: AppContext, userIds: readonly (bigint | string)[], photoId: string): Promise<void> {
  if (userIds.length === 0) return;
  const p = ctx.redis.pipeline();
  const score = scoreOf(photoId);
  for (const u of userIds) p.zadd(keys.feed(u), score, photoId).zremrangebyrank(keys.feed(u), 0, -(feedCap(ctx) + 2));
  await execPipeline(p);
}

async function followeesOf(ctx: AppContext, userId: bigint): Promise<bigint[]> {
  const shard = checkShard(ctx, userId);
  const rows = await pgQuery<{ followee_id: string }>(ctx.router.readPool(shard), `SELECT followee_id FROM ${shardSchema(shard)}.following WHERE follower_id = $1`, [
    userId.toString(),
  ]);
  return rows.map((r) => BigInt(r.followee_id));
}

/** The newest `limit` photo ids of some owners, read from each owner's shard. */
export async function recentPhotoIdsOf(ctx: AppContext, owners: readonly bigint[], limit: number): Promise<string[]> {
  const byShard = new Map<number, string[]>();
  for (const o of owners) {
    const s = shardOf(o);
    if (s < ctx.config.logicalShards) byShard.set(s, [...(byShard.get(s) ?? []), o.toString()]);
  }
  const lists = await Promise.all(
    [...byShard].map(([shard, ids]) =>
      pgQuery<{ id: string }>(
        ctx.router.readPool(shard),
        `SELECT id FROM ${shardSchema(shard)}.photos WHERE owner_id = ANY($1::bigint[]) ORDER BY id DESC LIMIT $2`,
        [ids, limit],
      ),
    ),
  );
  return lists
    .flat()
    .map((r) => BigInt(r.id))
    .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
    .slice(0, limit)
    .map(String);
}

/** Rebuilds a feed from PostgreSQL: the newest photos of everyone the user follows, and their own. */
export async function rebuildFeed(ctx: AppContext, userId: bigint): Promise<void> {
  const owners = [userId, ...(await followeesOf(ctx, userId))];
  const ids = await recentPhotoIdsOf(ctx, owners, feedCap(ctx));
  const key = keys.feed(userId);
  const p = ctx.redis.pipeline();
  for (const id of ids) p.zadd(key, scoreOf(id), id);
  p.zadd(key, '+inf', SENTINEL).zremrangebyrank(key, 0, -(feedCap(ctx) + 2));
  await execPipeline(p);
}

/** A page of the home feed, hydrated with one Memcached multi-get; a missing feed is rebuilt first. */
export async function readFeed(ctx: AppContext, userId: bigint, offset: number, limit: number): Promise<{ photos: Photo[]; next: number | null; rebuilt: boolean }> {
  const read = async () => {
    const [sentinel, ids] = (await execPipeline(ctx.redis.pipeline().zscore(keys.feed(userId), SENTINEL).zrevrange(keys.feed(userId), offset + 1, offset + limit))) as [
      string | null,
      string[],
    ];
    return { built: sentinel !== null, ids };
  };
  let page = await read();
  let rebuilt = false;
  if (!page.built) {
    await rebuildFeed(ctx, userId);
    rebuilt = true;
    page = await read();
  }
  // A feed shows what it can: photos on a shard whose node is down are left out of the page.
  const byId = await loadPhotos(ctx, page.ids.map((id) => BigInt(id)), true);
  const photos = await withLikeCounts(ctx, page.ids.map((id) => byId.get(id)).filter((p): p is Photo => p !== undefined));
  return { photos, next: page.ids.length === limit ? offset + limit : null, rebuilt };
}

/** After a follow or unfollow, a built feed gains or loses the followee's recent photos. */
export async function adjustFeedForFollow(ctx: AppContext, userId: bigint, followeeId: bigint, following: boolean): Promise<void> {
  const key = keys.feed(userId);
  if ((await ctx.redis.zscore(key, SENTINEL)) === null) return;
  const ids = await recentPhotoIdsOf(ctx, [followeeId], feedCap(ctx));
  if (ids.length === 0) return;
  if (following) await ctx.redis.zadd(key, ...ids.flatMap((id) => [scoreOf(id), id]));
  else await ctx.redis.zrem(key, ...ids);
  await ctx.redis.zremrangebyrank(key, 0, -(feedCap(ctx) + 2));
}
