import { createRedis } from '../../app/adapters/redis.ts';
import { keys } from '../../app/keys.ts';
import { EPOCH_MS } from '../../app/schema/ids.ts';
import { newHistogram, summarize } from '../metrics/histograms.ts';
import type { TrialFanout } from '../results/types.ts';

/** The millisecond a photo id was made in (its top 41 bits, on PostgreSQL's clock). */
export function idMs(photoId: string): number {
  return Number((BigInt(photoId) >> 23n) + EPOCH_MS);
}

/**
 * Fan-out lag of the trial's uploads, from each one's commit (the time in its id, a moment before
 * its answer) to its first recorded completion. From the completions the
 * fan-out workers record. A photo's lag ends at its first completion: a retried last chunk
 * (a worker killed) records a later one, but the photo was in every feed at the first.
 */
export async function fanoutLag(redisUrl: string, uploads: readonly string[], sinceMs: number): Promise<TrialFanout> {
  const redis = createRedis(redisUrl);
  try {
    const done = new Map<string, number>();
    for (const raw of await redis.lrange(keys.fanoutDone, 0, -1)) {
      const e = JSON.parse(raw) as { photoId: string; doneAtMs: number };
      if (idMs(e.photoId) < sinceMs) continue;
      done.set(e.photoId, Math.min(done.get(e.photoId) ?? Number.POSITIVE_INFINITY, e.doneAtMs));
    }
    const h = newHistogram();
    let incomplete = 0;
    for (const id of uploads) {
      const at = done.get(id);
      if (at === undefined) incomplete++;
      else h.recordValue(Math.max(0, Math.round((at - idMs(id)) * 1000)));
    }
    return { lag: summarize(h), uploads: uploads.length, incomplete };
  } finally {
    redis.disconnect();
  }
}
