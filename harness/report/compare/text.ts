/** How a compared figure reads, shared by compare.md and compare.html. */
import { fmtMs, fmtNum, fmtPct } from '../format.ts';
import type { Comparison, MetricDiff, PairComparison } from './model.ts';

function value(d: MetricDiff, v: number | null): string {
  if (v === null) return 'n/a';
  if (d.unit === 'ms') return `${fmtMs(v * 1000)} ms`;
  if (d.unit === 'share') return fmtPct(v, 2);
  return `${fmtNum(v)} req/s`;
}

function signed(d: MetricDiff, v: number): string {
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  const abs = Math.abs(v);
  return d.unit === 'share' ? `${sign}${fmtNum(abs * 100, 2)} pp` : `${sign}${fmtNum(abs * 100, 1)}%`;
}

/** "+12.3%" (or "+0.05 pp" for shares); "n/a" without both values. */
export function changeText(d: MetricDiff): string {
  return d.change === null ? 'n/a' : signed(d, d.change);
}

/** "[+3.1%, +21.0%] (97%)" or a reason there is none. */
export function intervalText(d: MetricDiff): string {
  if (!d.interval) return 'no interval';
  const level = d.interval.level === null ? 'sweep intervals' : `${fmtNum(d.interval.level * 100, 0)}%, ${d.interval.m} vs ${d.interval.n} windows`;
  return `[${signed(d, d.interval.low)}, ${signed(d, d.interval.high)}] (${level})`;
}

/** "worse", "better", "no change (within noise)", ... */
export function verdictText(d: MetricDiff): string {
  switch (d.verdict) {
    case 'change': {
      const up = (d.change ?? 0) > 0;
      return (d.better === 'higher') === up ? 'better' : 'worse';
    }
    case 'no change':
      return 'no change (within noise)';
    case 'too few windows':
      return 'too few windows to call';
    case 'single window':
      return 'not called: one window on a side';
  }
}

/** "6.68 ms → 9.91 ms, +48.4% [+31.0%, +64.2%] (97%, 4 vs 4 windows) worse" */
export function diffText(d: MetricDiff): string {
  return `${value(d, d.a)} → ${value(d, d.b)}, ${changeText(d)} ${intervalText(d)} ${verdictText(d)}`;
}

/** How the intervals are computed, for the top of every comparison. */
export function methodText(c: Comparison): string {
  return [
    `Run ${c.baseline.label} is the baseline; changes are the candidate against it, in percent (error rates in percentage points).`,
    `Where a tier × scenario ran in several windows on both sides (several trials, or sweep steps repeated at one offered rate), each change has an interval: the Hodges–Lehmann estimate of the shift between the two sets of windows (the median of all pairwise differences, of logarithms for latencies and rates) with exact Mann–Whitney confidence bounds, aiming at ${fmtNum(c.level * 100, 0)}%. Few windows cap the confidence (2 against 2: 67%, 3 against 3: 90%, 4 against 4: 97%); the level reached is shown, and a change is only called at 95% or more.`,
    'A change is called when its interval excludes zero; otherwise it is no change, within the noise of the repeated windows. With one window on a side there is no interval, and nothing is called: rerun with repeats. Many figures are compared at once, so about one interval in twenty misses by chance: a lone call among many unchanged figures is weak evidence.',
    "For maximum sustainable throughput the interval combines the two sweeps' own intervals at their ends (candidate low / baseline high to candidate high / baseline low): conservative.",
  ].join(' ');
}

/** Every figure called changed in a pair, as one line each: "sharded / photo-reads, getPhoto, p99: +51.0% [...] worse". */
export function calledChanges(p: PairComparison): string[] {
  const sweeps = p.sweeps.filter((s) => s.maxSustainable.verdict === 'change').map((s) => `${s.tier} / ${s.scenario}, ${s.maxSustainable.metric}: ${changeText(s.maxSustainable)} ${intervalText(s.maxSustainable)} ${verdictText(s.maxSustainable)}`);
  const rows = p.rows.flatMap((r) => r.metrics.filter((m) => m.verdict === 'change').map((m) => `${r.tier} / ${r.scenario}, ${r.operation}, ${m.metric}: ${changeText(m)} ${intervalText(m)} ${verdictText(m)}`));
  return [...sweeps, ...rows];
}
