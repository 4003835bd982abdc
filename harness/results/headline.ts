import { mergeEncoded } from '../metrics/histograms.ts';
import type { Headline, HeadlineRow, Slo, Sustainable, SweepResult, Trial } from './types.ts';

const fmtRate = (r: number): string => Math.round(r).toLocaleString('en-US');

/** A trial's all-requests figures, merged over its operations. */
function figures(trial: Trial): { p50Us: number; p99Us: number; p999Us: number; errorRate: number } | null {
  const ops = Object.values(trial.operations);
  const h = mergeEncoded(ops.map((o) => o.latency.all.encoded));
  if (h.totalCount === 0) return null;
  const scheduled = ops.reduce((n, o) => n + o.counts.scheduled, 0);
  const failed = ops.reduce((n, o) => n + o.counts.errors + o.counts.timeouts + o.counts.unfinished, 0);
  return { p50Us: h.getValueAtPercentile(50), p99Us: h.getValueAtPercentile(99), p999Us: h.getValueAtPercentile(99.9), errorRate: failed / scheduled };
}

/** A sweep's highest rate under the SLO in words: with its interval, or "at least" it when the sweep found no knee. */
export function sustainableText(m: { rate: number; low: number; high: number; lowerBound?: true }): string {
  return m.lowerBound ? `at least ${fmtRate(m.rate)} req/s (no knee: the sweep stopped before the SLO broke)` : `${fmtRate(m.rate)} req/s (95% ${fmtRate(m.low)}–${fmtRate(m.high)})`;
}

/** A sweep's maximum sustainable rate as the headline and the report show it. */
export function sustainableOf(m: SweepResult['maxSustainable'] | undefined): Sustainable | null {
  return m ? { rate: m.rate, low: m.low, high: m.high, ...(m.lowerBound ? { lowerBound: true as const } : {}) } : null;
}

function row(trial: Trial): HeadlineRow {
  const f = figures(trial);
  return {
    tier: trial.tier,
    scenario: trial.scenario,
    maxSustainable: sustainableOf(trial.sweep?.maxSustainable),
    atCommonRate: f ? { p50Us: f.p50Us, p99Us: f.p99Us, p999Us: f.p999Us } : null,
    errorRate: f ? f.errorRate : 0,
    cacheHitRate: trial.backends.memcached.hitRate,
    checksPassed: trial.checks.every((c) => c.ok),
  };
}

/** The sustainable rate of a row that held the SLO somewhere in its sweep. */
const held = (r: HeadlineRow) => r.maxSustainable!;

/**
 * One sentence naming the tier that holds the most under the SLO, and by how much. A tier whose
 * sweep found no knee (a lower bound: the generator's limit, or the sweep's budget, came first)
 * could hold any amount more: it is never beaten, and a ratio with it on top is an "at least".
 */
function sentence(scenario: string, rows: HeadlineRow[], slo: Slo): string {
  const prefix = `${scenario} at p99 < ${slo.p99Ms} ms:`;
  const sorted = rows.filter((r) => r.maxSustainable !== null).sort((a, b) => held(b).rate - held(a).rate);
  const neverHeld = rows.filter((r) => r.maxSustainable === null).map((r) => r.tier);
  const below = neverHeld.length ? `; ${neverHeld.join(' and ')} held it at no rate swept` : '';
  if (sorted.length === 0) return `${prefix} no tier held the SLO at any rate swept.`;
  const [win, ...rest] = sorted as [HeadlineRow, ...HeadlineRow[]];
  const unbounded = rest.filter((r) => held(r).lowerBound);
  if (unbounded.length > 0) {
    return `${prefix} no winner can be named: ${[win, ...unbounded].map((r) => `${r.tier} holds ${held(r).lowerBound ? 'at least ' : ''}${fmtRate(held(r).rate)} req/s`).join(', ')}, and a tier without a knee could hold more (the sweep stopped before the SLO broke)${below}.`;
  }
  const w = held(win);
  const atLeast = w.lowerBound ? 'at least ' : '';
  const others = rest.map((r) => `${atLeast}${(w.rate / held(r).rate).toFixed(1)}× ${r.tier} (${fmtRate(held(r).rate)})`);
  return `${prefix} ${win.tier} holds the most, ${sustainableText(w)}${others.length ? `, ${others.join(' and ')}` : ''}${below}.`;
}

/**
 * True when a scenario's trials can be compared on sustainable throughput: two or more tiers ran
 * it and every one of its trials was swept. Others are compared in the report on their windows.
 */
function comparable(trials: readonly Trial[]): boolean {
  return new Set(trials.map((t) => t.tier)).size >= 2 && trials.every((t) => t.sweep !== undefined);
}

/**
 * The headline of a run: per scenario swept on every tier that ran it (two or more), each tier's
 * maximum sustainable throughput under the SLO and its latency at the common rate (the scenario's
 * own rate, run on every tier), with one sentence naming the winner. undefined when no scenario
 * qualifies (one tier, or no sweeps).
 */
export function computeHeadline(trials: readonly Trial[], slo: Slo): Headline | undefined {
  const commonRate: Record<string, number | null> = {};
  const rows: HeadlineRow[] = [];
  const sentences: string[] = [];
  for (const scenario of new Set(trials.map((t) => t.scenario))) {
    const ts = trials.filter((t) => t.scenario === scenario);
    if (!comparable(ts)) continue;
    const rates = new Set(ts.map((t) => t.load.rate));
    commonRate[scenario] = rates.size === 1 ? [...rates][0]! : null;
    const scenarioRows = ts.map(row);
    rows.push(...scenarioRows);
    sentences.push(sentence(scenario, scenarioRows, slo));
  }
  return rows.length > 0 ? { slo, commonRate, rows, sentences } : undefined;
}
