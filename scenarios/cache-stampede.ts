import { feedReads } from './feed-reads.ts';
import type { Scenario } from './types.ts';

/**
 * feed-reads with Memcached flushed in the middle of the window: every cached user and photo
 * gone at once, so every read misses and goes to PostgreSQL until the cache fills again ("losing
 * Memcached must mean load on PostgreSQL, not an outage"). Reported: the time until the hit rate
 * is back to 90% of what it was, each node's statement rate and CPU during the spike, and p99
 * during it (trial.cacheRecovery).
 */
export const cacheStampede: Scenario = {
  ...feedReads,
  name: 'cache-stampede',
  description: 'feed-reads with Memcached flushed 15 s into a 30 s window; recovery time of the hit rate, per-node load and p99 during the spike',
  executor: { ...feedReads.executor, durationSec: 30 },
  actions: [{ atSec: 15, do: 'flush-memcached' }],
  thresholds: ['errors.rate < 1%'],
};
