import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { capacityUnavailable, createCapacityGroup, describeCapacity, type CapacityGroup, type CapacityModel, type NodeCapacity } from './capacity.ts';
import { mcPing } from '../../app/adapters/memcached.ts';
import { pgPing } from '../../app/adapters/postgres.ts';
import { redisPing } from '../../app/adapters/redis.ts';
import { readRedisPersistence, type RedisAof } from './redis-persistence.ts';
import { StackError } from '../errors.ts';
import { resolveBinaries, unprivilegedUser, versionOf, type Binaries } from './binaries.ts';
import { freePort } from './ports.ts';
import { stopProcess, Supervisor, type Supervised } from './supervisor.ts';
import { pgNodesFor, replicaCountFor } from './topology.ts';
import { DEFAULT_PG_SHARDS, type NodeControl, type NodeRole, type Stack, type StackNode, type StackProvider, type StackRequest } from './types.ts';
import { waitUntilReady } from './wait.ts';
import { createPgPool } from '../../app/adapters/postgres.ts';
import { enableStatementStats, STATEMENT_STATS_SETTINGS } from '../metrics/statements.ts';

const execFileAsync = promisify(execFile);

export const PG_USER = 'tierbench';
export const PG_DATABASE = 'tierbench';

/** PostgreSQL settings for a benchmark node (durability stays on: writes are measured honestly). */
const PG_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  max_connections: '200',
  shared_buffers: '256MB',
  work_mem: '8MB',
  maintenance_work_mem: '256MB',
  max_wal_size: '4GB',
  checkpoint_timeout: '15min',
  wal_level: 'replica',
  // A replica that was down for a while (a fault scenario kills one) catches up from the primary's
  // WAL; without a slot the primary keeps this much of it for such a replica.
  wal_keep_size: '512MB',
  track_io_timing: 'on',
  logging_collector: 'off',
  // Exact per-node query counts for samplers and tests (harness/metrics/statements.ts).
  ...STATEMENT_STATS_SETTINGS,
};

/** A primary's database gets pg_stat_statements (its replicas inherit it through WAL). */
async function withStatementStats(node: StackNode): Promise<StackNode> {
  const pool = createPgPool(node.url, 1, 'tierbench-setup');
  try {
    await enableStatementStats(pool);
  } finally {
    await pool.end();
  }
  return node;
}

/** A node's process as the provider started it, so that a fault scenario can stop and start it again. */
interface Managed {
  node: StackNode;
  proc: Supervised;
  /** Starts the node's process again, as it first ran (same data, port, capacity group). */
  spawn(): Supervised;
  ready(): Promise<boolean>;
  /** Before a stop or a kill: notes what a restart must repeat (Redis' persistence as set at run time). */
  beforeStop?(): Promise<void>;
}

type Registry = Map<string, Managed>;

/** PostgreSQL runs as another user when we are root: it must be able to reach the run directory. */
function checkReachable(dir: string, user: { uid: number; gid: number; name: string } | null): void {
  if (!user) return;
  const probe = spawnSync('test', ['-x', dir], { uid: user.uid, gid: user.gid });
  if (probe.status !== 0)
    throw new StackError(
      `PostgreSQL runs as user "${user.name}" (it refuses root) and cannot reach ${dir}; ` +
        'set TMPDIR to a folder every user can traverse (e.g. /tmp)',
    );
}

interface PgDir {
  dir: string;
  data: string;
  asUser: { uid?: number; gid?: number };
  env: NodeJS.ProcessEnv;
}

function pgDir(sup: Supervisor, name: string): PgDir {
  const user = unprivilegedUser();
  checkReachable(sup.runDir, user);
  const dir = join(sup.runDir, name);
  mkdirSync(dir, { mode: 0o700 });
  if (user) chownSync(dir, user.uid, user.gid);
  return { dir, data: join(dir, 'data'), asUser: user ? { uid: user.uid, gid: user.gid } : {}, env: { ...process.env, HOME: dir, LC_ALL: 'C' } };
}

/** Runs postgres on a data directory (inside its capacity group, if any) and waits until it answers. */
async function runPostgres(sup: Supervisor, bin: Binaries, name: string, role: NodeRole, d: PgDir, cap: NodeCapacity | null, groups: CapacityGroup[], reg: Registry): Promise<StackNode> {
  const port = await freePort();
  const settings = { ...PG_SETTINGS, port: String(port), unix_socket_directories: d.dir };
  const args = ['-D', d.data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  let cmd = { command: join(bin.pgBinDir, 'postgres'), args };
  let group: CapacityGroup | null = null;
  if (cap) {
    const g = (group = createCapacityGroup(sup.runDir, `${basename(sup.runDir)}-${name}`, cap, unprivilegedUser()));
    sup.onStopped(() => g.remove());
    groups.push(g);
    cmd = g.wrap(cmd.command, cmd.args);
  }
  const spawn = () => sup.spawn(name, cmd.command, cmd.args, { ...d.asUser, env: d.env, cwd: d.dir, stopSignal: 'SIGINT' });
  const ready = () => pgPing(`postgres://${PG_USER}@127.0.0.1:${port}/postgres`);
  const proc = spawn();
  await waitUntilReady(proc, ready);
  const node: StackNode = {
    name,
    role,
    host: '127.0.0.1',
    port,
    url: `postgres://${PG_USER}@127.0.0.1:${port}/${PG_DATABASE}`,
    pid: proc.pid,
    version: versionOf(join(bin.pgBinDir, 'postgres'), ['--version']),
    cpuacctDir: group?.cpuacctDir ?? null,
    cpuQuota: cap && cap.cpus > 0 ? cap.cpus : null,
  };
  reg.set(name, { node, proc, spawn, ready });
  return node;
}

/** A node from a snapshot's data directory: copied (it is written to as the node runs), then started; its recovery replays the backup's WAL. */
async function restorePostgres(sup: Supervisor, bin: Binaries, name: string, role: NodeRole, cap: NodeCapacity | null, groups: CapacityGroup[], reg: Registry, from: string): Promise<StackNode> {
  const d = pgDir(sup, name);
  await execFileAsync('cp', ['-a', from, d.data]).catch((err: { stderr?: string; message: string }) => {
    throw new StackError(`could not copy the snapshot's data for ${name}: ${(err.stderr ?? err.message).trim()}`);
  });
  return withStatementStats(await runPostgres(sup, bin, name, role, d, cap, groups, reg));
}

async function startPostgres(sup: Supervisor, bin: Binaries, name: string, role: NodeRole, cap: NodeCapacity | null, groups: CapacityGroup[], reg: Registry): Promise<StackNode> {
  const d = pgDir(sup, name);
  const init = spawnSync(join(bin.pgBinDir, 'initdb'), ['-D', d.data, '-U', PG_USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
    ...d.asUser,
    env: d.env,
    encoding: 'utf8',
    cwd: d.dir,
  });
  if (init.status !== 0) throw new StackError(`initdb failed for ${name}: ${init.stderr.trim().split('\n').pop()}`);
  const node = await runPostgres(sup, bin, name, role, d, cap, groups, reg);
  const created = spawnSync(join(bin.pgBinDir, 'createdb'), ['-h', '127.0.0.1', '-p', String(node.port), '-U', PG_USER, PG_DATABASE], { encoding: 'utf8' });
  if (created.status !== 0) throw new StackError(`createdb failed on ${name}: ${created.stderr.trim()}`);
  return withStatementStats(node);
}

/** A streaming replica of a primary: pg_basebackup (with -R: standby.signal and primary_conninfo), then postgres. */
async function startReplica(sup: Supervisor, bin: Binaries, name: string, primary: StackNode, cap: NodeCapacity | null, groups: CapacityGroup[], reg: Registry): Promise<StackNode> {
  const d = pgDir(sup, name);
  const backup = spawnSync(
    join(bin.pgBinDir, 'pg_basebackup'),
    ['-D', d.data, '-h', '127.0.0.1', '-p', String(primary.port), '-U', PG_USER, '-X', 'stream', '-R', '-c', 'fast', '--no-sync'],
    { ...d.asUser, env: d.env, encoding: 'utf8', cwd: d.dir },
  );
  if (backup.status !== 0) throw new StackError(`pg_basebackup failed for ${name}: ${backup.stderr.trim().split('\n').pop()}`);
  return runPostgres(sup, bin, name, 'pg-replica', d, cap, groups, reg);
}

async function startRedis(sup: Supervisor, bin: Binaries, reg: Registry, rdb?: string): Promise<StackNode> {
  const port = await freePort();
  const dir = join(sup.runDir, 'redis');
  mkdirSync(dir);
  // Redis loads dump.rdb from its dir at start (and only writes one when asked to SAVE).
  if (rdb) copyFileSync(rdb, join(dir, 'dump.rdb'));
  // Started without persistence so that loading a dataset is not slowed by it; the launcher turns
  // the append-only file on once the data is in (redis-persistence.ts), and a restart repeats what
  // the server ran with when it was stopped.
  const base = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--protected-mode', 'no'];
  let persistence = ['--appendonly', 'no'];
  const url = `redis://127.0.0.1:${port}`;
  const spawn = () => sup.spawn('redis', bin.redisServer, [...base, ...persistence]);
  const proc = spawn();
  // With a snapshot's RDB, answering LOADING is enough: clients (ioredis' ready check) wait for
  // the load to end while the rest of the stack starts and PostgreSQL is read.
  await waitUntilReady(proc, () => redisPing(url, rdb !== undefined));
  const node: StackNode = { name: 'redis', role: 'redis', host: '127.0.0.1', port, url, pid: proc.pid, version: versionOf(bin.redisServer, ['--version']) };
  reg.set('redis', {
    node,
    proc,
    spawn,
    // Started again, it answers only once its data is loaded: that is when it serves.
    ready: () => redisPing(url),
    async beforeStop() {
      let aof: RedisAof;
      try {
        aof = await readRedisPersistence(url);
      } catch {
        return; // not answering: restarted as it was last started
      }
      persistence = aof.appendonly ? ['--appendonly', 'yes', '--appendfsync', aof.appendfsync] : ['--appendonly', 'no'];
      // Without persistence a restart starts empty (not from the snapshot the stack began with).
      if (!aof.appendonly) rmSync(join(dir, 'dump.rdb'), { force: true });
    },
  });
  return node;
}

async function startMemcached(sup: Supervisor, bin: Binaries, reg: Registry): Promise<StackNode> {
  const port = await freePort();
  const user = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '512', '-c', '4096', ...user];
  const spawn = () => sup.spawn('memcached', bin.memcached, args);
  const proc = spawn();
  const url = `127.0.0.1:${port}`;
  const ready = () => mcPing(url);
  await waitUntilReady(proc, ready);
  const node: StackNode = { name: 'memcached', role: 'memcached', host: '127.0.0.1', port, url, pid: proc.pid, version: versionOf(bin.memcached, ['-V']) };
  reg.set('memcached', { node, proc, spawn, ready });
  return node;
}

/** True once no process of the group (a node's process and its children) is left. */
function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function waitGroupGone(m: Managed, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!groupGone(m.proc.pid)) {
    if (Date.now() > deadline) throw new StackError(`${m.node.name}: processes of its group still running ${timeoutMs / 1000}s after it stopped`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops and starts the local provider's nodes by their processes, on the same data and port. */
function localControl(reg: Registry): NodeControl {
  const get = (name: string): Managed => {
    const m = reg.get(name);
    if (!m) throw new StackError(`no node "${name}" in this stack; it has ${[...reg.keys()].join(', ')}`);
    return m;
  };
  const running = (m: Managed, doing: string): void => {
    if (m.proc.gone) throw new StackError(`cannot ${doing} ${m.node.name}: it is not running`);
  };
  return {
    get nodes() {
      return [...reg.keys()];
    },
    async stop(name) {
      const m = get(name);
      running(m, 'stop');
      await m.beforeStop?.();
      await stopProcess(m.proc, 60_000);
      await waitGroupGone(m);
    },
    async kill(name) {
      const m = get(name);
      running(m, 'kill');
      await m.beforeStop?.();
      // The node runs in a process group of its own (spawned detached): its children go with it.
      try {
        process.kill(-m.proc.pid, 'SIGKILL');
      } catch {
        /* gone already */
      }
      await m.proc.exited;
      await waitGroupGone(m);
    },
    async start(name) {
      const m = get(name);
      if (!m.proc.gone) throw new StackError(`cannot start ${name}: it is running`);
      m.proc = m.spawn();
      m.node.pid = m.proc.pid;
      await waitUntilReady(m.proc, m.ready, 180_000);
    },
  };
}

/** Child processes from this machine's binaries, on 127.0.0.1, in a run directory of their own. */
export const localProvider: StackProvider = {
  name: 'local',
  async up(request: StackRequest): Promise<Stack> {
    const pgNodes = pgNodesFor(request.tier, request.pgShards ?? DEFAULT_PG_SHARDS);
    const wanted = request.capacity && (request.capacity.cpus > 0 || request.capacity.memoryBytes > 0) ? request.capacity : null;
    const unavailable = wanted ? capacityUnavailable() : null;
    const cap = wanted && !unavailable ? wanted : null;
    const capacity: CapacityModel = cap
      ? { applied: true, description: describeCapacity(cap), perNode: cap }
      : { applied: false, description: `unconstrained: ${unavailable ?? 'no limits asked for'}; every node shares all cores and memory of this machine` };
    if (wanted && unavailable) request.log(`capacity limits not applied (${unavailable}): nodes run unconstrained`);
    const bin = resolveBinaries(request.log);
    const runDir = mkdtempSync(join(request.baseDir ?? tmpdir(), 'tierbench-stack-'));
    chmodSync(runDir, 0o755);
    let sup: Supervisor;
    try {
      sup = new Supervisor(runDir, request.persistent ?? false);
    } catch (err) {
      rmSync(runDir, { recursive: true, force: true });
      throw err;
    }
    try {
      request.log(`starting ${pgNodes.length === 1 ? 'postgres' : `${pgNodes.length} postgres nodes`}, redis and memcached on 127.0.0.1...`);
      const groups: CapacityGroup[] = [];
      const reg: Registry = new Map();
      const from = request.restore;
      if (from && from.primaries.length !== pgNodes.length) throw new StackError(`the snapshot has ${from.primaries.length} primaries, the tier needs ${pgNodes.length}`);
      // Redis first: loading a snapshot's RDB is the longest part of a restore, and copying the
      // PostgreSQL data below blocks this process meanwhile.
      const redis = startRedis(sup, bin, reg, from?.redisRdb);
      const memcached = startMemcached(sup, bin, reg);
      const pgs = pgNodes.map((n, i) => (from ? restorePostgres(sup, bin, n.name, n.role, cap, groups, reg, from.primaries[i]!) : startPostgres(sup, bin, n.name, n.role, cap, groups, reg)));
      const nodes = await Promise.all([...pgs, redis, memcached]);
      const replicas = replicaCountFor(request.tier, request.replicas);
      if (replicas > 0) {
        request.log(`starting ${replicas} streaming replica${replicas > 1 ? 's' : ''} (pg_basebackup)...`);
        const primary = nodes.find((n) => n.role === 'pg-primary')!;
        for (let i = 1; i <= replicas; i++) nodes.push(await startReplica(sup, bin, `pg-replica-${i}`, primary, cap, groups, reg));
      }
      const withCpuUnlimited = async <T,>(work: () => Promise<T>): Promise<T> => {
        for (const g of groups) g.liftCpu(true);
        try {
          return await work();
        } finally {
          for (const g of groups) g.liftCpu(false);
        }
      };
      // A kept stack (bench stack up) outlives this process: whoever attaches to it cannot restart its nodes.
      const control = request.persistent ? {} : { control: localControl(reg) };
      return { provider: 'local', tier: request.tier, nodes, runDir, owned: true, capacity, withCpuUnlimited, ...control, down: () => sup.stopAll() };
    } catch (err) {
      await sup.stopAll();
      throw err;
    }
  },
};
