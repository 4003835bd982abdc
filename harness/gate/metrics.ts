/**
 * The metrics the gate compares between baseline A and candidate B, where each is read from a
 * trial's flat metrics map, and the one sign convention the gate uses throughout.
 *
 * Sign convention: every statistic is computed on the "worse-oriented" log-ratio
 *   w = ln(B/A)  for metrics where higher is worse (latency percentiles),
 *   w = ln(A/B)  for metrics where lower is worse (throughput),
 * so w > 0 always means "the candidate is worse". For people it is shown as the metric's own percent
 * change of B against A (latency +12%, throughput -12%), the same form as the thresholds.
 */
import { PERCENTILES } from '../results/types.ts';

export type PercentileName = `p${(typeof PERCENTILES)[number]}`;
export type RatioMetricName = 'throughput' | PercentileName;
export type CountMetricName = 'errors' | 'timeouts' | 'dropped';
export type WorseWhen = 'higher' | 'lower';

export interface RatioMetric {
  name: RatioMetricName;
  /** Key in a trial's flat metrics map (harness/thresholds/metrics.ts). */
  key: string;
  worseWhen: WorseWhen;
  /** What the number is, for messages. */
  description: string;
}

export interface CountMetric {
  name: CountMetricName;
  key: string;
  description: string;
}

const percentileMetrics = PERCENTILES.map(
  (p): RatioMetric => ({ name: `p${p}`, key: `latency.p${p}`, worseWhen: 'higher', description: `p${p} latency of OK answers over all operations, µs (corrected)` }),
);

/** Ratio metrics in report order: throughput, then percentiles ascending. */
export const RATIO_METRICS: readonly RatioMetric[] = [
  { name: 'throughput', key: 'ok.rate', worseWhen: 'lower', description: 'OK answers per second over all operations' },
  ...percentileMetrics,
];

export const COUNT_METRICS: readonly CountMetric[] = [
  { name: 'errors', key: 'errors.count', description: 'non-2xx answers and connection failures' },
  { name: 'timeouts', key: 'timeouts.count', description: 'requests that timed out' },
  { name: 'dropped', key: 'dropped.count', description: 'requests not sent because maxInFlight were outstanding' },
];

export function ratioMetric(name: string): RatioMetric | undefined {
  return RATIO_METRICS.find((m) => m.name === name);
}

export function countMetric(name: string): CountMetric | undefined {
  return COUNT_METRICS.find((m) => m.name === name);
}

/**
 * Worse-oriented log-ratio from a measured ln(B/A): positive means B is worse.
 * @param lnRatio ln(B/A) of one pair
 */
export function toWorse(lnRatio: number, worseWhen: WorseWhen): number {
  return worseWhen === 'higher' ? lnRatio : -lnRatio;
}

/**
 * The metric's percent change of B against A, (B/A − 1)·100, for a worse-oriented log-ratio w.
 * Latency: w = 0.0953 → +10%. Throughput: w = 0.1054 → −10%.
 */
export function percentChange(w: number, worseWhen: WorseWhen): number {
  return (Math.exp(worseWhen === 'higher' ? w : -w) - 1) * 100;
}

/**
 * Worse-oriented log-ratio of a signed percent change (the inverse of percentChange).
 * @param percent e.g. +10 for a latency threshold, -10 for a throughput threshold
 */
export function worseLogOfPercent(percent: number, worseWhen: WorseWhen): number {
  const ln = Math.log(1 + percent / 100);
  return worseWhen === 'higher' ? ln : -ln;
}

/** "+12.3%" / "-4.0%" / "unbounded" for a percent change, for messages. */
export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return percent > 0 ? '+∞' : '-∞';
  const sign = percent > 0 ? '+' : percent < 0 ? '-' : '±';
  return `${sign}${Math.abs(percent).toFixed(1)}%`;
}
