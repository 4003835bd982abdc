import { execFileSync, spawnSync } from 'node:child_process';
import { ensureCommands, type CommandNeed } from './system-packages.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../errors.ts';

/** Server binaries the local provider runs, and the Debian package that brings each. */
export interface Binaries {
  pgBinDir: string;
  redisServer: string;
  memcached: string;
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

/** The server binaries, and where each comes from. */
const SERVER_NEEDS: CommandNeed[] = [
  { command: 'postgres', pkg: 'postgresql', find: findPgBinDir },
  { command: 'redis-server', pkg: 'redis-server' },
  { command: 'memcached', pkg: 'memcached' },
];

/**
 * Finds the server binaries; on Debian as root installs the missing ones with apt, elsewhere says
 * which package to install.
 */
export function resolveBinaries(log: (line: string) => void): Binaries {
  const [pgBinDir, redisServer, memcached] = ensureCommands(SERVER_NEEDS, log, ', or use --stack docker where a Docker engine runs');
  return { pgBinDir: pgBinDir!, redisServer: redisServer!, memcached: memcached! };
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
