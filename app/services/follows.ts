import { pgTransaction } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { keys } from '../keys.ts';
import { shardSchema } from '../schema/ids.ts';
import { pushActivity } from './activity.ts';
import { bumpCounters } from './counters.ts';
import { adjustFeedForFollow } from './feed.ts';
import { checkShard, userExists } from './users.ts';

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
  const fs = shardSchema(fShard);
  const ts = shardSchema(tShard);
  const a = followerId.toString();
  const b = followeeId.toString();
  const mine = await pgTransaction(ctx.router.writePool(fShard), async (q) => {
    const changed = follow
      ? await q(`INSERT INTO ${fs}.following (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [a, b])
      : await q(`DELETE FROM ${fs}.following WHERE follower_id = $1 AND followee_id = $2 RETURNING 1`, [a, b]);
    if (changed.length) await q(`UPDATE ${fs}.users SET following_count = following_count + $2 WHERE id = $1`, [a, follow ? 1 : -1]);
    return changed.length > 0;
  });
  const theirs = await pgTransaction(ctx.router.writePool(tShard), async (q) => {
    const changed = follow
      ? await q(`INSERT INTO ${ts}.followers (followee_id, follower_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [b, a])
      : await q(`DELETE FROM ${ts}.followers WHERE followee_id = $1 AND follower_id = $2 RETURNING 1`, [b, a]);
    if (changed.length) await q(`UPDATE ${ts}.users SET follower_count = follower_count + $2 WHERE id = $1`, [b, follow ? 1 : -1]);
    return changed.length > 0;
  });
  const d = follow ? 1 : -1;
  await bumpCounters(ctx, [
    ...(mine ? [[keys.followingCount(followerId), d] as [string, number]] : []),
    ...(theirs ? [[keys.followerCount(followeeId), d] as [string, number]] : []),
  ]);
  if (mine) await adjustFeedForFollow(ctx, followerId, followeeId, follow);
  if (follow && theirs) await pushActivity(ctx, followeeId, { type: 'follow', actorId: a, at: new Date().toISOString() });
  return { changed: mine || theirs };
}
