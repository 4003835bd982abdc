import { pgQuery } from '../adapters/postgres.ts';
import { execPipeline } from '../adapters/redis.ts';
import type { FanoutJob } from '../adapters/queue.ts';
import type { AppContext } from '../context.ts';
import { shardOf, shardSchema } from '../schema/ids.ts';
import { pushToFeeds } from './feed.ts';
import { keys } from '../keys.ts';

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
  else await recordFanoutDone(ctx, job);
  return { pushed: targets.length, next };
}

/** Kept fan-out completions, for the harness to measure fan-out lag (a retried last chunk adds a later one). */
const DONE_KEPT = 100_000;

/** The photo is now in every follower's feed: when, for the fan-out lag (upload to last feed). */
async function recordFanoutDone(ctx: AppContext, job: FanoutJob): Promise<void> {
  const entry = JSON.stringify({ photoId: job.photoId, ownerId: job.ownerId, doneAtMs: Date.now() });
  await execPipeline(ctx.redis.pipeline().lpush(keys.fanoutDone, entry).ltrim(keys.fanoutDone, 0, DONE_KEPT - 1));
}
