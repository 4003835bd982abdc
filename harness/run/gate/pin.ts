/**
 * CPU pinning for a gate: the app (server and fan-out workers) on one core, the harness with its
 * generator threads on another, so the two versions never compete with the generator for a core
 * (the stack's servers stay where the kernel puts them). `taskset -a -cp` sets the affinity of every
 * thread of a process; threads and children made later inherit it. Where taskset is missing, or the
 * machine has one core, nothing is pinned and gate.json says why.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Pinning {
  applied: boolean;
  /** Core list of the app's processes, e.g. "0". */
  appCores: string | null;
  /** Core list of the harness (generator), e.g. "1". */
  generatorCores: string | null;
  /** Why not, or how. */
  note: string;
}

function taskset(args: string[]): string {
  return execFileSync('taskset', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The affinity list of a process ("0-1"), or null where taskset is unavailable. */
export function affinityOf(pid: number): string | null {
  try {
    return /list:\s*(\S+)/.exec(taskset(['-cp', String(pid)]))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Pins every thread of a process to a core list; false when it could not. */
export function pinProcess(pid: number, cores: string): boolean {
  try {
    taskset(['-a', '-cp', cores, String(pid)]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides the pinning and pins the harness itself; `restore()` gives it its affinity back.
 * @param enabled false: pin nothing (--pin off)
 */
export function startPinning(enabled: boolean): Pinning & { pinApp(pids: readonly number[]): boolean; restore(): void } {
  const none = (note: string) => ({ applied: false, appCores: null, generatorCores: null, note, pinApp: () => false, restore: () => {} });
  if (!enabled) return none('not pinned (--pin off)');
  const original = affinityOf(process.pid);
  if (original === null) return none('not pinned: taskset (util-linux) is not available');
  const cores = availableParallelism();
  if (cores < 2) return none(`not pinned: ${cores} core available`);
  // The app on core 0, the generator on the last core; with more cores the generator gets the rest.
  const appCores = '0';
  const generatorCores = cores === 2 ? '1' : `1-${cores - 1}`;
  if (!pinProcess(process.pid, generatorCores)) return none('not pinned: taskset could not set the harness affinity');
  return {
    applied: true,
    appCores,
    generatorCores,
    note: `app processes (server and fan-out workers) on core ${appCores}, harness and generator threads on core${cores === 2 ? '' : 's'} ${generatorCores} (taskset -a -cp); the stack's servers are not pinned`,
    pinApp: (pids) => pids.every((pid) => pinProcess(pid, appCores)),
    restore: () => void pinProcess(process.pid, original),
  };
}
