import type { SingleStreamScenario } from './types.ts';

/**
 * Photo page views that all miss Memcached: the read load a replica is meant to take, as
 * `npm run perf:tiers` compares tiers on it. Every photo equally likely (uniform, not Zipf: no hot
 * set to cache), and Memcached flushed at the start of the measured window, so the only hits are
 * photos read twice within the window: at r req/s for w s over N photos about r·w/(2N) of the
 * reads (under 2% at 400 req/s for 8 s over the starter profile's 100k photos). The key kinds have
 * no in-order walk over the population (KeyDistribution), which would make that 0. GETs only: no
 * session ever writes, so none is pinned to the primary by read-your-writes.
 */
export const uncachedReads: SingleStreamScenario = {
  name: 'uncached-reads',
  description: 'GET /photos/:id as a random signed-in user, uniform over all photos, with Memcached flushed as the window starts: (nearly) every read is a PostgreSQL read',
  operations: [
    {
      name: 'getPhoto',
      weight: 1,
      method: 'GET',
      path: '/photos/{key}',
      key: { kind: 'uniform', population: 'photos' },
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
