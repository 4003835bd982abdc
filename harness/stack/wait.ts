import { readFileSync } from 'node:fs';
import { StackError } from '../errors.ts';
import type { Supervised } from './supervisor.ts';

function tail(path: string, lines = 5): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '(no log)';
  }
}

/** Polls `ready` until it answers true; fails early if the process exits, with its log's last lines. */
export async function waitUntilReady(proc: Supervised, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  let exitCode: number | null | undefined;
  void proc.exited.then((c) => (exitCode = c));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new StackError(`${proc.name} exited (code ${exitCode}) while starting: ${tail(proc.logPath)}`);
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new StackError(`${proc.name} did not answer within ${timeoutMs / 1000}s: ${tail(proc.logPath)}`);
}
