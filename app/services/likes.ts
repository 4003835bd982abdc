import { pgQuery } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { keys } from '../keys.ts';
import { shardSchema } from '../schema/ids.ts';
import { pushActivity } from './activity.ts';
import { bumpCounters } from './counters.ts';
import { checkShard } from './users.ts';

/**
 * A like is a row on the photo's shard and, in the same statement, the photo's denormalized
 * count; after the commit the Redis counter moves by the same amount. Liking twice changes nothing.
 */
export async function setLike(ctx: AppContext, photoId: bigint, userId: bigint, liked: boolean): Promise<{ changed: boolean }> {
  const shard = checkShard(ctx, photoId);
  const s = shardSchema(shard);
  const sql = liked
    ? `WITH p AS (SELECT id, owner_id FROM ${s}.photos WHERE id = $1),
            ch AS (INSERT INTO ${s}.likes (photo_id, user_id) SELECT id, $2 FROM p ON CONFLICT DO NOTHING RETURNING photo_id),
            up AS (UPDATE ${s}.photos SET like_count = like_count + 1 WHERE id IN (SELECT photo_id FROM ch) RETURNING id)
       SELECT (SELECT owner_id FROM p) AS owner_id, (SELECT count(*) FROM up)::int AS changed`
    : `WITH p AS (SELECT id, owner_id FROM ${s}.photos WHERE id = $1),
            ch AS (DELETE FROM ${s}.likes WHERE photo_id IN (SELECT id FROM p) AND user_id = $2 RETURNING photo_id),
            up AS (UPDATE ${s}.photos SET like_count = like_count - 1 WHERE id IN (SELECT photo_id FROM ch) RETURNING id)
       SELECT (SELECT owner_id FROM p) AS owner_id, (SELECT count(*) FROM up)::int AS changed`;
  const [row] = await pgQuery<{ owner_id: string | null; changed: number }>(ctx.router.writePool(shard), sql, [photoId.toString(), userId.toString()]);
  if (!row || row.owner_id === null) throw new AppError('PHOTO_NOT_FOUND');
  if (row.changed === 0) return { changed: false };
  await bumpCounters(ctx, [[keys.likeCount(photoId), liked ? 1 : -1]]);
  if (liked && BigInt(row.owner_id) !== userId)
    await pushActivity(ctx, BigInt(row.owner_id), { type: 'like', actorId: userId.toString(), photoId: photoId.toString(), at: new Date().toISOString() });
  return { changed: true };
}
