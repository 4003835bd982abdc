import type { SingleStreamScenario } from './types.ts';

/**
 * Photo page views that all miss Memcached: the read load a replica is meant to take, as
 * `npm run perf:tiers` compares tiers on it. Every photo read once before any is read twice (a
 * shuffled walk, no hot set to cache) and Memcached flushed at the start of the measured window, so
 * a read hits only once the walk wraps: never within a window of fewer requests than photos
 * (100k on the starter profile). Uniform draws repeat: at r req/s for w s over N photos about
 * r·w/(2N) of the reads hit, and that grew with the rate a tier held (8% of the cache tier's reads
 * at its 1,970 req/s knee, 17% of the replicas tier's at 4,637), inflating the faster tier's
 * figure. GETs only: no session ever writes, so none is pinned to the primary by read-your-writes.
 */
export const uncachedReads: SingleStreamScenario = {
  name: 'uncached-reads',
  description: 'GET /photos/:id as a random signed-in user, each photo once in a shuffled order, with Memcached flushed as the window starts: every read is a PostgreSQL read',
  operations: [
    {
      name: 'getPhoto',
      weight: 1,
      method: 'GET',
      path: '/photos/{key}',
      key: { kind: 'shuffled', population: 'photos' },
      actor: { kind: 'uniform', population: 'users' },
    },
  ],
  executor: {
    kind: 'constant-arrival-rate',
    rate: 200,
    durationSec: 20,
    warmupSec: 5,
    connections: 32,
    maxInFlight: 10_000,
    timeoutMs: 2000,
  },
  // Not a fault: a sweep keeps it, so each of its windows starts with an empty cache.
  actions: [{ atSec: 0, do: 'flush-memcached' }],
  thresholds: [],
};
