/**
 * Waiting for a tier to fall quiet between sweep windows. A window that overloads a node leaves
 * work behind when its last request is sent: queries queued in the app's pools, requests the
 * generator already gave up on, outbox retries. Measured on 0.15-CPU nodes, the next four windows
 * broke at rates that had held before, for over a minute. A window that starts before that work is
 * done measures the last window's overload, not its own rate. So after each window the sweep waits
 * until every measured process uses under a share of its CPU limit, and records how long it waited.
 */

/** One thing whose CPU is watched: its cumulative CPU seconds so far (null when unreadable) and its limit in CPUs. */
export interface WatchedCpu {
  name: string;
  cpuSeconds: () => number | null;
  limitCpus: number;
}

export interface SettlePlan {
  /** Quiet means every watched thing used under this share of its limit over one sample. */
  quietShare: number;
  sampleMs: number;
  /** Give up waiting after this long (the next window starts anyway; the step records it). */
  maxSec: number;
}

export const DEFAULT_SETTLE: SettlePlan = { quietShare: 0.2, sampleMs: 500, maxSec: 30 };

export interface Settled {
  /** Seconds waited until quiet (or until maxSec). */
  waitedSec: number;
  /** False when maxSec passed first; `busy` then names what was still busy, with its share of its limit. */
  quiet: boolean;
  busy?: string;
}

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The busiest watched thing over one interval, as a share of its limit; null when every one is under quietShare. */
export function busiest(before: ReadonlyArray<number | null>, after: ReadonlyArray<number | null>, watched: readonly WatchedCpu[], seconds: number, quietShare: number): { name: string; share: number } | null {
  let top: { name: string; share: number } | null = null;
  for (const [i, w] of watched.entries()) {
    const a = before[i];
    const b = after[i];
    // Unreadable (a process restarted, a cgroup gone): nothing to wait for.
    if (a === null || a === undefined || b === null || b === undefined || w.limitCpus <= 0) continue;
    const share = (b - a) / seconds / w.limitCpus;
    if (share >= quietShare && (top === null || share > top.share)) top = { name: w.name, share };
  }
  return top;
}

/** Samples the watched CPUs until one sample finds them all quiet, or maxSec has passed. */
export async function settle(watched: readonly WatchedCpu[], plan: SettlePlan = DEFAULT_SETTLE, sleep: Sleep = realSleep, signal?: AbortSignal): Promise<Settled> {
  if (watched.length === 0) return { waitedSec: 0, quiet: true };
  let waitedMs = 0;
  let last: { name: string; share: number } | null = null;
  while (waitedMs < plan.maxSec * 1000 && !signal?.aborted) {
    const before = watched.map((w) => w.cpuSeconds());
    await sleep(plan.sampleMs);
    waitedMs += plan.sampleMs;
    last = busiest(before, watched.map((w) => w.cpuSeconds()), watched, plan.sampleMs / 1000, plan.quietShare);
    if (last === null) return { waitedSec: waitedMs / 1000, quiet: true };
  }
  return { waitedSec: waitedMs / 1000, quiet: last === null, ...(last ? { busy: `${last.name} at ${(last.share * 100).toFixed(0)}% of its limit` } : {}) };
}
