/**
 * Calibrating the gate's thresholds from real A-against-A gates, pure: no I/O.
 *
 * An A/A gate compares a version with itself, so every FAIL it gives is a false one. From the
 * blocks of several recorded A/A gates (gate.json), per scenario, this resamples whole ABBA blocks
 * with replacement into many synthetic gates of the config's size, decides each with the gate's own
 * evaluateGate, and counts false FAILs per metric. Whole blocks keep what the machine did to a
 * block (a stall, a drift, a trend) and the correlation between a trial's metrics.
 *
 * Then, for a target false-FAIL rate (1% by default), it raises the ratio thresholds of the metric
 * that fails most, in 5-point steps from the config's own, until the simulated rate is within the
 * target; a count rule that still fails too often becomes significant-increase, then report. The
 * thresholds only ever go up from the config's: calibration never makes the gate stricter than the
 * thresholds a user set, it finds where noise on this machine would make them lie.
 *
 * A bootstrap over a few dozen blocks sees only the noise those gates met: it is an estimate, and
 * the report says how many blocks and gates it stood on.
 */
import { createRng } from '../drive/rng.ts';
import type { FlatMetrics } from '../thresholds/metrics.ts';
import type { CountRule, GateConfig, RatioRule } from './config.ts';
import { evaluateGate, type GateReport, type ScenarioTrials } from './gate.ts';
import { ratioMetric, type CountMetricName, type RatioMetricName } from './metrics.ts';
import type { AbbaBlock } from './pairs.ts';

/** What calibration reads of a recorded gate (a subset of gate.json). */
export interface RecordedGate {
  /** Where it came from, for messages. */
  source: string;
  trials: ReadonlyArray<{ block: number | null; slot: string; scenarios: Readonly<Record<string, { gated: FlatMetrics }>> }>;
}

export interface CalibrationSettings {
  /** Largest acceptable share of A/A gates that FAIL, e.g. 0.01. */
  target: number;
  /** Synthetic gates per evaluation. */
  resamples: number;
  seed: number;
  /** Step and ceiling of a ratio threshold's search, in percentage points. */
  stepPct?: number;
  maxPct?: number;
}

export interface MetricFailRate {
  scenario: string;
  metric: RatioMetricName | CountMetricName;
  /** Share of synthetic A/A gates in which this metric FAILed. */
  failRate: number;
}

export interface CalibrationStep {
  config: Pick<GateConfig, 'relative' | 'counts'>;
  /** Share of synthetic A/A gates whose overall verdict was FAIL. */
  falseFailRate: number;
  byMetric: MetricFailRate[];
  /** What was changed to reach this step (empty for the config as given). */
  change: string;
}

export interface Calibration {
  blocksPerScenario: Record<string, number>;
  gates: number;
  /** Each recorded gate decided under the config as given (its real verdict under these rules). */
  observed: Array<{ source: string; verdict: GateReport['verdict']; estimates: Array<{ scenario: string; metric: string; estimatePct: number | null; verdict: string }> }>;
  /** The config as given, then every change, the last one the recommendation. */
  steps: CalibrationStep[];
  /** Whether the last step meets the target (false when the search hit its ceiling). */
  met: boolean;
}

const SLOTS = ['a1', 'b1', 'b2', 'a2'] as const;

/**
 * The ABBA blocks of one scenario in one recorded gate (the warm-up trial left out).
 * @throws RangeError when a block lacks a slot or the scenario's metrics
 */
export function recordedBlocks(gate: RecordedGate, scenario: string): AbbaBlock[] {
  const byBlock = new Map<number, Partial<AbbaBlock>>();
  for (const t of gate.trials) {
    if (t.block === null) continue;
    const metrics = t.scenarios[scenario]?.gated;
    if (!metrics) throw new RangeError(`${gate.source}: trial in block ${t.block + 1} has no metrics of ${scenario}`);
    byBlock.set(t.block, { ...byBlock.get(t.block), [t.slot]: metrics });
  }
  return [...byBlock.entries()]
    .sort(([a], [b]) => a - b)
    .map(([block, parts]) => {
      const missing = SLOTS.filter((s) => !parts[s]);
      if (missing.length) throw new RangeError(`${gate.source}: block ${block + 1} lacks trial ${missing.join(', ')}`);
      return parts as AbbaBlock;
    });
}

type RulesOf = Pick<GateConfig, 'relative' | 'counts'>;

function simulate(config: GateConfig, pools: ReadonlyMap<string, readonly AbbaBlock[]>, settings: CalibrationSettings): Omit<CalibrationStep, 'config' | 'change'> {
  const rng = createRng(settings.seed, 'gate-calibration');
  const fails = new Map<string, number>();
  let overall = 0;
  for (let i = 0; i < settings.resamples; i++) {
    const runs: ScenarioTrials[] = config.scenarios.map((scenario) => {
      const pool = pools.get(scenario)!;
      return { scenario, blocks: Array.from({ length: config.abbaBlocks }, () => pool[rng.nextInt(pool.length)]!) };
    });
    const report = evaluateGate(config, runs);
    if (report.verdict === 'FAIL') overall++;
    for (const r of [...report.ratios, ...report.counts]) {
      if (r.verdict !== 'FAIL') continue;
      const key = `${r.scenario}\u0000${r.metric}`;
      fails.set(key, (fails.get(key) ?? 0) + 1);
    }
  }
  const byMetric: MetricFailRate[] = [];
  for (const scenario of config.scenarios) {
    for (const [metric, rule] of Object.entries(config.relative) as Array<[RatioMetricName, RatioRule]>)
      if (rule.gated) byMetric.push({ scenario, metric, failRate: (fails.get(`${scenario}\u0000${metric}`) ?? 0) / settings.resamples });
    for (const [metric, rule] of Object.entries(config.counts) as Array<[CountMetricName, CountRule]>)
      if (rule !== 'report') byMetric.push({ scenario, metric, failRate: (fails.get(`${scenario}\u0000${metric}`) ?? 0) / settings.resamples });
  }
  return { falseFailRate: overall / settings.resamples, byMetric };
}

/** The next rules after the metric failing most: its threshold 5 points looser, or its count rule one step laxer; null at the ceiling. */
function loosen(rules: RulesOf, worst: MetricFailRate, stepPct: number, maxPct: number): { rules: RulesOf; change: string } | null {
  const ratio = rules.relative[worst.metric as RatioMetricName];
  if (ratio?.gated) {
    const magnitude = Math.abs(ratio.percent) + stepPct;
    if (magnitude > maxPct) return null;
    const percent = (ratioMetric(worst.metric)?.worseWhen === 'lower' ? -1 : 1) * magnitude;
    return { rules: { ...rules, relative: { ...rules.relative, [worst.metric]: { gated: true, percent } } }, change: `${worst.metric} ${ratio.percent > 0 ? '+' : ''}${ratio.percent}% → ${percent > 0 ? '+' : ''}${percent}%` };
  }
  const count = rules.counts[worst.metric as CountMetricName];
  const next: CountRule | undefined = count === 'no-increase' ? 'significant-increase' : count === 'significant-increase' ? 'report' : undefined;
  if (!count || !next) return null;
  return { rules: { ...rules, counts: { ...rules.counts, [worst.metric]: next } }, change: `${worst.metric}: ${count} → ${next}` };
}

/**
 * @param config the gate config to calibrate (its scenarios, blocks, alpha and starting rules)
 * @param gates recorded A/A gates; each must have run every scenario of the config
 * @throws RangeError when a scenario has no recorded blocks
 */
export function calibrate(config: GateConfig, gates: readonly RecordedGate[], settings: CalibrationSettings): Calibration {
  const pools = new Map(config.scenarios.map((s) => [s, gates.flatMap((g) => recordedBlocks(g, s))] as const));
  for (const [scenario, pool] of pools) if (pool.length === 0) throw new RangeError(`no recorded A/A block ran ${scenario}`);
  const observed = gates.map((g) => {
    const report = evaluateGate({ ...config, abbaBlocks: 1 }, config.scenarios.map((s) => ({ scenario: s, blocks: recordedBlocks(g, s) })));
    return { source: g.source, verdict: report.verdict, estimates: report.ratios.map((r) => ({ scenario: r.scenario, metric: r.metric, estimatePct: r.stats?.estimatePct ?? null, verdict: r.verdict })) };
  });
  const stepPct = settings.stepPct ?? 5;
  const maxPct = settings.maxPct ?? 100;
  let rules: RulesOf = { relative: config.relative, counts: config.counts };
  const steps: CalibrationStep[] = [{ config: rules, change: '', ...simulate(config, pools, settings) }];
  for (;;) {
    const last = steps[steps.length - 1]!;
    if (last.falseFailRate <= settings.target) return { blocksPerScenario: Object.fromEntries([...pools].map(([s, p]) => [s, p.length])), gates: gates.length, observed, steps, met: true };
    const worst = [...last.byMetric].sort((a, b) => b.failRate - a.failRate)[0];
    const next = worst && worst.failRate > 0 ? loosen(rules, worst, stepPct, maxPct) : null;
    if (!next) return { blocksPerScenario: Object.fromEntries([...pools].map(([s, p]) => [s, p.length])), gates: gates.length, observed, steps, met: false };
    rules = next.rules;
    steps.push({ config: rules, change: next.change, ...simulate({ ...config, ...rules }, pools, settings) });
  }
}
