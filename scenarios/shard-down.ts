import { FAULT_AT_SEC, FAULT_FOR_SEC, FAULT_LOAD } from './fault-load.ts';
import type { Scenario } from './types.ts';

/**
 * sharded tier: the instagram-day mix at 150 req/s with one shard primary (pg-shard-1) stopped
 * 15 s into a 45 s window and started again 10 s later. Requests for its logical shards fail at
 * once with 503 SHARD_UNAVAILABLE naming the shard; the rest keep serving (a feed leaves out the
 * photos it cannot load). Effects of writes that committed elsewhere but touch the stopped node (a
 * follow's other side) wait in the outbox, so nothing is lost: the checks after the trial compare
 * counters, follows, feeds and likes once the outbox is empty. Reported: errors per operation
 * during the outage and after it. No error-rate threshold: a quarter of the data (with the default
 * 4 primaries) is unavailable for 10 s, and the figures say what that cost.
 */
export const shardDown: Scenario = {
  ...FAULT_LOAD,
  name: 'shard-down',
  description: 'sharded tier: the instagram-day mix at 150 req/s with pg-shard-1 stopped 15 s into a 45 s window and restarted 10 s later; errors per operation during the outage, nothing lost after',
  tiers: ['sharded'],
  actions: [{ atSec: FAULT_AT_SEC, do: 'stop-node', node: 'pg-shard-1', forSec: FAULT_FOR_SEC }],
  thresholds: [],
};
