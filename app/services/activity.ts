import { execPipeline } from '../adapters/redis.ts';
import type { AppContext } from '../context.ts';
import { keys } from '../keys.ts';

export const ACTIVITY_CAP = 100;

export type ActivityItem =
  | { type: 'like'; actorId: string; photoId: string; at: string }
  | { type: 'follow'; actorId: string; at: string };

/**
 * "Who liked your photo", "who followed you": a capped Redis sorted set per user scored by time,
 * newest first. Each member carries the id of the outbox row that made it (`ref`), so pushing the
 * same item twice (the outbox may run an effect again) adds it once.
 */
export async function pushActivity(ctx: AppContext, userId: string, item: ActivityItem, ref: string): Promise<void> {
  const key = keys.activity(userId);
  await execPipeline(
    ctx.redis
      .pipeline()
      .zadd(key, Date.parse(item.at), JSON.stringify({ ref, ...item }))
      .zremrangebyrank(key, 0, -(ACTIVITY_CAP + 1)),
  );
}

export async function readActivity(ctx: AppContext, userId: bigint, offset: number, limit: number): Promise<ActivityItem[]> {
  const members = await ctx.redis.zrevrange(keys.activity(userId), offset, offset + limit - 1);
  return members.map((m) => {
    const { ref: _, ...item } = JSON.parse(m) as ActivityItem & { ref: string };
    return item as ActivityItem;
  });
}
