import { pgTransaction } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { shardSchema } from '../schema/ids.ts';
import { forgetPhoto, type Comment } from './photos.ts';
import { checkShard } from './users.ts';

/** A comment on the photo's shard with the photo's denormalized count; the cached photo is deleted. */
export async function addComment(ctx: AppContext, photoId: bigint, userId: bigint, text: string): Promise<Comment> {
  const shard = checkShard(ctx, photoId);
  const s = shardSchema(shard);
  const row = await pgTransaction(ctx.router.writePool(shard), async (q) => {
    const [photo] = await q(`UPDATE ${s}.photos SET comment_count = comment_count + 1 WHERE id = $1 RETURNING id`, [photoId.toString()]);
    if (!photo) throw new AppError('PHOTO_NOT_FOUND');
    const [c] = await q<{ id: string; created_at: Date }>(`INSERT INTO ${s}.comments (photo_id, user_id, text) VALUES ($1, $2, $3) RETURNING id, created_at`, [
      photoId.toString(),
      userId.toString(),
      text,
    ]);
    return c!;
  });
  await forgetPhoto(ctx, photoId);
  return { id: row.id, photoId: photoId.toString(), userId: userId.toString(), text, createdAt: row.created_at.toISOString() };
}
