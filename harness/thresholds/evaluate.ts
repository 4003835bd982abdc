/**
 * Evaluates parsed thresholds over a flat metrics map. A metric that is absent, undefined or NaN
 * fails its threshold: a check that could not be made is not a check that held.
 */
import { ExitCode } from '../errors.ts';
import type { FlatMetrics } from './metrics.ts';
import type { Threshold, ThresholdOp } from './parse.ts';

export interface ThresholdOutcome {
  threshold: Threshold;
  /** The metric's value in canonical units (µs, fraction, plain); undefined when missing. */
  actual: number | undefined;
  passed: boolean;
  /** One line: the expression, pass/fail, and the value or why there is none. */
  message: string;
}

export interface ThresholdReport {
  /** True when every threshold held (also when there are none). */
  passed: boolean;
  outcomes: ThresholdOutcome[];
}

/** `==` accepts this relative difference, so 0.1ms equals 100 µs after unit conversion. */
const EQUAL_TOLERANCE = 1e-9;

const COMPARE: Record<ThresholdOp, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => Math.abs(a - b) <= EQUAL_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b)),
};

const DIVISOR: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1_000_000, '%': 0.01, '': 1 };

/** A value in the unit its threshold was written in, e.g. 62123 µs as "62.12ms". */
export function formatValue(value: number, threshold: Threshold): string {
  const scaled = value / DIVISOR[threshold.writtenUnit]!;
  return `${Number(scaled.toPrecision(6))}${threshold.writtenUnit}`;
}

/** Keys sharing the metric's first segment (or all first segments), to say what exists instead. */
function nearbyKeys(metric: string, metrics: FlatMetrics): string {
  const head = metric.split('.')[0]!;
  const same = Object.keys(metrics).filter((k) => k.split('.')[0] === head && metrics[k] !== undefined);
  if (same.length) return `present under "${head}": ${same.slice(0, 12).join(', ')}${same.length > 12 ? ', ...' : ''}`;
  const heads = [...new Set(Object.keys(metrics).map((k) => k.split('.')[0]!))];
  return heads.length ? `no metric starts with "${head}"; present: ${heads.join(', ')}` : 'the metrics map is empty';
}

/**
 * @param threshold a parsed threshold
 * @param metrics flat metrics of a trial (or of merged trials)
 * @returns pass or fail with a message; a missing, undefined or NaN metric fails
 */
export function evaluateThreshold(threshold: Threshold, metrics: FlatMetrics): ThresholdOutcome {
  const actual = metrics[threshold.metric];
  if (actual === undefined || Number.isNaN(actual)) {
    const why = threshold.metric in metrics ? 'has no value (no samples in the window)' : 'is missing';
    return { threshold, actual: undefined, passed: false, message: `${threshold.source}: FAILED: ${threshold.metric} ${why}; ${nearbyKeys(threshold.metric, metrics)}` };
  }
  const passed = COMPARE[threshold.op](actual, threshold.value);
  return { threshold, actual, passed, message: `${threshold.source}: ${passed ? 'ok' : 'FAILED'} (${threshold.metric} = ${formatValue(actual, threshold)})` };
}

/** Evaluates every threshold; the report passes only if all of them do. */
export function evaluateThresholds(thresholds: readonly Threshold[], metrics: FlatMetrics): ThresholdReport {
  const outcomes = thresholds.map((t) => evaluateThreshold(t, metrics));
  return { passed: outcomes.every((o) => o.passed), outcomes };
}

/** Exit code for a scenario run's thresholds: 0 when all held, 99 (ExitCode.gate) otherwise. */
export function thresholdExitCode(report: ThresholdReport): number {
  return report.passed ? ExitCode.ok : ExitCode.gate;
}
