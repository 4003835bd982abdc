/**
 * The gate's rate, checked on a fresh app process (pure: no I/O).
 *
 * The capacity sweep measures one warm process; every trial is a fresh one on a flushed cache, which
 * spends its first seconds compiling (V8) and filling Memcached. The discarded warm-up trial's open
 * window is therefore judged twice before the gate commits to its rate:
 * - against the SLO the capacity was measured under: broken, the rate is halved;
 * - by the app's own CPU: the share of a core the app's processes used over the window (CPU µs per
 *   request × rate). Past the load share (with some slack) the fresh process is nearer its limit
 *   than "half the capacity" means, and latency would be gated near overload, where a trial that
 *   meets a little more work or a busier neighbour queues by hundreds of ms. Measured here: photo
 *   reads at half the warm capacity (806 req/s) used 0.8 of the app's core, and 9 of 16 trials had
 *   p90 over 100 ms. The rate is then scaled to the load share of what that core would carry.
 */
import type { Slo } from '../../results/types.ts';
import type { FlatMetrics } from '../../thresholds/metrics.ts';

/** One open window of a fresh app process at a rate, and what it says of the rate. */
export interface FreshTrialCheck {
  rate: number;
  p99Ms: number | null;
  errorRate: number | null;
  dropRate: number | null;
  /** Cores the app's processes used over the window (CPU µs per request × rate); null when not measured. */
  appCpuShare: number | null;
  held: boolean;
  /** Why it did not hold ('' when it did). */
  why: string;
  /** The rate to try next (null when it held). */
  nextRate: number | null;
}

/** A fresh process may use this much more of its core than the load share before the rate is lowered. */
export const CPU_SLACK = 1.25;

/**
 * Judges a fresh trial's open window at `rate`.
 * @param appCpuUsPerRequest the app processes' CPU time per request sent over the window, µs (null: not measured, not judged)
 * @param loadShare the share of capacity the gate means to run at, e.g. 0.5
 */
export function freshTrialCheck(rate: number, open: FlatMetrics, slo: Slo, appCpuUsPerRequest: number | null, loadShare: number): FreshTrialCheck {
  const p99 = open['latency.p99'];
  const errors = (open['errors.rate'] ?? 0) + (open['timeouts.rate'] ?? 0);
  const dropped = open['dropped.rate'] ?? null;
  const p99Ms = p99 === undefined ? null : Math.round(p99 / 100) / 10;
  const appCpuShare = appCpuUsPerRequest === null ? null : Math.round(((appCpuUsPerRequest * rate) / 1e6) * 100) / 100;
  const base = { rate, p99Ms, errorRate: errors, dropRate: dropped, appCpuShare };
  const sloHeld = p99 !== undefined && p99 / 1000 <= slo.p99Ms && errors <= slo.errorBudget && (dropped ?? 0) <= slo.dropBudget;
  if (!sloHeld) return { ...base, held: false, why: `broke the SLO (p99 ${p99Ms ?? 'n/a'} ms, errors ${pct(errors)}, dropped ${pct(dropped ?? 0)})`, nextRate: Math.max(1, Math.round(rate / 2)) };
  if (appCpuShare !== null && appCpuShare > loadShare * CPU_SLACK)
    return {
      ...base,
      held: false,
      why: `the app used ${appCpuShare} of a core, past ${Math.round(loadShare * 100)}% of it`,
      nextRate: Math.max(1, Math.min(rate - 1, Math.round((rate * loadShare) / appCpuShare))),
    };
  return { ...base, held: true, why: '', nextRate: null };
}

const pct = (x: number) => `${Math.round(x * 10_000) / 100}%`;
