import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SpawnOptions {
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Signal that shuts this process down cleanly (PostgreSQL: SIGINT = fast shutdown). */
  stopSignal?: NodeJS.Signals;
  /** Keep stdout as a pipe (to read a ready line) instead of the log file. */
  pipeStdout?: boolean;
}

export interface Supervised {
  name: string;
  pid: number;
  logPath: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stopSignal: NodeJS.Signals;
  /** Set once the process has exited (a node stopped or killed in a fault scenario, a worker killed). */
  gone: boolean;
}

const REAPER = fileURLToPath(new URL('./reaper.mjs', import.meta.url));

/**
 * Removes `dir` should this process die without removing it itself (SIGKILL, crash): a detached
 * reaper watches this process. With no pids file in `dir` it only removes the folder.
 */
export function removeIfKilled(dir: string): void {
  spawn(process.execPath, [REAPER, String(process.pid), dir], { detached: true, stdio: 'ignore' }).unref();
}

/**
 * Owns the processes of one run directory. Every pid goes to `<runDir>/pids`; a detached reaper
 * process watches this one and, should it die without cleaning up (SIGKILL, crash), stops those
 * pids and removes the run directory. A persistent supervisor (`bench stack up`) has no reaper.
 */
export class Supervisor {
  private readonly procs: Supervised[] = [];
  private readonly pidFile: string;
  private stopping: Promise<void> | null = null;
  /** Every process stopped and the run directory removed (not merely begun). */
  private stopped = false;
  private readonly afterStop: Array<() => void> = [];

  constructor(
    readonly runDir: string,
    private readonly persistent: boolean,
  ) {
    this.pidFile = join(runDir, 'pids');
    if (!persistent) {
      removeIfKilled(runDir);
      process.once('exit', this.lastResort);
    }
  }

  spawn(name: string, command: string, args: string[], opts: SpawnOptions = {}): Supervised {
    const logPath = join(this.runDir, `${name}.log`);
    const fd = openSync(logPath, 'a');
    const child = spawn(command, args, {
      cwd: opts.cwd ?? this.runDir,
      env: opts.env ?? process.env,
      uid: opts.uid,
      gid: opts.gid,
      // Own process group: a terminal Ctrl-C reaches only the harness, which stops nodes in order.
      detached: true,
      stdio: [this.persistent ? 'ignore' : 'pipe', opts.pipeStdout ? 'pipe' : fd, fd],
    });
    closeSync(fd);
    if (this.persistent) child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    const proc: Supervised = { name, pid: child.pid, logPath, child, exited: Promise.resolve(null), stopSignal: opts.stopSignal ?? 'SIGTERM', gone: false };
    proc.exited = new Promise<number | null>((resolve) => {
      const done = (code: number | null) => {
        // A process that is gone leaves the pid list: its pid may be reused by another process,
        // which neither stopAll nor the reaper must signal.
        if (!proc.gone) {
          proc.gone = true;
          this.forget(proc);
        }
        resolve(code);
      };
      child.once('exit', (code) => done(code));
      child.once('error', () => done(null));
    });
    appendFileSync(this.pidFile, `${child.pid} ${name}\n`);
    this.procs.push(proc);
    return proc;
  }

  /** Drops an exited process from the list and the pid file. */
  private forget(proc: Supervised): void {
    const i = this.procs.indexOf(proc);
    if (i >= 0) this.procs.splice(i, 1);
    if (this.stopped) return;
    try {
      writeFileSync(this.pidFile, this.procs.map((p) => `${p.pid} ${p.name}\n`).join(''));
    } catch {
      /* the run directory is being removed */
    }
  }

  /** Runs after every process has stopped (e.g. removing a node's cgroups). */
  onStopped(fn: () => void): void {
    this.afterStop.push(fn);
  }

  /** Stops every process (newest first), waits for each, then removes the run directory; a second call waits for the first. */
  stopAll(timeoutMs = 10_000): Promise<void> {
    this.stopping ??= this.stopEverything(timeoutMs);
    return this.stopping;
  }

  private async stopEverything(timeoutMs: number): Promise<void> {
    for (const p of [...this.procs].reverse()) if (!p.gone) await stopProcess(p, timeoutMs);
    for (const fn of this.afterStop) fn();
    rmSync(this.runDir, { recursive: true, force: true });
    this.stopped = true;
    process.removeListener('exit', this.lastResort);
  }

  /**
   * On an exit before stopAll finished (an uncaught error, or an exit while it was still stopping
   * nodes one by one): kill what is left synchronously; the reaper then removes cgroups and the
   * folder. It once returned as soon as stopAll had begun, and a process that exited mid-stop left
   * Redis and Memcached running (perf:seed on SIGTERM, whose folder another cleanup had removed, so
   * the reaper had nothing to read).
   */
  private readonly lastResort = (): void => {
    if (this.stopped) return;
    for (const p of this.procs) {
      if (p.gone) continue;
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    // cgroups and the folder are left to the reaper: it waits until the processes are gone.
  };
}

export async function stopProcess(p: Pick<Supervised, 'pid' | 'exited' | 'stopSignal'>, timeoutMs: number): Promise<void> {
  if (!signal(p.pid, p.stopSignal)) return;
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
  if ((await Promise.race([p.exited, timer])) === 'timeout') {
    signal(p.pid, 'SIGKILL');
    await p.exited;
  }
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
