/**
 * Two or more runs compared: the first is the baseline, each other a candidate. For every tier ×
 * scenario × operation both ran, each figure's change in percent (error rate in percentage
 * points) with an interval where windows were repeated (several trials of the same tier ×
 * scenario), and for swept trials the maximum sustainable rate and each common offered rate
 * (whose repeated windows give the interval). Also what makes the runs hard to compare.
 */
import type { ResultsFile, SweepResult, Trial } from '../../results/types.ts';
import { summarizeTrial } from '../summary.ts';
import { diffOf, type MetricDiff } from './diff.ts';
import { comparabilityNotes } from './notes.ts';

export type { Better, MetricDiff, Verdict } from './diff.ts';

export interface RunRef {
  /** "A", "B", ...: how charts and tables name the run. */
  label: string;
  /** Where the results file was read from. */
  path: string;
  results: ResultsFile;
}

export interface DiffRow {
  tier: string;
  scenario: string;
  /** An operation, or "all operations" (histograms merged exactly per window). */
  operation: string;
  windows: { a: number; b: number };
  metrics: MetricDiff[];
}

export interface SweepDiff {
  tier: string;
  scenario: string;
  maxSustainable: MetricDiff;
  /** At offered rates both sweeps ran. */
  perRate: Array<{ rate: number; p99: MetricDiff; achieved: MetricDiff }>;
}

export interface PairComparison {
  candidate: RunRef;
  rows: DiffRow[];
  sweeps: SweepDiff[];
  /** tier / scenario the baseline ran and the candidate did not, and the other way round. */
  onlyBaseline: string[];
  onlyCandidate: string[];
  notes: string[];
}

export interface Comparison {
  baseline: RunRef;
  level: number;
  pairs: PairComparison[];
}

export const SWEEP_METHOD = "combined ends of the two sweeps' own intervals";

const key = (t: Trial) => `${t.tier} / ${t.scenario}`;

interface WindowFigures {
  p50: number | null;
  p99: number | null;
  p999: number | null;
  okPerSec: number;
  errorRate: number;
}

function windowFigures(t: Trial, operation: string | null): WindowFigures {
  const s = summarizeTrial(t, 0);
  const row = operation === null ? s.all : s.operations.find((o) => o.operation === operation) ?? null;
  const c = row?.counts;
  const seconds = t.timing.measuredMs / 1000;
  return {
    p50: row?.p50Us ?? null,
    p99: row?.p99Us ?? null,
    p999: row?.p999Us ?? null,
    okPerSec: c && seconds > 0 ? c.ok / seconds : 0,
    errorRate: c && c.scheduled > 0 ? (c.errors + c.timeouts) / c.scheduled : 0,
  };
}

const ms = (v: number | null) => (v === null ? [] : [v / 1000]);

function rowOf(tier: string, scenario: string, operation: string | null, a: Trial[], b: Trial[], level: number): DiffRow {
  const fa = a.map((t) => windowFigures(t, operation));
  const fb = b.map((t) => windowFigures(t, operation));
  return {
    tier,
    scenario,
    operation: operation ?? 'all operations',
    windows: { a: a.length, b: b.length },
    metrics: [
      diffOf('p50', 'ms', 'lower', fa.flatMap((f) => ms(f.p50)), fb.flatMap((f) => ms(f.p50)), level),
      diffOf('p99', 'ms', 'lower', fa.flatMap((f) => ms(f.p99)), fb.flatMap((f) => ms(f.p99)), level),
      diffOf('p99.9', 'ms', 'lower', fa.flatMap((f) => ms(f.p999)), fb.flatMap((f) => ms(f.p999)), level),
      diffOf('OK req/s', 'req/s', 'higher', fa.map((f) => f.okPerSec), fb.map((f) => f.okPerSec), level),
      diffOf('errors + timeouts', 'share', 'lower', fa.map((f) => f.errorRate), fb.map((f) => f.errorRate), level),
    ],
  };
}

function byKey(results: ResultsFile): Map<string, Trial[]> {
  const out = new Map<string, Trial[]>();
  for (const t of results.trials) out.set(key(t), [...(out.get(key(t)) ?? []), t]);
  return out;
}

function maxSustainableDiff(a: SweepResult, b: SweepResult): MetricDiff {
  const ma = a.maxSustainable;
  const mb = b.maxSustainable;
  const base = { metric: 'max sustainable req/s', unit: 'req/s' as const, better: 'higher' as const, a: ma?.rate ?? null, b: mb?.rate ?? null };
  if (!ma || !mb) return { ...base, change: null, interval: null, verdict: 'single window' };
  // A sweep without a knee (a lower bound) could hold any amount more: its interval is open above.
  const highOf = (m: NonNullable<SweepResult['maxSustainable']>) => (m.lowerBound ? Number.POSITIVE_INFINITY : m.high);
  const low = mb.low / highOf(ma) - 1;
  const high = highOf(mb) / ma.low - 1;
  const open = [ma.lowerBound ? 'baseline' : '', mb.lowerBound ? 'candidate' : ''].filter(Boolean);
  const method = open.length ? `${SWEEP_METHOD}; open-ended: the ${open.join(' and ')} sweep found no knee` : SWEEP_METHOD;
  return { ...base, change: mb.rate / ma.rate - 1, interval: { low, high, level: null, m: 1, n: 1, method }, verdict: low > 0 || high < 0 ? 'change' : 'no change' };
}

function sweepDiff(tier: string, scenario: string, a: SweepResult, b: SweepResult, level: number): SweepDiff {
  const rates = [...new Set(a.steps.map((s) => s.rate))].filter((r) => b.steps.some((s) => s.rate === r)).sort((x, y) => x - y);
  const at = (sw: SweepResult, r: number) => sw.steps.filter((s) => s.rate === r);
  return {
    tier,
    scenario,
    maxSustainable: maxSustainableDiff(a, b),
    perRate: rates.map((rate) => ({
      rate,
      p99: diffOf('p99', 'ms', 'lower', at(a, rate).flatMap((s) => ms(s.p99Us)), at(b, rate).flatMap((s) => ms(s.p99Us)), level),
      achieved: diffOf('achieved req/s', 'req/s', 'higher', at(a, rate).map((s) => s.achievedRate), at(b, rate).map((s) => s.achievedRate), level),
    })),
  };
}

function comparePair(baseline: RunRef, candidate: RunRef, level: number): PairComparison {
  const ka = byKey(baseline.results);
  const kb = byKey(candidate.results);
  const rows: DiffRow[] = [];
  const sweeps: SweepDiff[] = [];
  for (const [k, a] of ka) {
    const b = kb.get(k);
    if (!b) continue;
    const { tier, scenario } = a[0]!;
    const ops = Object.keys(a[0]!.operations).filter((op) => b.some((t) => op in t.operations));
    for (const op of ops) rows.push(rowOf(tier, scenario, op, a, b, level));
    if (ops.length > 1) rows.push(rowOf(tier, scenario, null, a, b, level));
    const sa = a.find((t) => t.sweep)?.sweep;
    const sb = b.find((t) => t.sweep)?.sweep;
    if (sa && sb) sweeps.push(sweepDiff(tier, scenario, sa, sb, level));
  }
  return {
    candidate,
    rows,
    sweeps,
    onlyBaseline: [...ka.keys()].filter((k) => !kb.has(k)),
    onlyCandidate: [...kb.keys()].filter((k) => !ka.has(k)),
    notes: comparabilityNotes(baseline, candidate),
  };
}

/** Compare every candidate with the baseline (the first run). */
export function compareRuns(runs: readonly RunRef[], level = 0.95): Comparison {
  const [baseline, ...candidates] = runs;
  if (!baseline || candidates.length === 0) throw new RangeError('compare needs at least two runs');
  return { baseline, level, pairs: candidates.map((c) => comparePair(baseline, c, level)) };
}
