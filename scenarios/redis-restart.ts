import { FAULT_AT_SEC, FAULT_LOAD } from './fault-load.ts';
import type { Scenario } from './types.ts';

/**
 * The instagram-day mix at 150 req/s with Redis restarted 15 s into a 45 s window: stopped cleanly
 * (it writes its append-only file) and started again at once on its data, which it loads before it
 * answers. Every request needs its session from Redis, so until then the app answers 503
 * BACKEND_UNAVAILABLE: the outage is the shutdown plus the load. Reported: the outage and the load
 * time, errors during and after, and what came back (keys, queued fan-out jobs, and for a sample
 * of seeded users their sessions, feeds and follower counters, before and after); the checks after
 * the trial compare Redis' counters and feeds with PostgreSQL. No error-rate threshold: a restart
 * of the one Redis node is an outage, and the figures say how long.
 */
export const redisRestart: Scenario = {
  ...FAULT_LOAD,
  name: 'redis-restart',
  description: 'the instagram-day mix at 150 req/s with Redis stopped cleanly and started again 15 s into a 45 s window (append-only file, fsync every second); outage, load time, what came back',
  actions: [{ atSec: FAULT_AT_SEC, do: 'stop-node', node: 'redis', forSec: 0 }],
  thresholds: [],
};
