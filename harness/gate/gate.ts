/**
 * The gate's decision over the trials of baseline A and candidate B: pure, no I/O. The runner
 * (`bench gate`) runs the ABBA blocks, flattens each trial (trialMetrics) and calls evaluateGate.
 *
 * Per scenario and ratio metric: paired log-ratios → Hodges–Lehmann shift, exact Wilcoxon bounds
 * and one-sided p-value; Holm over every gated test of every scenario (gated ratio metrics and
 * significant-increase counts, counted even when their data is invalid, entering with p = 1);
 * verdicts. Count metrics compare totals; absolute thresholds check the candidate's merged metrics.
 */
import { evaluateThresholds, type ThresholdOutcome } from '../thresholds/evaluate.ts';
import type { FlatMetrics } from '../thresholds/metrics.ts';
import { familySize, pairsPerScenario, type CountRule, type GateConfig } from './config.ts';
import { countTotalsOf, decideCount, type CountTotals } from './counts.ts';
import { holm } from './holm.ts';
import { COUNT_METRICS, formatPercent, RATIO_METRICS, worseLogOfPercent, type CountMetricName, type RatioMetric, type RatioMetricName } from './metrics.ts';
import { pairCounts, pairLogRatios, type AbbaBlock } from './pairs.ts';
import { ratioStats, type RatioStats, type WorseStats } from './ratio-stats.ts';
import { decideRatio, gateExitCode, overallVerdict, type MetricVerdict, type Verdict } from './verdict.ts';
import { EXACT_MAX_N } from './wilcoxon.ts';

/** What the runner hands over for one scenario. */
export interface ScenarioTrials {
  scenario: string;
  /** ABBA blocks in run order, each trial flattened with trialMetrics. */
  blocks: readonly AbbaBlock[];
  /** The candidate's metrics over all its trials, merged exactly (needed only for absolute thresholds). */
  candidate?: FlatMetrics;
}

export interface RatioMetricReport {
  scenario: string;
  metric: RatioMetricName;
  gated: boolean;
  /** Signed percent-change threshold (+10: latency up 10%; -10: throughput down 10%); null when only reported. */
  thresholdPct: number | null;
  verdict: MetricVerdict;
  message: string;
  /** Why there is no verdict (INVALID) or no statistics; empty otherwise. */
  problems: string[];
  stats: RatioStats | null;
  /** Holm-adjusted p-value (gated metrics only). */
  adjustedP: number | null;
}

export interface CountMetricReport {
  scenario: string;
  metric: CountMetricName;
  rule: CountRule;
  verdict: MetricVerdict;
  /** Holm-adjusted p-value (significant-increase only). */
  adjustedP: number | null;
  /** Totals over all A trials and all B trials; null when the data was unusable. */
  baseline: number | null;
  candidate: number | null;
  /** Pairs in which B had more than A, and pairs whose counts differ (the sign test's); null when unusable. */
  pairsWorse: number | null;
  pairsDiffering: number | null;
  pValue: number | null;
  message: string;
  problems: string[];
}

export interface AbsoluteReport {
  scenario: string;
  verdict: 'PASS' | 'FAIL' | 'INVALID';
  outcomes: ThresholdOutcome[];
  message: string;
}

export interface GateReport {
  verdict: Verdict;
  exitCode: number;
  alpha: number;
  /** m: tests in Holm's family (familySize). */
  family: number;
  /** Pairs per scenario the config asks for (2 × abbaBlocks). */
  pairs: number;
  ratios: RatioMetricReport[];
  counts: CountMetricReport[];
  absolute: AbsoluteReport[];
  /** Method notes: normal approximations, zeros and ties. */
  notes: string[];
}

/** Why a scenario's trials cannot be judged at all, or undefined. */
function scenarioProblem(config: GateConfig, runs: readonly ScenarioTrials[], scenario: string): string | undefined {
  const found = runs.filter((r) => r.scenario === scenario);
  if (found.length === 0) return `scenario ${scenario} was not run`;
  if (found.length > 1) return `scenario ${scenario} was handed over ${found.length} times`;
  const blocks = found[0]!.blocks.length;
  if (blocks < config.abbaBlocks) return `${blocks} of the ${config.abbaBlocks} configured ABBA blocks were run: an incomplete gate is not a pass`;
  return undefined;
}

const fmtP = (p: number): string => p.toPrecision(2);

function interval(stats: RatioStats): string {
  const [lo, hi] = stats.intervalPct;
  return `${formatPercent(stats.estimatePct)} [${lo === null ? '-∞' : formatPercent(lo)}, ${hi === null ? '+∞' : formatPercent(hi)}]`;
}

interface RatioEntry {
  report: RatioMetricReport;
  metric: RatioMetric;
  worse: WorseStats | null;
}

function ratioEntry(config: GateConfig, scenario: string, run: ScenarioTrials | undefined, problem: string | undefined, metric: RatioMetric, detectLevel: number): RatioEntry {
  const rule = config.relative[metric.name]!;
  const base = { scenario, metric: metric.name, gated: rule.gated, thresholdPct: rule.gated ? rule.percent : null, adjustedP: null };
  const ratios = problem || !run ? { ok: false as const, problems: [problem ?? 'not run'] } : pairLogRatios(run.blocks, metric.key);
  if (!ratios.ok) {
    const verdict: MetricVerdict = rule.gated ? 'INVALID' : 'REPORTED';
    return { metric, worse: null, report: { ...base, verdict, message: `${verdict}: ${ratios.problems.join('; ')}`, problems: ratios.problems, stats: null } };
  }
  const { stats, worse } = ratioStats(ratios.value, metric.worseWhen, config.alpha, detectLevel);
  return { metric, worse, report: { ...base, verdict: 'REPORTED', message: '', problems: [], stats } };
}

function decideEntry(entry: RatioEntry, adjustedP: number, config: GateConfig): void {
  const { report, worse, metric } = entry;
  const stats = report.stats;
  if (!worse || !stats) return;
  report.adjustedP = report.gated ? adjustedP : null;
  if (!report.gated || report.thresholdPct === null) {
    report.message = `reported, not gated: ${interval(stats)}, p = ${fmtP(stats.pValue)}`;
    return;
  }
  const threshold = worseLogOfPercent(report.thresholdPct, metric.worseWhen);
  report.verdict = decideRatio({ adjustedP, alpha: config.alpha, estimate: worse.estimate, worseBound: worse.worseBound, threshold });
  report.message = ratioMessage(report, stats, adjustedP);
}

function ratioMessage(report: RatioMetricReport, stats: RatioStats, adjustedP: number): string {
  const thr = formatPercent(report.thresholdPct!);
  const p = `p = ${fmtP(stats.pValue)}, Holm-adjusted ${fmtP(adjustedP)}`;
  const worseEnd = stats.worseBoundPct === null ? 'unbounded' : formatPercent(stats.worseBoundPct);
  if (report.verdict === 'FAIL') return `FAIL: ${interval(stats)} is beyond ${thr} and significant (${p})`;
  if (report.verdict === 'PASS') return `PASS: ${interval(stats)}: the worse end ${worseEnd} is within ${thr}`;
  const detectable = stats.detectablePct === null ? 'none with this few pairs' : formatPercent(stats.detectablePct);
  return `INCONCLUSIVE: ${interval(stats)} reaches past ${thr} without an established regression (${p}); smallest change this run could detect: ${detectable}`;
}

function countEntry(config: GateConfig, scenario: string, run: ScenarioTrials | undefined, problem: string | undefined, name: CountMetricName): CountMetricReport {
  const rule = config.counts[name]!;
  const metric = COUNT_METRICS.find((m) => m.name === name)!;
  const base = { scenario, metric: name, rule, adjustedP: null };
  const counted = problem || !run ? { ok: false as const, problems: [problem ?? 'not run'] } : pairCounts(run.blocks, metric.key);
  if (!counted.ok) {
    const verdict: MetricVerdict = rule === 'report' ? 'REPORTED' : 'INVALID';
    return { ...base, verdict, baseline: null, candidate: null, pairsWorse: null, pairsDiffering: null, pValue: null, message: `${verdict}: ${counted.problems.join('; ')}`, problems: counted.problems };
  }
  const totals = countTotalsOf(counted.value);
  const { pValue } = decideCount(totals, rule, config.alpha);
  return { ...base, verdict: 'REPORTED', ...totals, pValue: pValue ?? null, message: '', problems: [] };
}

const totalsOf = (r: CountMetricReport): CountTotals | null =>
  r.baseline === null || r.candidate === null || r.pairsWorse === null || r.pairsDiffering === null ? null : { baseline: r.baseline, candidate: r.candidate, pairsWorse: r.pairsWorse, pairsDiffering: r.pairsDiffering };

/** Verdict and message of a count metric with usable totals, given its Holm-adjusted p-value (significant-increase). */
function decideCountEntry(report: CountMetricReport, adjustedP: number | null, config: GateConfig): void {
  const totals = totalsOf(report);
  if (!totals) return;
  const decision = decideCount(totals, report.rule, config.alpha, adjustedP ?? undefined);
  report.verdict = decision.verdict;
  report.adjustedP = adjustedP;
  const p = report.pValue === null ? '' : `; B more in ${totals.pairsWorse} of ${totals.pairsDiffering} differing pairs, p = ${fmtP(report.pValue)}, Holm-adjusted ${fmtP(adjustedP ?? report.pValue)}`;
  const label = decision.verdict === 'REPORTED' ? 'reported' : decision.verdict;
  report.message = `${label}: ${report.metric} ${report.baseline} (A) → ${report.candidate} (B) over all trials${p} (rule: ${report.rule})`;
}

function absoluteEntry(config: GateConfig, run: ScenarioTrials | undefined, problem: string | undefined, scenario: string): AbsoluteReport {
  const thresholds = config.absolute[scenario] ?? [];
  const why = problem ?? (run?.candidate ? undefined : `no merged candidate metrics were handed over for ${scenario}'s absolute thresholds`);
  if (why) return { scenario, verdict: 'INVALID', outcomes: [], message: `INVALID: ${why}` };
  const report = evaluateThresholds(thresholds, run!.candidate!);
  const failed = report.outcomes.filter((o) => !o.passed);
  const message = report.passed ? `PASS: ${thresholds.length} absolute thresholds held` : `FAIL: ${failed.map((o) => o.message).join('; ')}`;
  return { scenario, verdict: report.passed ? 'PASS' : 'FAIL', outcomes: report.outcomes, message };
}

function methodNotes(ratios: readonly RatioMetricReport[]): string[] {
  const notes: string[] = [];
  for (const r of ratios) {
    const s = r.stats;
    if (!s) continue;
    const where = `${r.scenario} ${r.metric}`;
    if (s.method === 'normal') notes.push(`${where}: more than ${EXACT_MAX_N} pairs, normal approximation used for the p-value and bounds`);
    if (s.zeros > 0) notes.push(`${where}: ${s.zeros} pairs had equal values in A and B (log-ratio 0): ranked, carrying no sign (Pratt)`);
    if (s.tied) notes.push(`${where}: tied log-ratios share mid-ranks; the p-value is exact given the ties, the bounds approximately so`);
  }
  return notes;
}

/**
 * Decides the gate.
 * @param config validated gate config (resolveGateConfig)
 * @param runs one entry per scenario: its ABBA blocks of flattened trials (and the candidate's merged metrics)
 * @returns every metric's statistics and verdict, the overall verdict and the exit code
 */
export function evaluateGate(config: GateConfig, runs: readonly ScenarioTrials[]): GateReport {
  const m = familySize(config);
  const detectLevel = config.alpha / Math.max(1, m);
  const ratioEntries: RatioEntry[] = [];
  const counts: CountMetricReport[] = [];
  const absolute: AbsoluteReport[] = [];
  for (const scenario of config.scenarios) {
    const problem = scenarioProblem(config, runs, scenario);
    const run = runs.find((r) => r.scenario === scenario);
    for (const metric of RATIO_METRICS.filter((x) => config.relative[x.name])) ratioEntries.push(ratioEntry(config, scenario, run, problem, metric, detectLevel));
    for (const metric of COUNT_METRICS.filter((x) => config.counts[x.name])) counts.push(countEntry(config, scenario, run, problem, metric.name));
    if (config.absolute[scenario]) absolute.push(absoluteEntry(config, run, problem, scenario));
  }
  // Holm's family: every gated ratio test and every significant-increase count test; unusable data enters with p = 1.
  const gated = ratioEntries.filter((e) => e.report.gated);
  const tested = counts.filter((c) => c.rule === 'significant-increase');
  const { adjusted } = holm([...gated.map((e) => e.report.stats?.pValue ?? 1), ...tested.map((c) => c.pValue ?? 1)], config.alpha);
  gated.forEach((e, i) => decideEntry(e, adjusted[i]!, config));
  ratioEntries.filter((e) => !e.report.gated).forEach((e) => decideEntry(e, 1, config));
  tested.forEach((c, i) => decideCountEntry(c, adjusted[gated.length + i]!, config));
  counts.filter((c) => c.rule !== 'significant-increase').forEach((c) => decideCountEntry(c, null, config));
  const ratios = ratioEntries.map((e) => e.report);
  const verdict = overallVerdict([...ratios, ...counts, ...absolute].map((r) => r.verdict));
  return { verdict, exitCode: gateExitCode(verdict, config.failOnInconclusive), alpha: config.alpha, family: m, pairs: pairsPerScenario(config), ratios, counts, absolute, notes: methodNotes(ratios) };
}
