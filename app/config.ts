import { MAX_LOGICAL_SHARDS } from './schema/ids.ts';

/** What the app process needs to know, passed by the harness as JSON in TIERBENCH_APP. */
export interface AppConfig {
  tier: string;
  host: string;
  port: number;
  postgres: { primary: string };
  redis: string;
  memcached: string;
  logicalShards: number;
  cacheTtlSec: number;
  pgPoolSize: number;
}

export function parseAppConfig(text: string | undefined): AppConfig {
  if (!text) throw new Error('TIERBENCH_APP is not set: the app is started by the harness (bench run)');
  const c = JSON.parse(text) as AppConfig;
  const problems: string[] = [];
  if (typeof c.postgres?.primary !== 'string') problems.push('postgres.primary: a postgres:// URL');
  if (typeof c.redis !== 'string') problems.push('redis: a redis:// URL');
  if (typeof c.memcached !== 'string') problems.push('memcached: host:port');
  if (!Number.isInteger(c.logicalShards) || c.logicalShards < 1 || c.logicalShards > MAX_LOGICAL_SHARDS)
    problems.push(`logicalShards: an integer from 1 to ${MAX_LOGICAL_SHARDS}`);
  if (!Number.isInteger(c.cacheTtlSec) || c.cacheTtlSec < 1) problems.push('cacheTtlSec: a positive integer');
  if (problems.length) throw new Error(`invalid TIERBENCH_APP: ${problems.join('; ')}`);
  return c;
}
