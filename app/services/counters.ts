import { execPipeline } from '../adapters/redis.ts';
import type { AppContext } from '../context.ts';

/**
 * Counters that hot paths read live in Redis (INCR after the PostgreSQL commit that changed the
 * denormalized count); PostgreSQL's denormalized columns are the fallback when a key is missing.
 * A missing key means "no change since seeding" only while Redis keeps its data; the seeder primes
 * them and `checks` compare both stores.
 */
export async function readCounters(ctx: AppContext, counterKeys: string[]): Promise<Array<number | null>> {
  if (counterKeys.length === 0) return [];
  const values = await ctx.redis.mget(...counterKeys);
  return values.map((v) => (v === null ? null : Number(v)));
}

export async function bumpCounters(ctx: AppContext, changes: Array<[string, number]>): Promise<void> {
  if (changes.length === 0) return;
  const p = ctx.redis.pipeline();
  for (const [key, by] of changes) p.incrby(key, by);
  await execPipeline(p);
}
