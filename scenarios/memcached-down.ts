import { FAULT_AT_SEC, FAULT_FOR_SEC, FAULT_LOAD } from './fault-load.ts';
import type { Scenario } from './types.ts';

/**
 * The instagram-day mix at 150 req/s with Memcached stopped 15 s into a 45 s window and started
 * again, empty, 10 s later ("losing Memcached must mean load on PostgreSQL, not an outage"): while
 * it is down every read goes to PostgreSQL (a cache call fails at once and the node is skipped for
 * a second), and invalidations wait in the outbox. Reported (trial.faults): errors during the
 * outage (none expected), each node's statements and CPU per second during it against before, and
 * after the restart how long the hit rate took to get back to 90% of what it was.
 */
export const memcachedDown: Scenario = {
  ...FAULT_LOAD,
  name: 'memcached-down',
  description: 'the instagram-day mix at 150 req/s with Memcached stopped 15 s into a 45 s window and started again (empty) 10 s later: extra PostgreSQL load during the outage, hit-rate recovery after',
  actions: [{ atSec: FAULT_AT_SEC, do: 'stop-node', node: 'memcached', forSec: FAULT_FOR_SEC }],
  thresholds: ['errors.rate < 1%'],
};
