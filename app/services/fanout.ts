import { pgQuery } from '../adapters/postgres.ts';
import type { FanoutJob } from '../adapters/queue.ts';
import type { AppContext } from '../context.ts';
import { shardOf, shardSchema } from '../schema/ids.ts';
import { pushToFeeds } from './feed.ts';

/**
 * One fan-out chunk: the next `chunk` followers of the owner after the cursor get the photo on
 * their feed (and the owner on the first chunk). If there may be more, the next chunk is queued
 * with a job id made of photo and cursor, so a retried chunk queues the same job, not a second
 * one. Pushing is idempotent (ZADD), so a chunk run twice changes nothing.
 */
export async function fanOutChunk(ctx: AppContext, job: FanoutJob, chunk: number, delayMs = 0): Promise<{ pushed: number; next: string | null }> {
  const owner = BigInt(job.ownerId);
  const shard = shardOf(owner);
  const rows = await pgQuery<{ follower_id: string }>(
    ctx.router.writePool(shard),
    `SELECT follower_id FROM ${shardSchema(shard)}.followers WHERE followee_id = $1 AND follower_id > $2 ORDER BY follower_id LIMIT $3`,
    [job.ownerId, job.cursor, chunk],
  );
  const targets = rows.map((r) => r.follower_id);
  if (job.cursor === '0') targets.push(job.ownerId);
  // Fault injection for tests and demos: a slow chunk, so a worker can be killed in the middle.
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  await pushToFeeds(ctx, targets, job.photoId);
  const next = rows.length === chunk ? rows.at(-1)!.follower_id : null;
  if (next) await ctx.queue.enqueue({ ...job, cursor: next });
  return { pushed: targets.length, next };
}
