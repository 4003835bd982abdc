import { mcStats, type MemcachedClient } from '../../app/adapters/memcached.ts';
import { pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { redisInfo, type RedisClient } from '../../app/adapters/redis.ts';
import type { MemcachedDelta, PostgresNodeStats, RedisDelta } from '../results/types.ts';
import { processTreeCpuSeconds } from './proc-cpu.ts';

/** Snapshots of each backend's own counters; a trial reports the delta over its measured window. */

export interface MemcachedSnapshot {
  getHits: number;
  getMisses: number;
  sets: number;
  deletes: number;
  evictions: number;
  currItems: number;
}

export async function memcachedSnapshot(client: MemcachedClient): Promise<MemcachedSnapshot> {
  const s = await mcStats(client);
  const n = (k: string): number => Number(s[k] ?? 0);
  return {
    getHits: n('get_hits'),
    getMisses: n('get_misses'),
    sets: n('cmd_set'),
    deletes: n('delete_hits') + n('delete_misses'),
    evictions: n('evictions'),
    currItems: n('curr_items'),
  };
}

export function hitRate(hits: number, misses: number): number | null {
  return hits + misses > 0 ? hits / (hits + misses) : null;
}

export function memcachedDelta(a: MemcachedSnapshot, b: MemcachedSnapshot): MemcachedDelta {
  const getHits = b.getHits - a.getHits;
  const getMisses = b.getMisses - a.getMisses;
  return {
    getHits,
    getMisses,
    hitRate: hitRate(getHits, getMisses),
    sets: b.sets - a.sets,
    deletes: b.deletes - a.deletes,
    evictions: b.evictions - a.evictions,
    currItemsAtEnd: b.currItems,
  };
}

export interface RedisSnapshot {
  commands: number;
  hits: number;
  misses: number;
  usedMemory: number;
}

export async function redisSnapshot(client: RedisClient): Promise<RedisSnapshot> {
  const i = await redisInfo(client);
  const n = (k: string): number => Number(i[k] ?? 0);
  return { commands: n('total_commands_processed'), hits: n('keyspace_hits'), misses: n('keyspace_misses'), usedMemory: n('used_memory') };
}

export function redisDelta(a: RedisSnapshot, b: RedisSnapshot): RedisDelta {
  return {
    // INFO itself is a command; leave the snapshots' own two out.
    commandsProcessed: Math.max(0, b.commands - a.commands - 1),
    keyspaceHits: b.hits - a.hits,
    keyspaceMisses: b.misses - a.misses,
    usedMemoryBytesAtEnd: b.usedMemory,
  };
}

export interface PgSnapshot {
  xactCommit: number;
  xactRollback: number;
  tupReturned: number;
  tupFetched: number;
  tupInserted: number;
  tupUpdated: number;
  tupDeleted: number;
  blksHit: number;
  blksRead: number;
  cpuSeconds: number | null;
}

export async function postgresSnapshot(pool: PgPool, pid: number | null): Promise<PgSnapshot> {
  const rows = await pgQuery<Record<string, string>>(
    pool,
    `SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted,
            blks_hit, blks_read
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  const r = rows[0] ?? {};
  const n = (k: string): number => Number(r[k] ?? 0);
  return {
    xactCommit: n('xact_commit'),
    xactRollback: n('xact_rollback'),
    tupReturned: n('tup_returned'),
    tupFetched: n('tup_fetched'),
    tupInserted: n('tup_inserted'),
    tupUpdated: n('tup_updated'),
    tupDeleted: n('tup_deleted'),
    blksHit: n('blks_hit'),
    blksRead: n('blks_read'),
    cpuSeconds: pid === null ? null : processTreeCpuSeconds(pid),
  };
}

export function postgresDelta(
  node: { name: string; role: string; shards: string },
  a: PgSnapshot,
  b: PgSnapshot,
): PostgresNodeStats {
  return {
    node: node.name,
    role: node.role,
    shards: node.shards,
    xactCommit: b.xactCommit - a.xactCommit,
    xactRollback: b.xactRollback - a.xactRollback,
    tupReturned: b.tupReturned - a.tupReturned,
    tupFetched: b.tupFetched - a.tupFetched,
    tupInserted: b.tupInserted - a.tupInserted,
    tupUpdated: b.tupUpdated - a.tupUpdated,
    tupDeleted: b.tupDeleted - a.tupDeleted,
    blksHit: b.blksHit - a.blksHit,
    blksRead: b.blksRead - a.blksRead,
    cpuSeconds: a.cpuSeconds !== null && b.cpuSeconds !== null ? b.cpuSeconds - a.cpuSeconds : null,
    replicaLagBytes: null,
    replicaLagSeconds: null,
  };
}
