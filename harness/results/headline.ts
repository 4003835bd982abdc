import { mergeEncoded } from '../metrics/histograms.ts';
import { holdsSlo } from '../sweep/estimate.ts';
import type { Headline, HeadlineRow, Slo, Trial } from './types.ts';

const fmtRate = (r: number): string => Math.round(r).toLocaleString('en-US');

/** A trial's all-requests figures, merged over its operations. */
function figures(trial: Trial): { p50Us: number; p99Us: number; p999Us: number; errorRate: number; dropRate: number } | null {
  const ops = Object.values(trial.operations);
  const h = mergeEncoded(ops.map((o) => o.latency.all.encoded));
  if (h.totalCount === 0) return null;
  const scheduled = ops.reduce((n, o) => n + o.counts.scheduled, 0);
  const failed = ops.reduce((n, o) => n + o.counts.errors + o.counts.timeouts + o.counts.unfinished, 0);
  const dropped = ops.reduce((n, o) => n + o.counts.dropped, 0);
  return { p50Us: h.getValueAtPercentile(50), p99Us: h.getValueAtPercentile(99), p999Us: h.getValueAtPercentile(99.9), errorRate: failed / scheduled, dropRate: dropped / scheduled };
}

function row(trial: Trial): HeadlineRow {
  const f = figures(trial);
  const m = trial.sweep?.maxSustainable;
  return {
    tier: trial.tier,
    scenario: trial.scenario,
    maxSustainable: m ? { rate: m.rate, low: m.low, high: m.high } : null,
    atCommonRate: f ? { p50Us: f.p50Us, p99Us: f.p99Us, p999Us: f.p999Us } : null,
    errorRate: f ? f.errorRate : 0,
    cacheHitRate: trial.backends.memcached.hitRate,
    checksPassed: trial.checks.every((c) => c.ok),
  };
}

/** One sentence naming the winner of a scenario and by how much. */
function sentence(scenario: string, rows: HeadlineRow[], slo: Slo, commonRate: number | null, broke: string[]): string {
  const swept = rows.filter((r) => r.maxSustainable !== null);
  if (swept.length === rows.length && rows.length > 1) {
    const sorted = [...swept].sort((a, b) => b.maxSustainable!.rate - a.maxSustainable!.rate);
    const win = sorted[0]!;
    const w = win.maxSustainable!;
    const others = sorted.slice(1).map((r) => `${(w.rate / r.maxSustainable!.rate).toFixed(1)}× ${r.tier} (${fmtRate(r.maxSustainable!.rate)})`);
    return `${scenario} at p99 < ${slo.p99Ms} ms: ${win.tier} holds the most, ${fmtRate(w.rate)} req/s (95% ${fmtRate(w.low)}–${fmtRate(w.high)}), ${others.join(' and ')}.`;
  }
  const withLatency = rows.filter((r) => r.atCommonRate !== null);
  if (withLatency.length === 0) return `${scenario}: no tier answered anything.`;
  const best = [...withLatency].sort((a, b) => a.atCommonRate!.p99Us - b.atCommonRate!.p99Us)[0]!;
  const list = withLatency.map((r) => `${r.tier} ${(r.atCommonRate!.p99Us / 1000).toFixed(1)} ms`).join(', ');
  const note = broke.length ? `; ${broke.join(' and ')} did not hold the SLO there` : '';
  // A scenario only one tier runs (tiers: ['replicas']) has no winner to name.
  const lowest = withLatency.length === 1 ? `only ${best.tier} runs it` : `lowest: ${best.tier}`;
  return `${scenario}, not swept (bench run --sweep finds how much each tier holds): at ${commonRate === null ? 'the rates run' : `the common rate of ${fmtRate(commonRate)} req/s`}, p99 ${list}; ${lowest}${note}.`;
}

/**
 * The headline of a run over several tiers: per scenario, each tier's maximum sustainable
 * throughput under the SLO (where swept) and its latency at the common rate (the scenario's own
 * rate, run on every tier), with one sentence naming the winner. undefined for a one-tier run.
 */
export function computeHeadline(trials: readonly Trial[], slo: Slo): Headline | undefined {
  if (new Set(trials.map((t) => t.tier)).size < 2) return undefined;
  const scenarios = [...new Set(trials.map((t) => t.scenario))];
  const commonRate: Record<string, number | null> = {};
  const rows: HeadlineRow[] = [];
  const sentences: string[] = [];
  for (const scenario of scenarios) {
    const ts = trials.filter((t) => t.scenario === scenario);
    const rates = new Set(ts.map((t) => t.load.rate));
    const rate = rates.size === 1 ? [...rates][0]! : null;
    commonRate[scenario] = rate;
    const broke = ts.filter((t) => {
      const f = figures(t);
      return f === null || !holdsSlo({ rate: 0, p99Us: f.p99Us, errorRate: f.errorRate, dropRate: f.dropRate }, slo);
    });
    const scenarioRows = ts.map(row);
    rows.push(...scenarioRows);
    sentences.push(sentence(scenario, scenarioRows, slo, rate, broke.map((t) => t.tier)));
  }
  return { slo, commonRate, rows, sentences };
}
