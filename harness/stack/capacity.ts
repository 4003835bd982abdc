import { accessSync, appendFileSync, chownSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The node capacity model: each PostgreSQL node gets the size of a machine, a CPU quota and a
 * memory budget, through cgroup v1 (cpu.cfs_quota_us, memory.limit_in_bytes). Without them every
 * node shares every core and all memory, and a replica or shard adds processes, not capacity.
 */
export interface NodeCapacity {
  /** CPUs per node (0.5 = half a core); 0 = no CPU limit. */
  cpus: number;
  /** Memory per node in bytes; 0 = no memory limit. */
  memoryBytes: number;
}

export interface CapacityModel {
  applied: boolean;
  description: string;
  perNode?: NodeCapacity;
}

/** The default size of a PostgreSQL node: half a core and 1 GiB. */
export const DEFAULT_NODE_CAPACITY: NodeCapacity = { cpus: 0.5, memoryBytes: 2 ** 30 };

const CPU_ROOT = '/sys/fs/cgroup/cpu';
const MEMORY_ROOT = '/sys/fs/cgroup/memory';
/** Accounting only (no limit): the node's exact CPU time, exited backends included. */
const CPUACCT_ROOT = '/sys/fs/cgroup/cpuacct';
/**
 * The CFS period the quota is granted over. At the kernel's usual 100 ms, a 0.2-CPU node runs its
 * 20 ms and then stops for up to 80 ms (a 0.5-CPU node, the default, up to 50 ms): stalls as long
 * as the SLO the headline is judged by (p99 < 50 ms), so a request's latency turned on where it
 * fell against the throttling, not on how busy the node was. A machine of a fifth of a core does
 * not stop for 80 ms. Over 10 ms, the longest stall is 9 ms at any size.
 */
const PERIOD_US = 10_000;
/** Docker's CFS period (its --cpus sets only the quota over it). */
export const DOCKER_PERIOD_US = 100_000;

/** Why capacity limits cannot be applied here, or null when they can. */
export function capacityUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root (cgroup limits need root)';
  for (const f of [join(CPU_ROOT, 'cpu.cfs_quota_us'), join(MEMORY_ROOT, 'memory.limit_in_bytes')]) {
    if (!existsSync(f)) return `no cgroup v1 controller at ${f}`;
    try {
      accessSync(f, constants.W_OK);
    } catch {
      return `${f} is not writable`;
    }
  }
  return null;
}

/** The node size in words, with the period its CPU quota runs over (the longest stall a node can take). */
export function describeCapacity(cap: NodeCapacity, periodUs = PERIOD_US): string {
  const cpu = cap.cpus > 0 ? `${cap.cpus} CPU (a quota over ${periodUs / 1000} ms CFS periods)` : 'no CPU limit';
  const mem = cap.memoryBytes > 0 ? `${(cap.memoryBytes / 2 ** 30).toFixed(2).replace(/\.?0+$/, '')} GiB memory` : 'no memory limit';
  return `${cpu} and ${mem} per PostgreSQL node (cgroup v1)`;
}

export interface CapacityGroup {
  /** Wraps a command so that its process joins the group before it execs (children inherit it). */
  wrap(command: string, args: string[]): { command: string; args: string[] };
  /** Lifts the CPU quota (true) or puts it back (false); memory limits stay. */
  liftCpu(lifted: boolean): void;
  /** Removes the group's directories (after its processes are gone). */
  remove(): void;
  /** The node's cpuacct group (cpuacct.usage: CPU nanoseconds of everything in it), or null. */
  cpuacctDir: string | null;
}

function writable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** CPU nanoseconds used so far by a node's cpuacct group, or null when unreadable. */
export function cgroupCpuNs(cpuacctDir: string): number | null {
  try {
    return Number(readFileSync(join(cpuacctDir, 'cpuacct.usage'), 'utf8').trim());
  } catch {
    return null;
  }
}

/**
 * Creates the cgroups of one node, owned so that `owner` may move itself in, and records them in
 * `<runDir>/cgroups` so the reaper removes them too.
 */
export function createCapacityGroup(runDir: string, name: string, cap: NodeCapacity, owner: { uid: number; gid: number } | null): CapacityGroup {
  const dirs: string[] = [];
  const procs: string[] = [];
  const make = (root: string, settings: Record<string, string>) => {
    const dir = join(root, name);
    mkdirSync(dir);
    dirs.push(dir);
    appendFileSync(join(runDir, 'cgroups'), dir + '\n');
    for (const [file, value] of Object.entries(settings)) writeFileSync(join(dir, file), value);
    const p = join(dir, 'cgroup.procs');
    if (owner) chownSync(p, owner.uid, owner.gid);
    procs.push(p);
  };
  const quota = String(Math.round(cap.cpus * PERIOD_US));
  if (cap.cpus > 0) make(CPU_ROOT, { 'cpu.cfs_period_us': String(PERIOD_US), 'cpu.cfs_quota_us': quota });
  if (cap.memoryBytes > 0) make(MEMORY_ROOT, { 'memory.limit_in_bytes': String(cap.memoryBytes) });
  const accounted = writable(join(CPUACCT_ROOT, 'cgroup.procs'));
  if (accounted) make(CPUACCT_ROOT, {});
  return {
    cpuacctDir: accounted ? join(CPUACCT_ROOT, name) : null,
    wrap(command, args) {
      if (!procs.length) return { command, args };
      const join_ = procs.map((p) => `echo $$ > ${p}`).join(' && ');
      return { command: '/bin/sh', args: ['-c', `${join_} && exec "$0" "$@"`, command, ...args] };
    },
    liftCpu(lifted) {
      if (cap.cpus > 0) writeFileSync(join(CPU_ROOT, name, 'cpu.cfs_quota_us'), lifted ? '-1' : quota);
    },
    remove() {
      for (const d of dirs) {
        try {
          rmdirSync(d);
        } catch {
          /* gone already, or processes still inside: the reaper tries again */
        }
      }
    },
  };
}

/**
 * Lifts (or puts back) the CPU quota of every group a run directory recorded: for a stack kept by
 * `bench stack up`, whose groups belong to another process.
 */
export async function withRecordedCpuLifted<T>(runDir: string, cap: NodeCapacity | undefined, work: () => Promise<T>): Promise<T> {
  const file = join(runDir, 'cgroups');
  const dirs = existsSync(file) && cap && cap.cpus > 0 ? readFileSync(file, 'utf8').split('\n').filter((d) => d.startsWith(CPU_ROOT + '/')) : [];
  const set = (value: string) => {
    for (const d of dirs) if (existsSync(d)) writeFileSync(join(d, 'cpu.cfs_quota_us'), value);
  };
  set('-1');
  try {
    return await work();
  } finally {
    set(String(Math.round((cap?.cpus ?? 0) * PERIOD_US)));
  }
}
