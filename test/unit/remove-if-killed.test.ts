import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SUPERVISOR = join(import.meta.dirname, '../../harness/stack/supervisor.ts');
const made: string[] = [];

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

afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('removeIfKilled (a gate\'s work trees, a run folder)', () => {
  it('removes the folder once the process that asked is killed by SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tierbench-reap-'));
    made.push(dir);
    const w = watcher(dir);
    await w.ready;
    w.child.kill('SIGKILL');
    expect(await gone(dir, 5000)).toBe(true);
  });

  it('leaves it while that process lives (the check can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tierbench-reap-'));
    made.push(dir);
    const w = watcher(dir);
    await w.ready;
    expect(await gone(dir, 1000)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
    w.child.kill('SIGKILL');
  });
});
