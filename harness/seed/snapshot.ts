import { spawnSync } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pgExec, createPgPool } from '../../app/adapters/postgres.ts';
import { createRedis } from '../../app/adapters/redis.ts';
import { StackError } from '../errors.ts';
import { resolveBinaries, unprivilegedUser } from '../stack/binaries.ts';
import { PG_USER } from '../stack/local.ts';
import { primaries } from '../stack/topology.ts';
import { nodeByRole, type RestoreFrom, type Stack } from '../stack/types.ts';
import type { Manifest } from './dataset.ts';

/**
 * Snapshots of a seeded stack: each primary's data directory (an online pg_basebackup) and Redis'
 * RDB, kept under a key of profile, seed and topology, so that a later run starts from them
 * instead of seeding again. A snapshot is made in a `.partial-*` folder and renamed into place
 * only when complete (with its snapshot.json written last), so an interrupted one is never used.
 */

/** Bump when the schema, the generator or the loader changes what a profile and seed produce (4: vacuumed; 5: next_id's lock cannot leak; 6: outbox tables). */
export const SEED_FORMAT = 6;

/** Where snapshots are kept unless said otherwise (relative to the working directory). */
export const DEFAULT_SNAPSHOTS = '.tierbench/snapshots';

export interface SnapshotKey {
  profile: string;
  seed: number;
  logicalShards: number;
  /** PostgreSQL primaries the shards are spread over. */
  nodes: number;
}

export const keyName = (k: SnapshotKey): string => `${k.profile}-seed${k.seed}-L${k.logicalShards}-P${k.nodes}-f${SEED_FORMAT}`;

export interface SnapshotInfo {
  key: string;
  createdAt: string;
  digest: string;
  seedSeconds: number;
  saveSeconds: number;
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Runs the backup's recovery once, here, and shuts it down cleanly: a restored copy then starts
 * without crash recovery (which would first fsync every file of the data directory).
 */
function settle(pgBinDir: string, data: string, user: { uid: number; gid: number } | null): void {
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const ctl = (args: string[]) => spawnSync(join(pgBinDir, 'pg_ctl'), ['-D', data, ...args], { encoding: 'utf8', ...as, env: { ...process.env, LC_ALL: 'C' } });
  const opts = `-c listen_addresses='' -c unix_socket_directories='${data}' -c port=5432 -c logging_collector=off`;
  const started = ctl(['start', '-w', '-t', '600', '-l', join(data, 'settle.log'), '-o', opts]);
  if (started.status !== 0) throw new StackError(`could not settle the snapshot's data directory: ${started.stderr.trim() || started.stdout.trim()}`);
  const stopped = ctl(['stop', '-w', '-m', 'fast']);
  if (stopped.status !== 0) throw new StackError(`could not stop the snapshot's settling server: ${stopped.stderr.trim()}`);
  rmSync(join(data, 'settle.log'), { force: true });
}

export class SnapshotStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** The snapshot for a key, when a complete one exists. Removes leftovers of interrupted saves first. */
  find(key: SnapshotKey): { restore: RestoreFrom; info: SnapshotInfo } | null {
    if (!existsSync(this.dir)) return null;
    this.sweep();
    const dir = join(this.dir, keyName(key));
    const infoFile = join(dir, 'snapshot.json');
    if (!existsSync(infoFile)) return null;
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as SnapshotInfo;
    return { info, restore: { primaries: Array.from({ length: key.nodes }, (_, i) => join(dir, `pg-${i}`)), redisRdb: join(dir, 'redis.rdb') } };
  }

  /** Removes `.partial-*` and `.old-*` folders whose process is gone (a killed save). */
  sweep(): void {
    for (const name of readdirSync(this.dir)) {
      const m = /^\.(?:partial|old)-.*-(\d+)$/.exec(name);
      if (m && !pidAlive(Number(m[1]))) rmSync(join(this.dir, name), { recursive: true, force: true });
    }
  }

  /**
   * Saves a freshly seeded local stack: pg_basebackup of every primary and Redis' RDB into a partial
   * folder, then one rename. `signal` aborting (Ctrl-C) removes the partial folder.
   */
  async save(key: SnapshotKey, stack: Stack, manifest: Manifest, log: (line: string) => void): Promise<SnapshotInfo> {
    const started = performance.now();
    mkdirSync(this.dir, { recursive: true });
    const name = keyName(key);
    const partial = join(this.dir, `.partial-${name}-${process.pid}`);
    // PostgreSQL's user may not reach the snapshot folder (it may sit in a private home or
    // checkout): backups are made and settled in the stack's run folder, which it can reach,
    // then moved (the run folder goes away with the stack, also after Ctrl-C).
    const staging = join(stack.runDir, `snapshot-staging-${process.pid}`);
    const user = unprivilegedUser();
    mkdirSync(partial, { mode: 0o755 });
    mkdirSync(staging, { mode: 0o755 });
    if (user) chownSync(staging, user.uid, user.gid);
    try {
      const bin = resolveBinaries(log);
      const pgs = primaries(stack);
      for (const [i, node] of pgs.entries()) {
        const pool = createPgPool(node.url, 1, 'tierbench-snapshot');
        try {
          await pgExec(pool, 'CHECKPOINT');
        } finally {
          await pool.end();
        }
        const target = join(staging, `pg-${i}`);
        const r = spawnSync(
          join(bin.pgBinDir, 'pg_basebackup'),
          ['-D', target, '-h', node.host, '-p', String(node.port), '-U', PG_USER, '-X', 'stream', '-c', 'fast', '--no-sync', '--no-manifest'],
          { encoding: 'utf8', cwd: staging, ...(user ? { uid: user.uid, gid: user.gid } : {}) },
        );
        if (r.status !== 0) throw new StackError(`pg_basebackup of ${node.name} for the snapshot failed: ${r.stderr.trim().split('\n').pop()}`);
        settle(bin.pgBinDir, target, user);
        const moved = spawnSync('mv', [target, join(partial, `pg-${i}`)], { encoding: 'utf8' });
        if (moved.status !== 0) throw new StackError(`could not move the backup of ${node.name} into ${partial}: ${moved.stderr.trim()}`);
      }
      const redis = createRedis(nodeByRole(stack, 'redis').url);
      try {
        await redis.save();
        const [, dir] = (await redis.config('GET', 'dir')) as [string, string];
        const [, file] = (await redis.config('GET', 'dbfilename')) as [string, string];
        copyFileSync(join(dir, file), join(partial, 'redis.rdb'));
      } finally {
        redis.disconnect();
      }
      const info: SnapshotInfo = { key: name, createdAt: new Date().toISOString(), digest: manifest.digest, seedSeconds: manifest.seedSeconds, saveSeconds: Math.round(performance.now() - started) / 1000 };
      writeFileSync(join(partial, 'snapshot.json'), JSON.stringify(info, null, 2) + '\n');
      const final = join(this.dir, name);
      const old = join(this.dir, `.old-${name}-${process.pid}`);
      if (existsSync(final)) renameSync(final, old);
      renameSync(partial, final);
      rmSync(old, { recursive: true, force: true });
      return info;
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      throw err;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
}
