// Watches the harness process; when it dies without cleaning up, stops the processes listed in
// <runDir>/pids, removes the cgroups listed in <runDir>/cgroups, then <runDir>. Plain JS so it
// starts fast and needs no loader. Usage: node reaper.mjs <parentPid> <runDir>
import { existsSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
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
const lines = (file) => {
  try {
    return readFileSync(join(runDir, file), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (;;) {
  await sleep(250);
  if (!existsSync(runDir)) process.exit(0);
  if (alive(parent)) continue;
  const pids = lines('pids').map((l) => Number(l.split(' ')[0])).filter((p) => p > 0);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {}
  }
  for (let i = 0; i < 40 && pids.some(alive); i++) await sleep(250);
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  // A cgroup can be removed once the last process in it (a backend outliving its postmaster) is gone.
  const groups = lines('cgroups');
  for (let i = 0; i < 40 && groups.length; i++) {
    for (const g of [...groups]) {
      try {
        rmdirSync(g);
        groups.splice(groups.indexOf(g), 1);
      } catch (e) {
        if (e.code === 'ENOENT') groups.splice(groups.indexOf(g), 1);
      }
    }
    if (groups.length) await sleep(250);
  }
  rmSync(runDir, { recursive: true, force: true });
  process.exit(0);
}
