import { redisSetIfNewer } from '../adapters/redis.ts';
import type { AppContext } from '../context.ts';
import { keys } from '../keys.ts';

/**
 * Counters that hot paths read live in Redis; PostgreSQL's denormalized columns are the truth and
 * the fallback when a key is missing. After each commit that changed a count, the outbox stores
 * the count as the transaction left it, with the outbox row's id as its version: a write applied
 * late or twice cannot move a counter back, and a lost counter comes back right with the next
 * change. The seeder primes them without a version (any write is newer); `checks` compare both stores.
 */
export async function readCounters(ctx: AppContext, counterKeys: string[]): Promise<Array<number | null>> {
  if (counterKeys.length === 0) return [];
  const values = await ctx.redis.mget(...counterKeys);
  return values.map((v) => (v === null ? null : Number(v)));
}

export async function setCounter(ctx: AppContext, key: string, value: number, version: string): Promise<void> {
  await redisSetIfNewer(ctx.redis, key, keys.counterVersion(key), String(value), version);
}
