import { pgQuery } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { keys } from '../keys.ts';
import { shardSchema } from '../schema/ids.ts';
import type { ActivityItem } from './activity.ts';
import { afterCommit, type Effect } from './outbox.ts';
import { checkShard } from './users.ts';

/**
 * A like, in one statement on the photo's shard: the row, the photo's denormalized count and an
 * outbox row with the new count (and "who liked your photo" for the owner); after the commit the
 * outbox sets the Redis counter. Liking twice changes nothing. The outbox row is inserted from the
 * count's UPDATE, so its id (the counter's version) is made once the photo row is locked.
 */
function likeSql(s: string, liked: boolean): string {
  const change = liked
    ? `ch AS (INSERT INTO ${s}.likes (photo_id, user_id) SELECT id, $2::bigint FROM p ON CONFLICT DO NOTHING RETURNING photo_id)`
    : `ch AS (DELETE FROM ${s}.likes WHERE photo_id IN (SELECT id FROM p) AND user_id = $2::bigint RETURNING photo_id)`;
  return `WITH p AS (SELECT id, owner_id FROM ${s}.photos WHERE id = $1::bigint),
    ${change},
    up AS (UPDATE ${s}.photos SET like_count = like_count ${liked ? '+' : '-'} 1 WHERE id IN (SELECT photo_id FROM ch) RETURNING owner_id, like_count),
    ob AS (INSERT INTO ${s}.outbox (effects)
           SELECT jsonb_build_array(jsonb_build_object('t', 'counter', 'key', $3::text, 'value', like_count))
                  || CASE WHEN $4::jsonb IS NOT NULL AND owner_id <> $2::bigint
                          THEN jsonb_build_array(jsonb_build_object('t', 'activity', 'user', owner_id::text, 'item', $4::jsonb)) ELSE '[]'::jsonb END
             FROM up RETURNING id::text, effects)
    SELECT (SELECT owner_id::text FROM p) AS owner_id, (SELECT id FROM ob) AS outbox_id, (SELECT effects FROM ob) AS effects`;
}

export async function setLike(ctx: AppContext, photoId: bigint, userId: bigint, liked: boolean): Promise<{ changed: boolean }> {
  const shard = checkShard(ctx, photoId);
  const activity: ActivityItem | null = liked ? { type: 'like', actorId: userId.toString(), photoId: photoId.toString(), at: new Date().toISOString() } : null;
  const [row] = await pgQuery<{ owner_id: string | null; outbox_id: string | null; effects: Effect[] | null }>(
    ctx.router.writePool(shard),
    likeSql(shardSchema(shard), liked),
    [photoId.toString(), userId.toString(), keys.likeCount(photoId), activity && JSON.stringify(activity)],
  );
  if (!row || row.owner_id === null) throw new AppError('PHOTO_NOT_FOUND');
  if (row.outbox_id === null || row.effects === null) return { changed: false };
  await afterCommit(ctx, { shard, id: row.outbox_id, effects: row.effects });
  return { changed: true };
}
