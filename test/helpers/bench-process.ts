import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));

export interface BenchRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stdout contains the text. */
  waitFor: (text: string, timeoutMs?: number) => Promise<void>;
}

/** Runs `bench` as a user would, with TMPDIR pointed at a folder the test owns. */
export function runBench(args: string[], tmpBase: string, cwd: string, env: NodeJS.ProcessEnv = {}): BenchRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, TMPDIR: tmpBase, TIERBENCH_STATE_DIR: join(tmpBase, 'state'), BENCH_SNAPSHOTS: join(tmpBase, 'snapshots'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (text: string, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const t = setInterval(() => {
        if (out.includes(text)) {
          clearInterval(t);
          resolve();
        } else if (Date.now() > deadline || child.exitCode !== null) {
          clearInterval(t);
          reject(new Error(`bench never printed "${text}"; stdout: ${out.slice(-1000)} stderr: ${err.slice(-1000)}`));
        }
      }, 50);
    });
  return { child, stdout: () => out, stderr: () => err, exit, waitFor };
}

/** Pids the run's supervisors recorded under the temp base (stack servers and the app). */
export function recordedPids(tmpBase: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync(tmpBase)) {
    const file = join(tmpBase, entry, 'pids');
    if (existsSync(file)) for (const line of readFileSync(file, 'utf8').split('\n')) if (line) pids.push(Number(line.split(' ')[0]));
  }
  return pids;
}

export function projectDirsLeft(tmpBase: string): string[] {
  return readdirSync(tmpBase).filter((e) => e.startsWith('tierbench-'));
}
