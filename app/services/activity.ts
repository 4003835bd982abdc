import { execPipeline } from '../adapters/redis.ts';
import type { AppContext } from '../context.ts';
import { keys } from '../keys.ts';

export const ACTIVITY_CAP = 100;

export type ActivityItem =
  | { type: 'like'; actorId: string; photoId: string; at: string }
  | { type: 'follow'; actorId: string; at: string };

/** "Who liked your photo", "who followed you": a capped Redis list per user, newest first. */
export async function pushActivity(ctx: AppContext, userId: bigint, item: ActivityItem): Promise<void> {
  await execPipeline(ctx.redis.pipeline().lpush(keys.activity(userId), JSON.stringify(item)).ltrim(keys.activity(userId), 0, ACTIVITY_CAP - 1));
}

export async function readActivity(ctx: AppContext, userId: bigint, offset: number, limit: number): Promise<ActivityItem[]> {
  const rows = await ctx.redis.lrange(keys.activity(userId), offset, offset + limit - 1);
  return rows.map((r) => JSON.parse(r) as ActivityItem);
}
