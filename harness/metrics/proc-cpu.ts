import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by a process tree: the root's own and reaped children's time plus every
 * live child's own time (PostgreSQL backends are children of the postmaster). null off Linux.
 */
export function processTreeCpuSeconds(rootPid: number): number | null {
  const root = statFields(rootPid);
  if (!root) return null;
  // Fields (1-based in proc(5)): 14 utime, 15 stime, 16 cutime, 17 cstime; here shifted by 3.
  let ticks = Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === rootPid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / TICKS_PER_SECOND;
}
