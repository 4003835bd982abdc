import { cacheStampede } from './cache-stampede.ts';
import { feedReads } from './feed-reads.ts';
import { instagramDay } from './instagram-day.ts';
import { likeStorm } from './like-storm.ts';
import { photoReads } from './photo-reads.ts';
import { readAfterWrite, readAfterWriteControl } from './read-after-write.ts';
import { memcachedDown } from './memcached-down.ts';
import { newLikes } from './new-likes.ts';
import { redisRestart } from './redis-restart.ts';
import { replicaKilled } from './replica-killed.ts';
import { replicationPaused } from './replication-paused.ts';
import { shardDown } from './shard-down.ts';
import type { Scenario } from './types.ts';
import { uncachedReads } from './uncached-reads.ts';
import { uploads } from './uploads.ts';
import { workerKilled } from './worker-killed.ts';

/** The fault scenarios (issue 16): one fault each, injected under load, outage and recovery reported. */
export const FAULT_SCENARIOS: readonly Scenario[] = [memcachedDown, replicaKilled, shardDown, redisRestart, workerKilled, replicationPaused];

/** The scenario registry: one entry per scenario file in scenarios/. */
export const scenarios: Readonly<Record<string, Scenario>> = Object.fromEntries(
  [feedReads, likeStorm, uploads, instagramDay, cacheStampede, readAfterWrite, readAfterWriteControl, photoReads, uncachedReads, newLikes, ...FAULT_SCENARIOS].map((s) => [s.name, s]),
);

/** What `bench run` runs when no --scenario is given: the mission's three, on every tier. */
export const DEFAULT_SCENARIOS: readonly string[] = ['feed-reads', 'like-storm', 'uploads'];

export function scenarioNames(): string[] {
  return Object.keys(scenarios);
}
