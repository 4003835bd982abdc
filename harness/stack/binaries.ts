import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../errors.ts';

/** Server binaries the local provider runs, and the Debian package that brings each. */
export interface Binaries {
  pgBinDir: string;
  redisServer: string;
  memcached: string;
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : null;
}

function findPgBinDir(): string | null {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = fromConfig.status === 0 ? fromConfig.stdout.trim() : '';
  if (dir && existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'))) return dir;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'postgres')) && existsSync(join(bin, 'initdb'))) return bin;
  }
  return null;
}

function isDebian(): boolean {
  return existsSync('/etc/debian_version') && which('apt-get') !== null;
}

function aptInstall(packages: string[], log: (line: string) => void): void {
  log(`installing ${packages.join(', ')} with apt-get (missing on this machine)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
  const install = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
    env,
    encoding: 'utf8',
  });
  if (update.status !== 0 || install.status !== 0)
    throw new StackError(`apt-get install ${packages.join(' ')} failed: ${install.stderr.trim().split('\n').pop() ?? ''}`);
}

/**
 * Finds the server binaries; on Debian as root installs the missing ones with apt, elsewhere says
 * which package to install.
 */
export function resolveBinaries(log: (line: string) => void): Binaries {
  const missing = (): Array<[string, string]> => {
    const m: Array<[string, string]> = [];
    if (!findPgBinDir()) m.push(['postgres', 'postgresql']);
    if (!which('redis-server')) m.push(['redis-server', 'redis-server']);
    if (!which('memcached')) m.push(['memcached', 'memcached']);
    return m;
  };
  let absent = missing();
  if (absent.length && isDebian() && process.getuid?.() === 0) {
    aptInstall(absent.map(([, pkg]) => pkg), log);
    absent = missing();
  }
  if (absent.length) {
    const names = absent.map(([bin, pkg]) => `${bin} (Debian/Ubuntu package "${pkg}")`).join(', ');
    throw new StackError(
      `missing server binaries: ${names}. Install them, or use --stack docker where a Docker engine runs.`,
    );
  }
  return { pgBinDir: findPgBinDir()!, redisServer: which('redis-server')!, memcached: which('memcached')! };
}

export function versionOf(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0] ?? '';
  } catch {
    return 'unknown';
  }
}

/** uid/gid to run PostgreSQL as when this process is root (PostgreSQL refuses root). */
export function unprivilegedUser(): { uid: number; gid: number; name: string } | null {
  if (process.getuid?.() !== 0) return null;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':'));
  for (const name of ['postgres', 'nobody']) {
    const row = passwd.find((r) => r[0] === name);
    if (row && row[2] && row[3]) return { name, uid: Number(row[2]), gid: Number(row[3]) };
  }
  throw new StackError('running as root and found neither a "postgres" nor a "nobody" user to run PostgreSQL as');
}
