import { pgTransaction } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { keys } from '../keys.ts';
import { shardSchema } from '../schema/ids.ts';
import { pushActivity } from './activity.ts';
import { bumpCounters } from './counters.ts';
import { adjustFeedForFollow } from './feed.ts';
import { checkShard, userExists } from './users.ts';

interface Side {
  table: 'following' | 'followers';
  key: 'follower_id' | 'followee_id';
  other: 'follower_id' | 'followee_id';
  counter: 'following_count' | 'follower_count';
}

/** One side of a follow on one shard: the row and its user's count, in one transaction. */
async function writeSide(ctx: AppContext, shard: number, side: Side, user: string, other: string, follow: boolean): Promise<boolean> {
  const s = shardSchema(shard);
  return pgTransaction(ctx.router.writePool(shard), async (q) => {
    const changed = follow
      ? await q(`INSERT INTO ${s}.${side.table} (${side.key}, ${side.other}) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [user, other])
      : await q(`DELETE FROM ${s}.${side.table} WHERE ${side.key} = $1 AND ${side.other} = $2 RETURNING 1`, [user, other]);
    if (changed.length) await q(`UPDATE ${s}.users SET ${side.counter} = ${side.counter} + $2 WHERE id = $1`, [user, follow ? 1 : -1]);
    return changed.length > 0;
  });
}

/**
 * A follow is stored twice: `following` on the follower's shard and `followers` on the followee's,
 * each with its user's denormalized count in the same transaction. The two shards may be two
 * nodes, so the follower's side is written first and the followee's side is written whenever the
 * follower's side exists (a retry completes a half-done follow).
 */
export async function setFollow(ctx: AppContext, followerId: bigint, followeeId: bigint, follow: boolean): Promise<{ changed: boolean }> {
  if (followerId === followeeId) throw new AppError('CANNOT_FOLLOW_SELF');
  const fShard = checkShard(ctx, followerId);
  const tShard = checkShard(ctx, followeeId);
  if (follow && !(await userExists(ctx, followeeId, true))) throw new AppError('USER_NOT_FOUND');
  const a = followerId.toString();
  const b = followeeId.toString();
  const mine = await writeSide(ctx, fShard, { table: 'following', key: 'follower_id', other: 'followee_id', counter: 'following_count' }, a, b, follow);
  const theirs = await writeSide(ctx, tShard, { table: 'followers', key: 'followee_id', other: 'follower_id', counter: 'follower_count' }, b, a, follow);
  const d = follow ? 1 : -1;
  await bumpCounters(ctx, [
    ...(mine ? [[keys.followingCount(followerId), d] as [string, number]] : []),
    ...(theirs ? [[keys.followerCount(followeeId), d] as [string, number]] : []),
  ]);
  if (mine) await adjustFeedForFollow(ctx, followerId, followeeId, follow);
  if (follow && theirs) await pushActivity(ctx, followeeId, { type: 'follow', actorId: a, at: new Date().toISOString() });
  return { changed: mine || theirs };
}
