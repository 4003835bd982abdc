// Watches the harness process; when it dies without cleaning up, stops the processes listed in
// <runDir>/pids and removes <runDir>. Plain JS so it starts fast and needs no loader.
// Usage: node reaper.mjs <parentPid> <runDir>
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [parentArg, runDir] = process.argv.slice(2);
const parent = Number(parentArg);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};
const pids = () => {
  try {
    return readFileSync(join(runDir, 'pids'), 'utf8').split('\n').map((l) => Number(l.split(' ')[0])).filter((p) => p > 0);
  } catch {
    return [];
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (;;) {
  await sleep(250);
  if (!existsSync(runDir)) process.exit(0);
  if (alive(parent)) continue;
  const list = pids();
  for (const pid of list) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {}
  }
  for (let i = 0; i < 40 && list.some(alive); i++) await sleep(250);
  for (const pid of list.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  rmSync(runDir, { recursive: true, force: true });
  process.exit(0);
}
