/**
 * k6-style absolute thresholds: "<metric> <operator> <value>[unit]", e.g. `feed.p99 < 50ms`,
 * `getPhoto.p99.9 <= 200ms`, `errors.rate < 1%`, `http_reqs.rate > 100`.
 *
 * Latency metrics (a last segment pN, min, max, mean, avg or med) need a duration unit (us, µs, ms,
 * s) and are held in integer-microsecond units like every latency in results.json; a bare number
 * there is refused because k6 would read it as ms while results store µs. Percentages (`1%`) are
 * fractions (0.01). Everything else is a plain number in the metric's own unit.
 */
import type { Parsed } from '../config/parse.ts';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';
/** Unit the value was written in: a duration (held in µs), a percentage (held as a fraction) or plain. */
export type ThresholdUnit = 'duration' | 'percent' | 'plain';

export interface Threshold {
  /** The expression as written (trimmed). */
  source: string;
  /** Key in the flat metrics map, e.g. "feed.p99" (k6's "p(99)" is normalized to "p99"). */
  metric: string;
  op: ThresholdOp;
  /** Bound in canonical units: microseconds for durations, a fraction for percentages. */
  value: number;
  unit: ThresholdUnit;
  /** Unit the bound was written in (us, ms, s, %, or '' for plain), to show values the same way. */
  writtenUnit: string;
}

export const ACCEPTED_THRESHOLD =
  '<metric> <op> <value>, e.g. "feed.p99 < 50ms", "getPhoto.p99.9 <= 200ms", "errors.rate < 1%", "http_reqs.rate > 100"; ' +
  'operators <, <=, >, >=, ==; latency metrics (pN, min, max, mean, avg, med) need a duration in us, ms or s; % for rates';

const SEGMENT = String.raw`(?:p\d+(?:\.\d+)?|[A-Za-z_][\w-]*)`;
const METRIC = new RegExp(String.raw`^[A-Za-z_][\w-]*(?:\.${SEGMENT})*$`);
const EXPRESSION = /^(.+?)\s*(<=|>=|==|<|>)\s*(.+)$/;
const VALUE = /^(-?(?:\d+(?:\.\d*)?|\.\d+))\s*(us|µs|ms|s|%)?$/;
const LATENCY_STATS = new Set(['min', 'max', 'mean', 'avg', 'med']);
const MICROSECONDS: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

/** Whether a flat metric key names a latency (microseconds). */
export function isLatencyMetric(metric: string): boolean {
  const last = /\.(p\d+(?:\.\d+)?|[A-Za-z_][\w-]*)$/.exec(metric)?.[1] ?? metric;
  return /^p\d+(\.\d+)?$/.test(last) || LATENCY_STATS.has(last);
}

const fail = (text: string, why: string): Parsed<Threshold> => ({
  ok: false,
  message: `threshold "${text}": ${why}; accepted: ${ACCEPTED_THRESHOLD}`,
});

/**
 * Parses one expression.
 * @returns the threshold in canonical units, or a message saying what is wrong and what is accepted
 */
export function parseThreshold(text: string): Parsed<Threshold> {
  const source = text.trim();
  const m = EXPRESSION.exec(source);
  if (!m) return fail(source, /[=!]=?|=>|=</.test(source) ? 'unknown operator' : 'no comparison operator');
  const metric = m[1]!.replace(/\bp\((\d+(?:\.\d+)?)\)/g, 'p$1');
  const op = m[2] as ThresholdOp;
  if (/[<>=!]/.test(m[1]!)) return fail(source, 'unknown operator');
  if (!METRIC.test(metric)) return fail(source, `"${m[1]}" is not a metric name (dot-separated names like feed.p99 or errors.rate)`);
  const percentileProblem = checkPercentile(metric);
  if (percentileProblem) return fail(source, percentileProblem);
  if (/^[<>=!]/.test(m[3]!)) return fail(source, `unknown operator "${op}${m[3]![0]}"`);
  return parseValue(source, metric, op, m[3]!.trim());
}

/** A pN segment must name a percentile in (0, 100]. */
function checkPercentile(metric: string): string | undefined {
  for (const [, p] of metric.matchAll(/(?:^|\.)p(\d+(?:\.\d+)?)(?=\.|$)/g)) {
    const value = Number(p);
    if (!(value > 0 && value <= 100)) return `percentile p${p} is outside (0, 100]`;
  }
  return undefined;
}

function parseValue(source: string, metric: string, op: ThresholdOp, text: string): Parsed<Threshold> {
  const v = VALUE.exec(text);
  if (!v) return fail(source, `"${text}" is not a number with an optional unit (us, ms, s, %)`);
  const number = Number(v[1]);
  const writtenUnit = v[2] ?? '';
  const latency = isLatencyMetric(metric);
  if (latency && !(writtenUnit in MICROSECONDS)) {
    return fail(source, `${metric} is a latency: give its bound a duration unit (us, ms or s), e.g. ${number}ms`);
  }
  if (!latency && writtenUnit in MICROSECONDS) return fail(source, `${metric} is not a latency: a duration unit (${writtenUnit}) does not apply`);
  const base = { source, metric, op, writtenUnit };
  if (latency) return { ok: true, value: { ...base, value: number * MICROSECONDS[writtenUnit]!, unit: 'duration' } };
  if (writtenUnit === '%') return { ok: true, value: { ...base, value: number / 100, unit: 'percent' } };
  return { ok: true, value: { ...base, value: number, unit: 'plain' } };
}

/**
 * Parses a list of expressions, reporting every malformed one (not just the first).
 * @returns all thresholds, or one message per bad expression
 */
export function parseThresholds(texts: readonly string[]): { ok: true; value: Threshold[] } | { ok: false; problems: string[] } {
  const value: Threshold[] = [];
  const problems: string[] = [];
  for (const text of texts) {
    const parsed = parseThreshold(text);
    if (parsed.ok) value.push(parsed.value);
    else problems.push(parsed.message);
  }
  return problems.length ? { ok: false, problems } : { ok: true, value };
}
