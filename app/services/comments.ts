import { pgTransaction } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { shardSchema } from '../schema/ids.ts';
import { keys } from '../keys.ts';
import { afterCommit, recordEffects } from './outbox.ts';
import { LATEST_COMMENTS, type Comment } from './photos.ts';
import { checkShard } from './users.ts';

/** A comment on the photo's shard with the photo's denormalized count and latest comments; the cached photo is invalidated through the outbox. */
export async function addComment(ctx: AppContext, photoId: bigint, userId: bigint, text: string): Promise<Comment> {
  const shard = checkShard(ctx, photoId);
  const s = shardSchema(shard);
  const { comment, outbox } = await pgTransaction(ctx.router.writePool(shard), async (q) => {
    const [photo] = await q(`UPDATE ${s}.photos SET comment_count = comment_count + 1 WHERE id = $1 RETURNING id`, [photoId.toString()]);
    if (!photo) throw new AppError('PHOTO_NOT_FOUND');
    const [c] = await q<{ id: string; created_at: Date }>(`INSERT INTO ${s}.comments (photo_id, user_id, text) VALUES ($1, $2, $3) RETURNING id, created_at`, [
      photoId.toString(),
      userId.toString(),
      text,
    ]);
    const comment: Comment = { id: c!.id, photoId: photoId.toString(), userId: userId.toString(), text, createdAt: c!.created_at.toISOString() };
    // The photo row is locked by the first UPDATE, so concurrent comments line up here.
    await q(`UPDATE ${s}.photos SET latest_comments = jsonb_path_query_array($2::jsonb || latest_comments, '$[0 to ${LATEST_COMMENTS - 1}]') WHERE id = $1`, [
      photoId.toString(),
      JSON.stringify([comment]),
    ]);
    return { comment, outbox: await recordEffects(q, shard, [{ t: 'cache', keys: [keys.photo(photoId)] }]) };
  });
  await afterCommit(ctx, outbox);
  return comment;
}
