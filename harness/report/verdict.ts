/**
 * "Which tier, and why": per scenario, the tiers' figures side by side and a sentence saying who
 * wins by how much. From the run's headline where it has one (maximum sustainable throughput under
 * the SLO, from sweeps, and latency at the rate every tier held); otherwise, where several tiers
 * ran the same scenario, what is there (achieved rate and all-requests p99 over the window),
 * clearly labelled as not a sustainable-throughput comparison.
 */
import { sustainableOf } from '../results/headline.ts';
import type { HeadlineRow, ResultsFile, Slo, Sustainable, Trial } from '../results/types.ts';
import { fmtInt, fmtMs, fmtNum } from './format.ts';
import { groupByScenario, type ScenarioGroup } from './groups.ts';
import { summarizeTrial } from './summary.ts';
import { trialWarnings, type Warning } from './warnings.ts';

export interface VerdictRow {
  tier: string;
  /** Index of the trial in results.trials the row's other figures come from. */
  trialIndex: number;
  /** Index in results.headline.rows of the row's headline figures; null on the window basis. */
  headlineIndex: number | null;
  maxSustainable: Sustainable | null;
  /** all-requests latency: at the common rate (headline) or over the trial's window. */
  p50Us: number | null;
  p99Us: number | null;
  p999Us: number | null;
  offeredRate: number;
  achievedRate: number;
  /** Errors and timeouts over requests scheduled (headline: as the headline says). */
  errorRate: number;
  dropRate: number;
  cacheHitRate: number | null;
  checksPassed: number;
  checksTotal: number;
  warnings: Warning[];
}

export interface ScenarioVerdict {
  scenario: string;
  /** headline: figures from results.headline; window: from the trials' own windows (no sweep). */
  basis: 'headline' | 'window';
  /** The highest rate every tier held (headline basis only). */
  commonRate: number | null;
  sentences: string[];
  rows: VerdictRow[];
}

export interface Verdicts {
  slo: Slo | null;
  /** The headline's own sentences, as written by the run. */
  headlineSentences: string[];
  scenarios: ScenarioVerdict[];
}

function counts(trial: Trial): { scheduled: number; notOk: number; dropped: number } {
  return Object.values(trial.operations).reduce(
    (a, o) => ({ scheduled: a.scheduled + o.counts.scheduled, notOk: a.notOk + o.counts.errors + o.counts.timeouts, dropped: a.dropped + o.counts.dropped }),
    { scheduled: 0, notOk: 0, dropped: 0 },
  );
}

function windowRow(index: number, trial: Trial, upgradedFrom: number | undefined): VerdictRow {
  const s = summarizeTrial(trial, index);
  const c = counts(trial);
  return {
    tier: trial.tier,
    trialIndex: index,
    headlineIndex: null,
    maxSustainable: sustainableOf(trial.sweep?.maxSustainable),
    p50Us: s.all?.p50Us ?? null,
    p99Us: s.all?.p99Us ?? null,
    p999Us: s.all?.p999Us ?? null,
    offeredRate: trial.load.rate ?? trial.generator.achievedRate,
    achievedRate: trial.generator.achievedRate,
    errorRate: c.notOk / Math.max(1, c.scheduled),
    dropRate: c.dropped / Math.max(1, c.scheduled),
    cacheHitRate: trial.backends.memcached.hitRate,
    checksPassed: s.checksPassed,
    checksTotal: trial.checks.length,
    warnings: trialWarnings(trial, upgradedFrom),
  };
}

function headlineRow(h: HeadlineRow, headlineIndex: number, base: VerdictRow): VerdictRow {
  return {
    ...base,
    headlineIndex,
    maxSustainable: h.maxSustainable,
    p50Us: h.atCommonRate?.p50Us ?? null,
    p99Us: h.atCommonRate?.p99Us ?? null,
    p999Us: h.atCommonRate?.p999Us ?? null,
    errorRate: h.errorRate,
    cacheHitRate: h.cacheHitRate,
  };
}

/** "1.8×" or "+12%": how much bigger a is than b. */
export function howMuch(a: number, b: number): string {
  const r = a / b;
  return r >= 1.5 ? `${fmtNum(r, 1)}×` : `${fmtNum((r - 1) * 100, 0)}%`;
}

function sameRate(rows: readonly VerdictRow[]): boolean {
  const rates = rows.map((r) => r.offeredRate);
  return Math.max(...rates) <= Math.min(...rates) * 1.01;
}

/** The fallback sentence: what can be said without a sweep, saying what it is not. */
export function windowSentence(scenario: string, rows: readonly VerdictRow[]): string {
  const prefix = `${scenario}: no sweep, so this is not a sustainable-throughput comparison.`;
  const withP99 = rows.filter((r) => r.p99Us !== null);
  if (withP99.length < 2) return `${prefix} Too few tiers with latency to compare.`;
  const achieved = withP99.map((r) => `${r.tier} ${fmtInt(r.achievedRate)}`).join(', ');
  if (sameRate(withP99)) {
    const sorted = [...withP99].sort((a, b) => a.p99Us! - b.p99Us!);
    const best = sorted[0]!;
    const worst = sorted.at(-1)!;
    return `${prefix} At the same offered ${fmtInt(best.offeredRate)} req/s, ${best.tier} had the lowest all-requests p99 (${fmtMs(best.p99Us)} ms), ${howMuch(worst.p99Us!, best.p99Us!)} lower than ${worst.tier} (${fmtMs(worst.p99Us)} ms); achieved req/s: ${achieved}.`;
  }
  const each = withP99.map((r) => `${r.tier} was offered ${fmtInt(r.offeredRate)} and achieved ${fmtInt(r.achievedRate)} req/s at p99 ${fmtMs(r.p99Us)} ms`).join('; ');
  return `${prefix} The offered rates differ, so neither figure compares directly: ${each}.`;
}

/** One row per tier (its first trial in the scenario) where one tier ran it several times. */
function firstPerTier(rows: readonly VerdictRow[]): VerdictRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.tier) ? false : (seen.add(r.tier), true)));
}

/**
 * True when a headline sentence is about this scenario: it starts with the name, then ' ', ',' or ':'
 * (read-after-write's sentence is not read-after-write-control's).
 */
export function isAbout(sentence: string, scenario: string): boolean {
  return sentence.startsWith(scenario) && [' ', ',', ':'].includes(sentence.charAt(scenario.length));
}

function scenarioVerdict(results: ResultsFile, group: ScenarioGroup): ScenarioVerdict {
  const base = group.members.map((m) => windowRow(m.index, m.trial, results.upgradedFrom));
  const head = (results.headline?.rows ?? []).map((h, k) => ({ h, k })).filter(({ h }) => h.scenario === group.scenario);
  if (head.length > 0) {
    const rows = head
      .map(({ h, k }) => {
        const b = base.find((r) => r.tier === h.tier);
        return b ? headlineRow(h, k, b) : null;
      })
      .filter((r): r is VerdictRow => r !== null);
    const sentences = (results.headline?.sentences ?? []).filter((s) => isAbout(s, group.scenario));
    return { scenario: group.scenario, basis: 'headline', commonRate: results.headline?.commonRate[group.scenario] ?? null, sentences, rows };
  }
  const sentences = group.tiers.length > 1 ? [windowSentence(group.scenario, firstPerTier(base))] : [];
  return { scenario: group.scenario, basis: 'window', commonRate: null, sentences, rows: base };
}

/** The verdict of every scenario of the run. */
export function verdicts(results: ResultsFile): Verdicts {
  return {
    slo: results.headline?.slo ?? null,
    headlineSentences: results.headline?.sentences ?? [],
    scenarios: groupByScenario(results).map((g) => scenarioVerdict(results, g)),
  };
}
