import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mcPing } from '../../app/adapters/memcached.ts';
import { pgPing } from '../../app/adapters/postgres.ts';
import { redisPing } from '../../app/adapters/redis.ts';
import { StackError } from '../errors.ts';
import { resolveBinaries, unprivilegedUser, versionOf, type Binaries } from './binaries.ts';
import { freePort } from './ports.ts';
import { Supervisor } from './supervisor.ts';
import { pgNodesFor } from './topology.ts';
import { DEFAULT_PG_SHARDS, type NodeRole, type Stack, type StackNode, type StackProvider, type StackRequest } from './types.ts';
import { waitUntilReady } from './wait.ts';

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
  track_io_timing: 'on',
  logging_collector: 'off',
};

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

async function startPostgres(sup: Supervisor, bin: Binaries, name: string, role: NodeRole): Promise<StackNode> {
  const user = unprivilegedUser();
  checkReachable(sup.runDir, user);
  const dir = join(sup.runDir, name);
  const data = join(dir, 'data');
  mkdirSync(dir, { mode: 0o700 });
  if (user) chownSync(dir, user.uid, user.gid);
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, HOME: dir, LC_ALL: 'C' };
  const init = spawnSync(
    join(bin.pgBinDir, 'initdb'),
    ['-D', data, '-U', PG_USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { ...asUser, env, encoding: 'utf8', cwd: dir },
  );
  if (init.status !== 0) throw new StackError(`initdb failed for ${name}: ${init.stderr.trim().split('\n').pop()}`);
  const port = await freePort();
  const settings = { ...PG_SETTINGS, port: String(port), unix_socket_directories: dir };
  const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const proc = sup.spawn(name, join(bin.pgBinDir, 'postgres'), args, { ...asUser, env, cwd: dir, stopSignal: 'SIGINT' });
  const adminUrl = `postgres://${PG_USER}@127.0.0.1:${port}/postgres`;
  await waitUntilReady(proc, () => pgPing(adminUrl));
  const created = spawnSync(join(bin.pgBinDir, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, PG_DATABASE], {
    encoding: 'utf8',
  });
  if (created.status !== 0) throw new StackError(`createdb failed on ${name}: ${created.stderr.trim()}`);
  return {
    name,
    role,
    host: '127.0.0.1',
    port,
    url: `postgres://${PG_USER}@127.0.0.1:${port}/${PG_DATABASE}`,
    pid: proc.pid,
    version: versionOf(join(bin.pgBinDir, 'postgres'), ['--version']),
  };
}

async function startRedis(sup: Supervisor, bin: Binaries): Promise<StackNode> {
  const port = await freePort();
  const dir = join(sup.runDir, 'redis');
  mkdirSync(dir);
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'];
  const proc = sup.spawn('redis', bin.redisServer, args);
  const url = `redis://127.0.0.1:${port}`;
  await waitUntilReady(proc, () => redisPing(url));
  return { name: 'redis', role: 'redis', host: '127.0.0.1', port, url, pid: proc.pid, version: versionOf(bin.redisServer, ['--version']) };
}

async function startMemcached(sup: Supervisor, bin: Binaries): Promise<StackNode> {
  const port = await freePort();
  const user = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '512', '-c', '4096', ...user];
  const proc = sup.spawn('memcached', bin.memcached, args);
  const url = `127.0.0.1:${port}`;
  await waitUntilReady(proc, () => mcPing(url));
  return { name: 'memcached', role: 'memcached', host: '127.0.0.1', port, url, pid: proc.pid, version: versionOf(bin.memcached, ['-V']) };
}

/** Child processes from this machine's binaries, on 127.0.0.1, in a run directory of their own. */
export const localProvider: StackProvider = {
  name: 'local',
  async up(request: StackRequest): Promise<Stack> {
    const pgNodes = pgNodesFor(request.tier, request.pgShards ?? DEFAULT_PG_SHARDS);
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
      const nodes = await Promise.all([...pgNodes.map((n) => startPostgres(sup, bin, n.name, n.role)), startRedis(sup, bin), startMemcached(sup, bin)]);
      return { provider: 'local', tier: request.tier, nodes, runDir, owned: true, down: () => sup.stopAll() };
    } catch (err) {
      await sup.stopAll();
      throw err;
    }
  },
};
