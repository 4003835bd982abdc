import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tierbench-supervisor-'));
const supervisor = fileURLToPath(new URL('../../harness/stack/supervisor.ts', import.meta.url));
const spawned: number[] = [];
afterAll(() => {
  for (const pid of spawned) if (running(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Running, not a zombie waiting for its new parent to reap it. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Two real processes under a Supervisor: the newest ignores SIGTERM and SIGINT, so stopAll waits on
 * it while the older one is not signalled yet; then the process exits mid-stop, as an error path's
 * process.exit does.
 */
const script = `
import { mkdtempSync } from 'node:fs';
import { Supervisor } from ${JSON.stringify(supervisor)};
const sup = new Supervisor(mkdtempSync(process.argv[2] + '/run-'), false);
const older = sup.spawn('older', 'sleep', ['60']);
const stubborn = sup.spawn('stubborn', 'bash', ['-c', 'trap "" TERM INT; exec sleep 60']);
process.stdout.write(JSON.stringify([older.pid, stubborn.pid]) + '\\n');
void sup.stopAll(10_000);
setTimeout(() => process.exit(1), 300);
`;

describe('a process exiting while its Supervisor is still stopping', () => {
  it('kills what stopAll had not stopped yet, at once (the reaper would take 10 s for one ignoring signals)', async () => {
    const file = join(dir, 'exit-mid-stop.ts');
    writeFileSync(file, script);
    const child = spawn(process.execPath, ['--import', 'tsx', file, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => child.on('exit', resolve));
    const pids = JSON.parse(out) as number[];
    spawned.push(...pids);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(pids.filter(running)).toEqual([]);
  }, 20_000);
});
