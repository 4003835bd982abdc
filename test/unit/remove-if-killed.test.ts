import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempBase } from '../helpers/temp.ts';

const SUPERVISOR = join(import.meta.dirname, '../../harness/stack/supervisor.ts');
const base = makeTempBase('tierbench-reap-');
afterAll(() => base.remove());

/** A child process that asks for `dir` to be removed if it is killed, then waits to be killed. */
function watcher(dir: string) {
  const code = `const { removeIfKilled } = await import(${JSON.stringify(SUPERVISOR)}); removeIfKilled(${JSON.stringify(dir)}); console.log('ready'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
  return { child, ready };
}

async function gone(dir: string, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (!existsSync(dir)) return true;
  return !existsSync(dir);
}

describe('removeIfKilled (a gate\'s work trees, a run folder)', () => {
  it('removes the folder once the process that asked is killed by SIGKILL', async () => {
    const dir = join(base.dir, 'killed');
    mkdirSync(dir);
    const w = watcher(dir);
    await w.ready;
    w.child.kill('SIGKILL');
    expect(await gone(dir, 5000)).toBe(true);
  });

  it('leaves it while that process lives (the check can fail)', async () => {
    const dir = join(base.dir, 'alive');
    mkdirSync(dir);
    const w = watcher(dir);
    try {
      await w.ready;
      expect(await gone(dir, 1000)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      w.child.kill('SIGKILL');
    }
  });
});
