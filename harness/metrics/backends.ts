import { mcStats, type MemcachedClient } from '../../app/adapters/memcached.ts';
import { pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { redisInfo, type RedisClient } from '../../app/adapters/redis.ts';
import type { BackendSecond, MemcachedDelta, PostgresNodeStats, RedisDelta } from '../results/types.ts';
import { cgroupCpuNs } from '../stack/capacity.ts';
import { processTreeCpuSeconds } from './proc-cpu.ts';
import { HARNESS_MARK, statementCounts, type StatementCounts } from './statements.ts';

/** Each backend's own counters at one moment; a trial reports their changes over its window. */

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

/**
 * The change of a cumulative counter between two readings. A counter that went down was reset:
 * its server restarted in between (a fault scenario), and the later reading counts since then.
 */
export const counterDelta = (a: number, b: number): number => (b >= a ? b - a : b);

/** Consecutive readable samples of one backend (a sample it missed, its node down, is skipped). */
export function readablePairs<T>(xs: ReadonlyArray<T | null | undefined>): Array<[T, T]> {
  const present = xs.filter((x): x is T => x !== null && x !== undefined);
  return present.slice(1).map((b, i) => [present[i]!, b]);
}

export function memcachedDelta(a: MemcachedSnapshot, b: MemcachedSnapshot): MemcachedDelta {
  const getHits = counterDelta(a.getHits, b.getHits);
  const getMisses = counterDelta(a.getMisses, b.getMisses);
  return {
    getHits,
    getMisses,
    hitRate: hitRate(getHits, getMisses),
    sets: counterDelta(a.sets, b.sets),
    deletes: counterDelta(a.deletes, b.deletes),
    evictions: counterDelta(a.evictions, b.evictions),
    currItemsAtEnd: b.currItems,
  };
}

/** Over the window: the changes between consecutive readable samples, added up (restarts counted across). */
export function memcachedWindowDelta(snaps: ReadonlyArray<MemcachedSnapshot | null>): MemcachedDelta | null {
  const parts = readablePairs(snaps).map(([a, b]) => memcachedDelta(a, b));
  if (parts.length === 0) return null;
  const sum = (k: 'getHits' | 'getMisses' | 'sets' | 'deletes' | 'evictions') => parts.reduce((n, d) => n + d[k], 0);
  return { getHits: sum('getHits'), getMisses: sum('getMisses'), hitRate: hitRate(sum('getHits'), sum('getMisses')), sets: sum('sets'), deletes: sum('deletes'), evictions: sum('evictions'), currItemsAtEnd: parts.at(-1)!.currItemsAtEnd };
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
    // INFO itself is a command; leave the later snapshot's own out.
    commandsProcessed: Math.max(0, counterDelta(a.commands, b.commands) - 1),
    keyspaceHits: counterDelta(a.hits, b.hits),
    keyspaceMisses: counterDelta(a.misses, b.misses),
    usedMemoryBytesAtEnd: b.usedMemory,
  };
}

export function redisWindowDelta(snaps: ReadonlyArray<RedisSnapshot | null>): RedisDelta | null {
  const parts = readablePairs(snaps).map(([a, b]) => redisDelta(a, b));
  if (parts.length === 0) return null;
  const sum = (k: 'commandsProcessed' | 'keyspaceHits' | 'keyspaceMisses') => parts.reduce((n, d) => n + d[k], 0);
  return { commandsProcessed: sum('commandsProcessed'), keyspaceHits: sum('keyspaceHits'), keyspaceMisses: sum('keyspaceMisses'), usedMemoryBytesAtEnd: parts.at(-1)!.usedMemoryBytesAtEnd };
}

/** Statement counts (StatementCounts) come from pg_stat_statements: exact, immediate; null where it is not loaded. */
export interface PgSnapshot extends StatementCounts {
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
  cpuSource: 'cgroup' | 'proc' | null;
}

/** Where a node's CPU time can be read: its cpuacct cgroup (exact) or its process tree in /proc. */
export interface CpuSource {
  cpuacctDir?: string | null;
  pid: number | null;
}

export function nodeCpu(src: CpuSource): { cpuSeconds: number | null; cpuSource: PgSnapshot['cpuSource'] } {
  const ns = src.cpuacctDir ? cgroupCpuNs(src.cpuacctDir) : null;
  if (ns !== null) return { cpuSeconds: ns / 1e9, cpuSource: 'cgroup' };
  const proc = src.pid === null ? null : processTreeCpuSeconds(src.pid);
  return { cpuSeconds: proc, cpuSource: proc === null ? null : 'proc' };
}

export async function postgresSnapshot(pool: PgPool, cpu: CpuSource): Promise<PgSnapshot> {
  const [rows, statements] = await Promise.all([
    pgQuery<Record<string, string>>(
      pool,
      `${HARNESS_MARK} SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted,
              blks_hit, blks_read
         FROM pg_stat_database WHERE datname = current_database()`,
    ),
    statementCounts(pool),
  ]);
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
    ...statements,
    ...nodeCpu(cpu),
  };
}

const diff = (a: number | null, b: number | null): number | null => (a !== null && b !== null ? counterDelta(a, b) : null);

export function postgresDelta(node: { name: string; role: string; shards: string; cpuQuota?: number | null }, a: PgSnapshot, b: PgSnapshot): PostgresNodeStats {
  return {
    node: node.name,
    role: node.role,
    shards: node.shards,
    xactCommit: counterDelta(a.xactCommit, b.xactCommit),
    xactRollback: counterDelta(a.xactRollback, b.xactRollback),
    tupReturned: counterDelta(a.tupReturned, b.tupReturned),
    tupFetched: counterDelta(a.tupFetched, b.tupFetched),
    tupInserted: counterDelta(a.tupInserted, b.tupInserted),
    tupUpdated: counterDelta(a.tupUpdated, b.tupUpdated),
    tupDeleted: counterDelta(a.tupDeleted, b.tupDeleted),
    blksHit: counterDelta(a.blksHit, b.blksHit),
    blksRead: counterDelta(a.blksRead, b.blksRead),
    queries: diff(a.queries, b.queries),
    writes: diff(a.writes, b.writes),
    cpuSeconds: diff(a.cpuSeconds, b.cpuSeconds),
    cpuSource: a.cpuSource === b.cpuSource ? a.cpuSource : null,
    cpuQuota: node.cpuQuota ?? null,
    replicaLagBytes: null,
    replicaLagSeconds: null,
  };
}

const NUMERIC_PG = ['xactCommit', 'xactRollback', 'tupReturned', 'tupFetched', 'tupInserted', 'tupUpdated', 'tupDeleted', 'blksHit', 'blksRead'] as const;

/** A node over the window: its changes between consecutive readable samples, added up; null if it was never read twice. */
export function postgresWindowDelta(node: { name: string; role: string; shards: string; cpuQuota?: number | null }, snaps: ReadonlyArray<PgSnapshot | null | undefined>): PostgresNodeStats | null {
  const parts = readablePairs(snaps).map(([a, b]) => postgresDelta(node, a, b));
  if (parts.length === 0) return null;
  const out = { ...parts[0]! };
  for (const d of parts.slice(1)) {
    for (const k of NUMERIC_PG) out[k] += d[k];
    const add = (x: number | null | undefined, y: number | null | undefined) => (x === null || x === undefined || y === null || y === undefined ? null : x + y);
    out.queries = add(out.queries, d.queries);
    out.writes = add(out.writes, d.writes);
    out.cpuSeconds = add(out.cpuSeconds, d.cpuSeconds);
    if (out.cpuSource !== d.cpuSource) out.cpuSource = null;
  }
  return out;
}

/** Everything the sampler read at one moment; a part that could not be read is null. */
export interface BackendSample {
  atUs: number;
  memcached: MemcachedSnapshot | null;
  redis: RedisSnapshot | null;
  /** By PostgreSQL node, in the sampler's node order. */
  postgres: Array<PgSnapshot | null>;
  /** By replica, in the sampler's replica order; a replica that could not be read is null. */
  lag: Array<{ bytes: number; seconds: number | null } | null> | null;
  queue: { waiting: number; active: number } | null;
}

/** Per-second changes between consecutive samples (second k: sample k to sample k + 1). */
export function backendSeries(samples: readonly BackendSample[], nodeNames: readonly string[], replicaOffset: number): BackendSecond[] {
  const out: BackendSecond[] = [];
  for (let k = 0; k + 1 < samples.length; k++) {
    const a = samples[k]!;
    const b = samples[k + 1]!;
    const postgres: BackendSecond['postgres'] = {};
    nodeNames.forEach((name, i) => {
      const pa = a.postgres[i];
      const pb = b.postgres[i];
      const lag = i >= replicaOffset ? b.lag?.[i - replicaOffset] : undefined;
      if (!pa || !pb) return;
      postgres[name] = {
        commits: counterDelta(pa.xactCommit, pb.xactCommit),
        rows: counterDelta(pa.tupReturned + pa.tupFetched + pa.tupInserted + pa.tupUpdated + pa.tupDeleted, pb.tupReturned + pb.tupFetched + pb.tupInserted + pb.tupUpdated + pb.tupDeleted),
        blksHit: counterDelta(pa.blksHit, pb.blksHit),
        blksRead: counterDelta(pa.blksRead, pb.blksRead),
        queries: diff(pa.queries, pb.queries),
        writes: diff(pa.writes, pb.writes),
        cpuSeconds: diff(pa.cpuSeconds, pb.cpuSeconds),
        replicaLagBytes: lag?.bytes ?? null,
        replicaLagSeconds: lag?.seconds ?? null,
      };
    });
    out.push({
      second: k,
      memcached:
        a.memcached && b.memcached
          ? (({ getHits, getMisses, evictions, hitRate }) => ({ getHits, getMisses, evictions, hitRate }))(memcachedDelta(a.memcached, b.memcached))
          : null,
      redis: a.redis && b.redis ? (({ commandsProcessed, keyspaceHits, keyspaceMisses, usedMemoryBytesAtEnd }) => ({ commands: commandsProcessed, keyspaceHits, keyspaceMisses, usedMemoryBytes: usedMemoryBytesAtEnd }))(redisDelta(a.redis, b.redis)) : null,
      postgres,
      queue: b.queue,
    });
  }
  return out;
}

/** Writes per logical shard over the window, summed over nodes (skew). */
export function shardWrites(first: BackendSample, last: BackendSample): Record<string, number> {
  const out: Record<string, number> = {};
  last.postgres.forEach((b, i) => {
    const a = first.postgres[i];
    if (!a || !b) return;
    for (const [shard, n] of Object.entries(b.shardWrites)) {
      const d = counterDelta(a.shardWrites[shard] ?? 0, n);
      if (d > 0) out[shard] = (out[shard] ?? 0) + d;
    }
  });
  return out;
}
