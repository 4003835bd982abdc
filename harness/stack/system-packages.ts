import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { StackError } from '../errors.ts';

/** A program the project runs, and the Debian package that brings it. */
export interface CommandNeed {
  /** Name for messages, e.g. "chromium". */
  command: string;
  /** Debian/Ubuntu package, e.g. "chromium". */
  pkg: string;
  /** Finds the program's path (default: `command -v <command>`). */
  find?: () => string | null;
}

export function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : null;
}

function isDebian(): boolean {
  return existsSync('/etc/debian_version') && which('apt-get') !== null;
}

function aptInstall(packages: string[], log: (line: string) => void): void {
  log(`installing ${packages.join(', ')} with apt-get (missing on this machine)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
  const install = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { env, encoding: 'utf8' });
  if (update.status !== 0 || install.status !== 0)
    throw new StackError(`apt-get install ${packages.join(' ')} failed: ${install.stderr.trim().split('\n').pop() ?? ''}`);
  // Where an init system runs, Debian starts the packages' own servers; ours run on ports of their own.
  for (const pkg of packages) spawnSync('service', [pkg, 'stop'], { stdio: 'ignore' });
}

/**
 * The paths of the needed programs, in order. Missing ones are installed with apt on Debian as
 * root (saying so through log); elsewhere the error names each package to install.
 */
export function ensureCommands(needs: readonly CommandNeed[], log: (line: string) => void, hint = ''): string[] {
  const find = (n: CommandNeed): string | null => (n.find ? n.find() : which(n.command));
  let missing = needs.filter((n) => find(n) === null);
  if (missing.length && isDebian() && process.getuid?.() === 0) {
    aptInstall(missing.map((n) => n.pkg), log);
    missing = needs.filter((n) => find(n) === null);
  }
  if (missing.length) {
    const names = missing.map((n) => `${n.command} (Debian/Ubuntu package "${n.pkg}")`).join(', ');
    throw new StackError(`missing programs: ${names}. Install ${missing.length > 1 ? 'them' : 'it'} (as root: apt-get update && apt-get install ${missing.map((n) => n.pkg).join(' ')})${hint}.`);
  }
  return needs.map((n) => find(n)!);
}
