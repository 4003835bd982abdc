import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { FOLLOWING, syncFollowersSide, writeSide } from './follow-sync.ts';
import { afterCommit, leaveToSweeper } from './outbox.ts';
import { checkShard, userExists } from './users.ts';

/**
 * Follow or unfollow: the follower's side is written as asked (with its count, and in its outbox
 * the count, a sync of the other side and of the feed, so a crash after the commit is repaired),
 * then the followee's side is made to match it (follow-sync.ts), then the rest of the outbox row runs.
 */
export async function setFollow(ctx: AppContext, followerId: bigint, followeeId: bigint, follow: boolean): Promise<{ changed: boolean }> {
  if (followerId === followeeId) throw new AppError('CANNOT_FOLLOW_SELF');
  checkShard(ctx, followerId);
  checkShard(ctx, followeeId);
  if (follow && !(await userExists(ctx, followeeId, true))) throw new AppError('USER_NOT_FOUND');
  const pair = { follower: followerId.toString(), followee: followeeId.toString() };
  const mine = await writeSide(ctx, FOLLOWING, pair.follower, pair.followee, follow, [
    { t: 'follow-sync', ...pair },
    { t: 'feed-follow', ...pair },
  ]);
  const theirs = await syncFollowersSide(ctx, followerId, followeeId).catch((err: unknown) => {
    leaveToSweeper(ctx, mine.row); // the other node failed: the sweeper finishes the follow
    throw err;
  });
  // A sync that settled need not run again; one that did not stays in the row for the sweeper.
  await afterCommit(ctx, mine.row, theirs.settled ? ['follow-sync'] : []);
  return { changed: mine.changed || theirs.changed };
}
