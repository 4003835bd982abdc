import { pgTransaction } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { keys } from '../keys.ts';
import { shardSchema } from '../schema/ids.ts';
import { adjustFeedForFollow } from './feed.ts';
import { afterCommit, recordEffects, type Effect, type OutboxRow } from './outbox.ts';
import { checkShard, userExists } from './users.ts';

interface Side {
  table: 'following' | 'followers';
  key: 'follower_id' | 'followee_id';
  other: 'follower_id' | 'followee_id';
  counter: 'following_count' | 'follower_count';
  counterKey: (userId: string) => string;
}

const FOLLOWING: Side = { table: 'following', key: 'follower_id', other: 'followee_id', counter: 'following_count', counterKey: keys.followingCount };
const FOLLOWERS: Side = { table: 'followers', key: 'followee_id', other: 'follower_id', counter: 'follower_count', counterKey: keys.followerCount };

/** One side of a follow on one shard: the row, its user's count and an outbox row with the count (and `more`), in one transaction. */
async function writeSide(ctx: AppContext, shard: number, side: Side, user: string, other: string, follow: boolean, more: Effect[] = []): Promise<{ changed: boolean; row: OutboxRow | null }> {
  const s = shardSchema(shard);
  return pgTransaction(ctx.router.writePool(shard), async (q) => {
    const changed = follow
      ? await q(`INSERT INTO ${s}.${side.table} (${side.key}, ${side.other}) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [user, other])
      : await q(`DELETE FROM ${s}.${side.table} WHERE ${side.key} = $1 AND ${side.other} = $2 RETURNING 1`, [user, other]);
    if (changed.length === 0) return { changed: false, row: null };
    const [u] = await q<{ n: number }>(`UPDATE ${s}.users SET ${side.counter} = ${side.counter} + $2 WHERE id = $1 RETURNING ${side.counter} AS n`, [user, follow ? 1 : -1]);
    const counter: Effect[] = u ? [{ t: 'counter', key: side.counterKey(user), value: u.n }] : [];
    return { changed: true, row: await recordEffects(q, shard, [...counter, ...more]) };
  });
}

/**
 * A follow is stored twice: `following` on the follower's shard and `followers` on the followee's,
 * each with its user's denormalized count in the same transaction (and, through the outbox, its
 * Redis counter). The two shards may be two nodes, so the follower's side is written first and the
 * followee's side is written whenever the follower's side exists (a retry completes a half-done follow).
 */
export async function setFollow(ctx: AppContext, followerId: bigint, followeeId: bigint, follow: boolean): Promise<{ changed: boolean }> {
  if (followerId === followeeId) throw new AppError('CANNOT_FOLLOW_SELF');
  const fShard = checkShard(ctx, followerId);
  const tShard = checkShard(ctx, followeeId);
  if (follow && !(await userExists(ctx, followeeId, true))) throw new AppError('USER_NOT_FOUND');
  const a = followerId.toString();
  const b = followeeId.toString();
  const mine = await writeSide(ctx, fShard, FOLLOWING, a, b, follow);
  const activity: Effect[] = follow ? [{ t: 'activity', user: b, item: { type: 'follow', actorId: a, at: new Date().toISOString() } }] : [];
  const theirs = await writeSide(ctx, tShard, FOLLOWERS, b, a, follow, activity);
  await Promise.all([afterCommit(ctx, mine.row), afterCommit(ctx, theirs.row)]);
  if (mine.changed) await adjustFeedForFollow(ctx, followerId, followeeId, follow);
  return { changed: mine.changed || theirs.changed };
}
