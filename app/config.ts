import { MAX_LOGICAL_SHARDS } from './schema/ids.ts';

/** What the app process needs to know, passed by the harness as JSON in TIERBENCH_APP. */
export interface AppConfig {
  tier: string;
  host: string;
  port: number;
  /** Primaries in shard-map order: one for `cache`, P for `sharded` (see schema/shard-map.ts). */
  postgres: { primaries: string[]; replicas?: string[] };
  redis: string;
  memcached: string;
  logicalShards: number;
  cacheTtlSec: number;
  pgPoolSize: number;
  /** Photos kept per home feed (Instagram never published theirs). */
  feedCap: number;
  /** Followers per fan-out job (Instagram: 10,000). */
  fanoutChunk: number;
  /** replicas tier: after a write, the session reads from the primary for this long (0: never, a control). */
  readYourWritesMs: number;
  /** A Memcached call that takes longer is a miss (reads go to PostgreSQL). */
  cacheTimeoutMs: number;
  /** A Redis call that takes longer fails (503): a Redis that answers nothing must not hang requests. */
  redisTimeoutMs: number;
  /** How often the outbox sweeper retries effects that failed after their commit (services/outbox.ts). */
  outboxSweepMs: number;
  /** App server processes behind the one port (node:cluster); 1 = a single process. */
  processes: number;
}

export const APP_DEFAULTS = {
  cacheTtlSec: 300,
  pgPoolSize: 16,
  feedCap: 100,
  fanoutChunk: 10_000,
  readYourWritesMs: 5_000,
  cacheTimeoutMs: 250,
  redisTimeoutMs: 2_000,
  outboxSweepMs: 1_000,
  processes: 1,
} as const;

export function parseAppConfig(text: string | undefined): AppConfig {
  if (!text) throw new Error('TIERBENCH_APP is not set: the app is started by the harness (bench run)');
  const c = { ...APP_DEFAULTS, ...(JSON.parse(text) as Partial<AppConfig>) } as AppConfig;
  const problems: string[] = [];
  if (!Array.isArray(c.postgres?.primaries) || c.postgres.primaries.length === 0 || !c.postgres.primaries.every((u) => typeof u === 'string'))
    problems.push('postgres.primaries: a non-empty list of postgres:// URLs');
  else if (c.postgres.primaries.length > c.logicalShards) problems.push('postgres.primaries: no more nodes than logical shards');
  if (typeof c.redis !== 'string') problems.push('redis: a redis:// URL');
  if (typeof c.memcached !== 'string') problems.push('memcached: host:port');
  if (!Number.isInteger(c.logicalShards) || c.logicalShards < 1 || c.logicalShards > MAX_LOGICAL_SHARDS)
    problems.push(`logicalShards: an integer from 1 to ${MAX_LOGICAL_SHARDS}`);
  if (!Number.isInteger(c.cacheTtlSec) || c.cacheTtlSec < 1) problems.push('cacheTtlSec: a positive integer');
  if (!Number.isInteger(c.feedCap) || c.feedCap < 1) problems.push('feedCap: a positive integer');
  if (!Number.isInteger(c.fanoutChunk) || c.fanoutChunk < 1) problems.push('fanoutChunk: a positive integer');
  if (!Number.isInteger(c.processes) || c.processes < 1 || c.processes > 64) problems.push('processes: an integer from 1 to 64');
  if (!Number.isInteger(c.readYourWritesMs) || c.readYourWritesMs < 0) problems.push('readYourWritesMs: an integer >= 0');
  for (const k of ['cacheTimeoutMs', 'redisTimeoutMs', 'outboxSweepMs'] as const)
    if (!Number.isInteger(c[k]) || c[k] < 1) problems.push(`${k}: a positive integer (milliseconds)`);
  if (problems.length) throw new Error(`invalid TIERBENCH_APP: ${problems.join('; ')}`);
  return c;
}
