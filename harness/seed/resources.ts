import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StackError } from '../errors.ts';
import type { Profile } from './profiles.ts';

/**
 * Disk and memory a profile needs, checked before loading starts so that a profile too big for
 * the machine fails in a second with the numbers rather than after an hour with ENOSPC. The
 * per-row figures were measured on `small` (see the README); estimates round up.
 */

/** PostgreSQL bytes per stored row, tables and indexes (small: 1.0 GB for 9.4M rows, rounded up). */
const PG_BYTES_PER_ROW = 130;
/** Seeder memory per row kept in typed arrays and id strings while loading. */
const SEEDER_BYTES_PER_ROW = 40;
/** Redis bytes per home-feed entry, plus per user (session, counters). */
const REDIS_BYTES_PER_FEED_ENTRY = 32;
const REDIS_BYTES_PER_USER = 400;
const FEED_ENTRIES_PER_USER = 100;

export interface Needs {
  /** Bytes of disk: every PostgreSQL node's data and WAL, the snapshot copy. */
  diskBytes: number;
  memoryBytes: number;
  detail: string;
}

export function estimateRows(p: Profile): number {
  return p.users * 2 + p.photos + p.users * p.followingMean * 2 + p.likes + p.comments;
}

export function estimateNeeds(p: Profile, primaries: number, replicas: number, snapshot = true): Needs {
  const rows = estimateRows(p);
  const pg = rows * PG_BYTES_PER_ROW;
  const redis = p.users * (REDIS_BYTES_PER_USER + FEED_ENTRIES_PER_USER * REDIS_BYTES_PER_FEED_ENTRY);
  // Data on the primaries and each replica, WAL up to its size while loading, and the snapshot.
  const diskBytes = pg * (1 + replicas) + Math.min(pg, 4 * 2 ** 30 * primaries) + (snapshot ? pg + redis : 0);
  const memoryBytes = rows * SEEDER_BYTES_PER_ROW + redis * 2;
  return { diskBytes, memoryBytes, detail: `${p.name}: ~${(rows / 1e6).toFixed(1)}M rows` };
}

const gib = (b: number): string => `${(b / 2 ** 30).toFixed(1)} GiB`;

/** Free bytes on the filesystem holding `path` (or its nearest existing parent). */
export function freeDiskBytes(path: string): number {
  // Tests pretend a small disk through this (the only way to see the refusal without filling one).
  const pretend = Number(process.env.TIERBENCH_FREE_DISK_BYTES);
  if (pretend > 0) return pretend;
  let p = resolve(path);
  while (!existsSync(p)) p = dirname(p);
  const s = statfsSync(p);
  return s.bavail * s.bsize;
}

/** MemAvailable from /proc/meminfo (what can be used without swapping). */
export function availableMemoryBytes(): number {
  const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.POSITIVE_INFINITY;
}

/** Throws a StackError naming what is short, by how much, when the machine cannot hold the profile. */
export function checkResources(
  needs: Needs,
  dirs: readonly string[],
  log: (line: string) => void,
  available = { disk: dirs.length ? Math.min(...dirs.map(freeDiskBytes)) : Number.POSITIVE_INFINITY, memory: availableMemoryBytes() },
): void {
  const short: string[] = [];
  if (needs.diskBytes > available.disk) short.push(`disk: needs ~${gib(needs.diskBytes)}, ${gib(available.disk)} free under ${dirs.join(' and ')}`);
  if (needs.memoryBytes > available.memory) short.push(`memory: needs ~${gib(needs.memoryBytes)}, ${gib(available.memory)} available`);
  if (short.length) throw new StackError(`not enough room for ${needs.detail} (${short.join('; ')}); pick a smaller --profile or free some space`);
  const disk = dirs.length ? `~${gib(needs.diskBytes)} disk (${gib(available.disk)} free), ` : '';
  log(`room for ${needs.detail}: ${disk}~${gib(needs.memoryBytes)} memory (${gib(available.memory)} available)`);
}
