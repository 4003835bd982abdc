import type { AppContext } from '../context.ts';
import { decodeId } from '../schema/ids.ts';
import { pushActivity } from './activity.ts';
import { invalidate } from './cache.ts';
import { setCounter } from './counters.ts';
import { syncFeedWithFollow, syncFollowersSide } from './follow-sync.ts';
import type { Effect, OutboxRow } from './outbox.ts';

/**
 * What each outbox effect does; each may run more than once and in any order:
 * - counter: stored only if the row is newer than the value's row (a late or repeated run is a no-op);
 * - activity: a member named by the row id (a repeat adds nothing);
 * - fanout: a job id the queue deduplicates (and pushes that are ZADDs);
 * - cache: markers (setting one twice is one); dropped once older than the cache TTL, when every
 *   entry written before it has expired;
 * - follow-sync, feed-follow: converge on the follower's side as it is now.
 */
export async function applyEffect(ctx: AppContext, e: Effect, row: OutboxRow): Promise<void> {
  switch (e.t) {
    case 'counter':
      return setCounter(ctx, e.key, e.value, row.id);
    case 'activity':
      return pushActivity(ctx, e.user, e.item, `${row.shard}:${row.id}`);
    case 'fanout':
      await ctx.queue.enqueue({ photoId: e.photoId, ownerId: e.ownerId, cursor: '0' });
      return;
    case 'cache':
      if (Date.now() - Number(decodeId(BigInt(row.id)).timeMs) < ctx.config.cacheTtlSec * 1000) await invalidate(ctx, e.keys);
      return;
    case 'follow-sync':
      await syncFollowersSide(ctx, BigInt(e.follower), BigInt(e.followee)).then(({ settled }) => {
        if (!settled) throw new Error('follow kept changing while its other side was written');
      });
      return;
    case 'feed-follow':
      return syncFeedWithFollow(ctx, BigInt(e.follower), BigInt(e.followee));
  }
}
