/**
 * One figure compared over the windows of each side: medians, the change (relative on a log
 * scale, a difference for shares), and where both sides repeated windows an interval and a call.
 */
import { relative, shiftInterval, type Scale, type ShiftInterval } from './interval.ts';

export type Better = 'lower' | 'higher';

export type Verdict =
  /** The interval excludes no change. */
  | 'change'
  /** The interval includes no change: noise. */
  | 'no change'
  /** Windows were repeated, but too few for a 95% interval. */
  | 'too few windows'
  /** One window on a side: no interval. */
  | 'single window';

export interface MetricDiff {
  metric: string;
  unit: 'ms' | 'req/s' | 'share';
  better: Better;
  /** Median of the baseline's windows, and of the candidate's. */
  a: number | null;
  b: number | null;
  /** Relative change (0.12 = +12%) on the log scale; a difference of shares for 'share' metrics. */
  change: number | null;
  /** In the same terms as `change`. */
  interval: { low: number; high: number; level: number | null; m: number; n: number; method: string } | null;
  verdict: Verdict;
}

export const HL_METHOD = 'Hodges-Lehmann shift with exact Mann-Whitney bounds over repeated windows';
/** Below this confidence an interval is shown but no change is called (3 against 3 windows reach 90%). */
export const MIN_LEVEL = 0.95;

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function change(a: number | null, b: number | null, scale: Scale): number | null {
  if (a === null || b === null) return null;
  if (scale === 'linear') return b - a;
  return a > 0 && b > 0 ? b / a - 1 : null;
}

function toChange(i: ShiftInterval, scale: Scale): { low: number; high: number; estimate: number } {
  return scale === 'log' ? { low: relative(i.low), high: relative(i.high), estimate: relative(i.estimate) } : { low: i.low, high: i.high, estimate: i.estimate };
}

/** One figure compared over the windows of each side. */
export function diffOf(metric: string, unit: MetricDiff['unit'], better: Better, a: readonly number[], b: readonly number[], level: number): MetricDiff {
  const scale: Scale = unit === 'share' ? 'linear' : 'log';
  const base = { metric, unit, better, a: median(a), b: median(b) };
  const i = shiftInterval(a, b, scale, level);
  if (!i) return { ...base, change: change(base.a, base.b, scale), interval: null, verdict: a.length < 2 || b.length < 2 ? 'single window' : 'too few windows' };
  const c = toChange(i, scale);
  const verdict: Verdict = i.level < MIN_LEVEL ? 'too few windows' : c.low > 0 || c.high < 0 ? 'change' : 'no change';
  return { ...base, change: c.estimate, interval: { low: c.low, high: c.high, level: i.level, m: i.m, n: i.n, method: HL_METHOD }, verdict };
}

