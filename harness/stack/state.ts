import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stopProcess } from './supervisor.ts';
import { withRecordedCpuLifted } from './capacity.ts';
import type { Stack, StackNode } from './types.ts';

/**
 * A stack kept running between runs (`bench stack up`): its nodes are written to
 * `.tierbench/stack.json` (or $TIERBENCH_STATE_DIR), and `bench run` attaches to it.
 */
interface StackState {
  capacity: Stack['capacity'];
  provider: string;
  tier: string;
  runDir: string;
  nodes: StackNode[];
  startedAt: string;
}

export function stateDir(): string {
  return resolve(process.env.TIERBENCH_STATE_DIR ?? '.tierbench');
}

const statePath = (): string => join(stateDir(), 'stack.json');

function alive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function saveStackState(stack: Stack): void {
  mkdirSync(stateDir(), { recursive: true });
  const state: StackState = { capacity: stack.capacity, provider: stack.provider, tier: stack.tier, runDir: stack.runDir, nodes: stack.nodes, startedAt: new Date().toISOString() };
  writeFileSync(statePath(), JSON.stringify(state, null, 2) + '\n');
}

export function readStackState(): (StackState & { alive: boolean[] }) | null {
  if (!existsSync(statePath())) return null;
  const state = JSON.parse(readFileSync(statePath(), 'utf8')) as StackState;
  return { ...state, alive: state.nodes.map((n) => alive(n.pid)) };
}

/** The running kept stack as a Stack that runs use but never stop; null when there is none. */
export function attachedStack(): Stack | null {
  const state = readStackState();
  if (!state || !state.alive.every(Boolean)) return null;
  return { provider: state.provider, tier: state.tier, nodes: state.nodes, runDir: state.runDir, capacity: state.capacity, owned: false, withCpuUnlimited: (work) => withRecordedCpuLifted(state.runDir, state.capacity.perNode, work), down: async () => {} };
}

function removeCgroups(runDir: string): void {
  const file = join(runDir, 'cgroups');
  if (!existsSync(file)) return;
  for (const dir of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    try {
      rmdirSync(dir);
    } catch {
      /* already gone */
    }
  }
}

/** Stops a kept stack's nodes, removes its run directory and the state file. */
export async function stopKeptStack(): Promise<boolean> {
  const state = readStackState();
  if (!state) return false;
  await Promise.all(
    state.nodes.map((n) => {
      if (n.pid === null) return Promise.resolve();
      const pid = n.pid;
      const exited = new Promise<null>((r) => {
        const giveUp = Date.now() + 12_000;
        const t = setInterval(() => {
          if (!alive(pid) || Date.now() > giveUp) {
            clearInterval(t);
            r(null);
          }
        }, 100);
      });
      return stopProcess({ pid, exited, stopSignal: n.role.startsWith('pg') ? 'SIGINT' : 'SIGTERM' }, 10_000);
    }),
  );
  removeCgroups(state.runDir);
  rmSync(state.runDir, { recursive: true, force: true });
  rmSync(statePath(), { force: true });
  return true;
}
