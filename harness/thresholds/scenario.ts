/**
 * A scenario's thresholds against one trial: parsed with the k6-style parser, evaluated over the
 * trial's flat metrics. The trial runner stores the findings on the trial; the CLI turns them into
 * its exit code with thresholdsExitCode.
 */
import { ExitCode, type ExitCodeValue } from '../errors.ts';
import type { CheckResult, Trial } from '../results/types.ts';
import { evaluateThresholds, thresholdExitCode } from './evaluate.ts';
import { trialMetrics } from './metrics.ts';
import { parseThresholds } from './parse.ts';

export interface ThresholdFindings {
  /** One per threshold (or per unparseable one): name is the expression, detail what was found. */
  findings: CheckResult[];
  passed: boolean;
  /** 0 when every threshold held (or there are none), 99 (ExitCode.gate) otherwise. */
  exitCode: number;
}

const failed = (name: string, detail: string): CheckResult => ({ name, ok: false, detail });

/**
 * Evaluates thresholds over a finished trial. A metric that is missing or has no samples fails
 * (a check that could not be made did not hold); so does an expression that does not parse.
 */
export function evaluateTrialThresholds(thresholds: readonly string[], trial: Trial): ThresholdFindings {
  if (thresholds.length === 0) return { findings: [], passed: true, exitCode: ExitCode.ok };
  const parsed = parseThresholds(thresholds);
  if (!parsed.ok) {
    const findings = parsed.problems.map((p) => failed('thresholds', p));
    return { findings, passed: false, exitCode: ExitCode.gate };
  }
  let metrics;
  try {
    metrics = trialMetrics(trial);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { findings: parsed.value.map((t) => failed(`threshold ${t.source}`, `FAILED: no metrics (${why})`)), passed: false, exitCode: ExitCode.gate };
  }
  const report = evaluateThresholds(parsed.value, metrics);
  const findings = report.outcomes.map((o) => ({ name: `threshold ${o.threshold.source}`, ok: o.passed, detail: o.message }));
  return { findings, passed: report.passed, exitCode: thresholdExitCode(report) };
}

/** Exit code of a run for its trials' thresholds: 99 (ExitCode.gate) if any failed, else 0. */
export function thresholdsExitCode(trials: readonly Trial[]): ExitCodeValue {
  return trials.some((t) => (t.thresholds ?? []).some((f) => !f.ok)) ? ExitCode.gate : ExitCode.ok;
}
