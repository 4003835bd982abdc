import { FAULT_AT_SEC, FAULT_FOR_SEC, FAULT_LOAD } from './fault-load.ts';
import type { Scenario } from './types.ts';

/**
 * replicas tier: the instagram-day mix at 150 req/s with the first streaming replica killed
 * (SIGKILL) 15 s into a 45 s window and started again 10 s later on its data directory. The app
 * marks it down at its first failed connection and runs that read again on the other replica (or
 * the primary), so the switch should cost latency, not errors; back, the replica recovers, streams
 * what it missed from the primary and takes reads again. Reported: errors during the switch and
 * after, when app reads reached the replica again and its lag then, when it had caught up.
 */
export const replicaKilled: Scenario = {
  ...FAULT_LOAD,
  name: 'replica-killed',
  description: 'replicas tier: the instagram-day mix at 150 req/s with pg-replica-1 killed 15 s into a 45 s window and restarted 10 s later; errors during the switch, when it rejoined and caught up',
  tiers: ['replicas'],
  actions: [{ atSec: FAULT_AT_SEC, do: 'kill-node', node: 'pg-replica-1', forSec: FAULT_FOR_SEC }],
  thresholds: ['errors.rate < 1%'],
};
