/**
 * The gate's rate, checked on a fresh app process (pure: no I/O).
 *
 * The capacity sweep measures one warm process; every trial is a fresh one on a flushed cache, which
 * spends its first seconds compiling (V8) and filling Memcached. The discarded warm-up trial's open
 * window is judged against the SLO the capacity was measured under; where it breaks it, latency would
 * be gated in overload (measured: feed-reads at 416 req/s, p50 from 3 ms to 1.2 s between trials), so
 * the rate is halved and the scenario run again.
 *
 * Not judged: the app's CPU. Tried and taken out: a fresh app's CPU over its first seconds is mostly a
 * fixed cost (compiling, connecting), so its share of a core hardly falls with the rate (instagram-day:
 * 0.91, 0.66, 0.74 of a core at 260, 143, 108 req/s), and a rule on it chased the rate down to a
 * quarter without making the trials any quieter.
 */
import type { Slo } from '../../results/types.ts';
import type { FlatMetrics } from '../../thresholds/metrics.ts';

/** One open window of a fresh app process at a rate, and what it says of the rate. */
export interface FreshTrialCheck {
  rate: number;
  p99Ms: number | null;
  errorRate: number | null;
  dropRate: number | null;
  held: boolean;
  /** The rate to try next: half of this one (null when it held). */
  nextRate: number | null;
}

/** Judges a fresh trial's open window at `rate` (errors and timeouts count in the error budget, as the sweep counts them). */
export function freshTrialCheck(rate: number, open: FlatMetrics, slo: Slo): FreshTrialCheck {
  const p99 = open['latency.p99'];
  const errors = (open['errors.rate'] ?? 0) + (open['timeouts.rate'] ?? 0);
  const dropped = open['dropped.rate'] ?? null;
  const held = p99 !== undefined && p99 / 1000 <= slo.p99Ms && errors <= slo.errorBudget && (dropped ?? 0) <= slo.dropBudget;
  return { rate, p99Ms: p99 === undefined ? null : Math.round(p99 / 100) / 10, errorRate: errors, dropRate: dropped, held, nextRate: held ? null : Math.max(1, Math.round(rate / 2)) };
}
