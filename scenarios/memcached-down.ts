import { instagramDay } from './instagram-day.ts';
import type { Scenario } from './types.ts';

/**
 * instagram-day with Memcached stopped 10 s into a 30 s window and started again 10 s later,
 * empty ("losing Memcached must mean load on PostgreSQL, not an outage"): while it is down every
 * read goes to PostgreSQL (a cache call fails at once and the node is skipped for a second), and
 * invalidations wait in the outbox. Reported (trial.faults): errors during the outage (none
 * expected), each node's statements and CPU per second during it against before, and after the
 * restart how long the hit rate took to get back to 90% of what it was.
 */
export const memcachedDown: Scenario = {
  ...instagramDay,
  name: 'memcached-down',
  description: 'instagram-day with Memcached stopped 10 s into a 30 s window and started again (empty) 10 s later: extra PostgreSQL load during the outage, hit-rate recovery after',
  actions: [{ atSec: 10, do: 'stop-node', node: 'memcached', forSec: 10 }],
  thresholds: ['errors.rate < 1%'],
};
