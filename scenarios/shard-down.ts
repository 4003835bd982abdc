import { instagramDay } from './instagram-day.ts';
import type { Scenario } from './types.ts';

/**
 * sharded tier: instagram-day with one shard primary (pg-shard-1) stopped 10 s into a 30 s window
 * and started again 10 s later. Requests for its logical shards fail at once with 503
 * SHARD_UNAVAILABLE naming the shard; the rest keep serving (a feed leaves out the photos it
 * cannot load). Effects of writes that committed elsewhere but touch the stopped node (a follow's
 * other side) wait in the outbox, so nothing is lost: the checks after the trial compare counters,
 * follows, feeds and likes once the outbox is empty. Reported: errors per operation during the
 * outage and after it. No error-rate threshold: a quarter of the data is unavailable for a third
 * of the window, and the figures say what that cost.
 */
export const shardDown: Scenario = {
  ...instagramDay,
  name: 'shard-down',
  description: 'sharded tier: instagram-day with pg-shard-1 stopped 10 s into a 30 s window and restarted 10 s later; errors per operation during the outage, nothing lost after',
  tiers: ['sharded'],
  actions: [{ atSec: 10, do: 'stop-node', node: 'pg-shard-1', forSec: 10 }],
  thresholds: [],
};
