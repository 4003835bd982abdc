import { instagramDay } from './instagram-day.ts';
import type { Scenario } from './types.ts';

/**
 * replicas tier: instagram-day with the first streaming replica killed (SIGKILL) 10 s into a 30 s
 * window and started again 10 s later on its data directory. The app marks it down at its first
 * failed connection and runs that read again on the other replica (or the primary), so the switch
 * should cost latency, not errors; back, the replica recovers, streams what it missed from the
 * primary and takes reads again. Reported: errors during the switch and after, when app reads
 * reached the replica again and its lag then, when it had caught up.
 */
export const replicaKilled: Scenario = {
  ...instagramDay,
  name: 'replica-killed',
  description: 'replicas tier: instagram-day with pg-replica-1 killed 10 s into a 30 s window and restarted 10 s later; errors during the switch, when it rejoined and caught up',
  tiers: ['replicas'],
  actions: [{ atSec: 10, do: 'kill-node', node: 'pg-replica-1', forSec: 10 }],
  thresholds: ['errors.rate < 1%'],
};
