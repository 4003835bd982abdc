import { pgQuery, pgTransaction } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { keys } from '../keys.ts';
import { shardOf, shardSchema } from '../schema/ids.ts';
import { adjustFeedForFollow } from './feed.ts';
import { afterCommit, recordEffects, type Effect, type OutboxRow } from './outbox.ts';

/**
 * A follow is stored twice: `following` on the follower's shard and `followers` on the
 * followee's, each with its user's denormalized count. The two shards may be two nodes, so the
 * follower's side is the truth and the followee's side is made to match it as it is now (not as
 * the request wanted it): a follow and an unfollow of the same pair racing could otherwise leave
 * one side each way.
 */
export interface Side {
  table: 'following' | 'followers';
  key: 'follower_id' | 'followee_id';
  other: 'follower_id' | 'followee_id';
  counter: 'following_count' | 'follower_count';
  counterKey: (userId: string) => string;
}

export const FOLLOWING: Side = { table: 'following', key: 'follower_id', other: 'followee_id', counter: 'following_count', counterKey: keys.followingCount };
const FOLLOWERS: Side = { table: 'followers', key: 'followee_id', other: 'follower_id', counter: 'follower_count', counterKey: keys.followerCount };

/**
 * One side on one shard, in one transaction: the row, its user's count, and an outbox row with
 * the new count and `more` effects. Unchanged (already so): nothing written.
 */
export async function writeSide(ctx: AppContext, side: Side, user: string, other: string, follow: boolean, more: Effect[] = []): Promise<{ changed: boolean; row: OutboxRow | null }> {
  const shard = shardOf(BigInt(user));
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

/** Whether the follower's side holds the follow now (on the primary). */
async function followingNow(ctx: AppContext, follower: bigint, followee: bigint): Promise<boolean> {
  const shard = shardOf(follower);
  const rows = await pgQuery(ctx.router.writePool(shard), `SELECT 1 FROM ${shardSchema(shard)}.following WHERE follower_id = $1 AND followee_id = $2`, [
    follower.toString(),
    followee.toString(),
  ]);
  return rows.length > 0;
}

/** Rounds before a sync under constant change gives up and leaves the rest to the outbox. */
const ROUNDS = 10;

/**
 * Brings something in line with the follower's side: reads it, applies, and reads it again; done
 * when it did not change meanwhile. Whoever changes the follower's side last runs this after its
 * change and so leaves the two in step. False if the follower's side kept changing.
 */
async function converge(ctx: AppContext, follower: bigint, followee: bigint, apply: (following: boolean) => Promise<void>): Promise<boolean> {
  for (let round = 0; round < ROUNDS; round++) {
    const following = await followingNow(ctx, follower, followee);
    await apply(following);
    if ((await followingNow(ctx, follower, followee)) === following) return true;
  }
  return false;
}

/** The followee's side (`followers`, count, "who followed you") made to match the follower's side. */
export async function syncFollowersSide(ctx: AppContext, follower: bigint, followee: bigint): Promise<{ changed: boolean; settled: boolean }> {
  let changed = false;
  const settled = await converge(ctx, follower, followee, async (following) => {
    const a = follower.toString();
    const b = followee.toString();
    const activity: Effect[] = following ? [{ t: 'activity', user: b, item: { type: 'follow', actorId: a, at: new Date().toISOString() } }] : [];
    const side = await writeSide(ctx, FOLLOWERS, b, a, following, activity);
    await afterCommit(ctx, side.row);
    changed ||= side.changed;
  });
  return { changed, settled };
}

/** The follower's built feed gains or loses the followee's photos, as the follow is now. */
export async function syncFeedWithFollow(ctx: AppContext, follower: bigint, followee: bigint): Promise<void> {
  if (!(await converge(ctx, follower, followee, (following) => adjustFeedForFollow(ctx, follower, followee, following))))
    throw new Error('follow kept changing while its feed was adjusted');
}
