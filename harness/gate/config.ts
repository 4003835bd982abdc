/**
 * The gate's settings: defaults in harness/gate/defaults.json, overridden by a user's gate config
 * file. Validated like the run config: every problem reported at once, each saying what is accepted.
 */
import { readFileSync } from 'node:fs';
import { readUserJson } from '../config/user-file.ts';
import { UsageError } from '../errors.ts';
import { parseThresholds, type Threshold } from '../thresholds/parse.ts';
import { COUNT_METRICS, countMetric, RATIO_METRICS, ratioMetric, type CountMetricName, type RatioMetric, type RatioMetricName } from './metrics.ts';

/** A ratio metric is gated at a signed percent change (+10: latency up 10%; -10: throughput down 10%), or only reported. */
export type RatioRule = { gated: true; percent: number } | { gated: false };
/**
 * no-increase: the candidate's total over all its trials above the baseline's fails;
 * significant-increase: fails only when the increase is significant at alpha (exact binomial test);
 * report: shown, never fails.
 */
export type CountRule = 'no-increase' | 'significant-increase' | 'report';

export interface GateConfig {
  /** Family-wise error rate of the FAIL decisions (Holm over every gated test of every scenario: familySize). */
  alpha: number;
  /** ABBA blocks per scenario; each gives two pairs (A1,B1) and (A2,B2). */
  abbaBlocks: number;
  scenarios: string[];
  relative: Partial<Record<RatioMetricName, RatioRule>>;
  counts: Partial<Record<CountMetricName, CountRule>>;
  /** Absolute k6-style thresholds per scenario, checked on the candidate's merged metrics. */
  absolute: Record<string, Threshold[]>;
  /** Exit 99 on INCONCLUSIVE too (default: INCONCLUSIVE exits 0 and says so). */
  failOnInconclusive: boolean;
}

const KEYS = ['alpha', 'abbaBlocks', 'scenarios', 'relative', 'counts', 'absolute', 'failOnInconclusive'] as const;
const COUNT_RULES: readonly CountRule[] = ['no-increase', 'significant-increase', 'report'];
export const MAX_ABBA_BLOCKS = 1000;

/** Pairs of one scenario: two per ABBA block. */
export function pairsPerScenario(config: Pick<GateConfig, 'abbaBlocks'>): number {
  return 2 * config.abbaBlocks;
}

/**
 * m of Holm: the tests whose significance can FAIL the gate, in every gated scenario: gated ratio
 * metrics and count metrics under significant-increase (no-increase is a rule, not a test).
 */
export function familySize(config: Pick<GateConfig, 'relative' | 'counts' | 'scenarios'>): number {
  const ratios = Object.values(config.relative).filter((r) => r?.gated).length;
  const counts = Object.values(config.counts).filter((r) => r === 'significant-increase').length;
  return (ratios + counts) * config.scenarios.length;
}

/**
 * Fewest ABBA blocks with which a FAIL is possible at all: the smallest one-sided exact p-value
 * with n pairs is 2^-n (every pair worse), and Holm's first step needs p <= alpha / m.
 */
export function minimumBlocks(alpha: number, m: number): number {
  if (m === 0) return 1;
  return Math.max(1, Math.ceil(Math.ceil(Math.log2(m / alpha)) / 2));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseRatioRule(metric: RatioMetric, value: unknown, problems: string[]): RatioRule | undefined {
  const sign = metric.worseWhen === 'higher' ? '+' : '-';
  const example = metric.worseWhen === 'higher' ? '"+10%" (an increase of more than 10% fails)' : '"-10%" (a drop of more than 10% fails)';
  const accepted = `accepted: ${example}, or "report" (shown, not gated)`;
  if (value === 'report') return { gated: false };
  const m = typeof value === 'string' ? /^([+-])(\d+(?:\.\d+)?)%$/.exec(value.trim()) : null;
  if (!m) {
    problems.push(`relative.${metric.name}: ${JSON.stringify(value)} is not a threshold; ${accepted}`);
    return undefined;
  }
  const size = Number(m[2]);
  if (m[1] !== sign) problems.push(`relative.${metric.name}: "${value}" points the wrong way: ${metric.name} gets worse when it is ${metric.worseWhen}; ${accepted}`);
  else if (sign === '-' && size >= 100) problems.push(`relative.${metric.name}: "${value}" is not a possible drop; accepted: -0% to -99.9%`);
  else if (size > 1000) problems.push(`relative.${metric.name}: "${value}" is out of range; accepted: +0% to +1000%`);
  else return { gated: true, percent: sign === '+' ? size : -size };
  return undefined;
}

function parseRelative(value: unknown, problems: string[]): GateConfig['relative'] {
  const out: GateConfig['relative'] = {};
  if (!isObject(value)) {
    problems.push(`relative: must be an object of metric → threshold, e.g. { "p50": "+10%" }; metrics: ${RATIO_METRICS.map((m) => m.name).join(', ')}`);
    return out;
  }
  for (const [name, rule] of Object.entries(value)) {
    const metric = ratioMetric(name);
    if (!metric) problems.push(`relative: unknown metric "${name}"; accepted: ${RATIO_METRICS.map((m) => m.name).join(', ')}`);
    else {
      const parsed = parseRatioRule(metric, rule, problems);
      if (parsed) out[metric.name] = parsed;
    }
  }
  return out;
}

function parseCounts(value: unknown, problems: string[]): GateConfig['counts'] {
  const out: GateConfig['counts'] = {};
  if (!isObject(value)) {
    problems.push(`counts: must be an object of metric → rule, e.g. { "errors": "no-increase" }; metrics: ${COUNT_METRICS.map((m) => m.name).join(', ')}`);
    return out;
  }
  for (const [name, rule] of Object.entries(value)) {
    const metric = countMetric(name);
    if (!metric) problems.push(`counts: unknown metric "${name}"; accepted: ${COUNT_METRICS.map((m) => m.name).join(', ')}`);
    else if (!COUNT_RULES.includes(rule as CountRule)) problems.push(`counts.${name}: ${JSON.stringify(rule)} is not a rule; accepted: ${COUNT_RULES.join(', ')}`);
    else out[metric.name] = rule as CountRule;
  }
  return out;
}

function parseScenarios(value: unknown, problems: string[]): string[] {
  const accepted = 'accepted: a non-empty list of distinct scenario names, e.g. ["feed-reads", "instagram-day"]';
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`scenarios: ${JSON.stringify(value)}; ${accepted}`);
    return [];
  }
  const bad = value.filter((s) => typeof s !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(s));
  if (bad.length) problems.push(`scenarios: ${bad.map((s) => JSON.stringify(s)).join(', ')} not scenario names (lower-case letters, digits, dashes); ${accepted}`);
  if (new Set(value).size !== value.length) problems.push(`scenarios: a scenario is listed twice; ${accepted}`);
  return value.filter((s): s is string => typeof s === 'string');
}

function parseAbsolute(value: unknown, scenarios: readonly string[], problems: string[]): Record<string, Threshold[]> {
  const out: Record<string, Threshold[]> = {};
  if (!isObject(value)) {
    problems.push('absolute: must be an object of scenario → list of thresholds, e.g. { "feed-reads": ["latency.p99 < 50ms"] }');
    return out;
  }
  for (const [scenario, list] of Object.entries(value)) {
    if (!scenarios.includes(scenario)) problems.push(`absolute: "${scenario}" is not a gated scenario; accepted: ${scenarios.join(', ')}`);
    else if (!Array.isArray(list) || list.some((t) => typeof t !== 'string')) problems.push(`absolute.${scenario}: must be a list of threshold strings, e.g. ["latency.p99 < 50ms"]`);
    else {
      const parsed = parseThresholds(list as string[]);
      if (parsed.ok) out[scenario] = parsed.value;
      else problems.push(...parsed.problems.map((p) => `absolute.${scenario}: ${p}`));
    }
  }
  return out;
}

function parseNumber(key: string, value: unknown, check: (n: number) => boolean, accepted: string, problems: string[]): number {
  if (typeof value === 'number' && check(value)) return value;
  problems.push(`${key}: ${JSON.stringify(value)}; accepted: ${accepted}`);
  return Number.NaN;
}

/** Cross-field checks: something must be gated, and the number of pairs must make a FAIL possible. */
function checkFeasible(config: GateConfig, problems: string[]): void {
  const counted = Object.values(config.counts).some((r) => r !== 'report');
  const m = familySize(config);
  if (m === 0 && !counted && Object.keys(config.absolute).length === 0) problems.push('nothing is gated: give at least one relative threshold, count rule or absolute threshold');
  const needed = minimumBlocks(config.alpha, m);
  if (Number.isFinite(config.abbaBlocks) && Number.isFinite(config.alpha) && config.abbaBlocks < needed) {
    const n = pairsPerScenario(config);
    problems.push(
      `abbaBlocks: ${config.abbaBlocks} blocks give ${n} pairs, whose smallest possible p-value 2^-${n} = ${(2 ** -n).toPrecision(3)} is above alpha/m = ${(config.alpha / m).toPrecision(3)} ` +
        `(${m} gated comparisons): the gate could never FAIL; accepted: at least ${needed} blocks, or fewer gated metrics, scenarios or a larger alpha`,
    );
  }
}

/**
 * Validates a complete gate config (defaults already merged in).
 * @param data parsed JSON
 * @param source where it came from, prefixed to every problem
 * @throws UsageError listing every problem, one per line
 */
export function parseGateConfig(data: unknown, source = 'gate config'): GateConfig {
  const problems: string[] = [];
  if (!isObject(data)) throw new UsageError(`${source}: must be a JSON object with keys ${KEYS.join(', ')}`);
  for (const key of Object.keys(data)) {
    if (!(KEYS as readonly string[]).includes(key) && !key.startsWith('$')) problems.push(`unknown key "${key}"; accepted: ${KEYS.join(', ')}`);
  }
  const alpha = parseNumber('alpha', data.alpha, (n) => n > 0 && n < 0.5, 'a number above 0 and below 0.5, e.g. 0.05', problems);
  const abbaBlocks = parseNumber('abbaBlocks', data.abbaBlocks, (n) => Number.isInteger(n) && n >= 1 && n <= MAX_ABBA_BLOCKS, `an integer from 1 to ${MAX_ABBA_BLOCKS}`, problems);
  const scenarios = parseScenarios(data.scenarios, problems);
  const config: GateConfig = {
    alpha,
    abbaBlocks,
    scenarios,
    relative: parseRelative(data.relative, problems),
    counts: parseCounts(data.counts, problems),
    absolute: parseAbsolute(data.absolute ?? {}, scenarios, problems),
    failOnInconclusive: data.failOnInconclusive === undefined ? false : (data.failOnInconclusive as boolean),
  };
  if (typeof config.failOnInconclusive !== 'boolean') problems.push(`failOnInconclusive: ${JSON.stringify(data.failOnInconclusive)}; accepted: true or false`);
  if (problems.length === 0) checkFeasible(config, problems);
  if (problems.length) throw new UsageError(problems.map((p) => `${source}: ${p}`).join('\n'));
  return config;
}

/** The shipped defaults, as JSON data. */
export function defaultGateConfigData(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('./defaults.json', import.meta.url), 'utf8')) as Record<string, unknown>;
}

/**
 * Defaults overridden by a user's settings: top-level keys replace the defaults', except relative,
 * counts and absolute, which merge per metric (or scenario).
 * @param override parsed JSON of a gate config file, or undefined for the defaults
 */
export function resolveGateConfig(override?: unknown, source = 'gate config'): GateConfig {
  const defaults = defaultGateConfigData();
  if (override === undefined) return parseGateConfig(defaults, 'gate defaults');
  if (!isObject(override)) throw new UsageError(`${source}: must be a JSON object with keys ${KEYS.join(', ')}`);
  const merged: Record<string, unknown> = { ...defaults, ...override };
  for (const key of ['relative', 'counts', 'absolute'] as const) {
    if (isObject(defaults[key]) && isObject(override[key])) merged[key] = { ...defaults[key], ...override[key] };
  }
  return parseGateConfig(merged, source);
}

/**
 * Reads a gate config file (JSON) over the defaults.
 * @throws UsageError if it is missing, not JSON or invalid
 */
export function readGateConfig(path: string): GateConfig {
  const read = readUserJson(path);
  if (!read.ok) throw new UsageError(`gate config: ${read.problem}`);
  return resolveGateConfig(read.data, `gate config "${path}"`);
}
