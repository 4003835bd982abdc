/**
 * Verdicts: one per gated metric, and the overall one.
 *
 * FAIL          significant after Holm (one-sided, "candidate worse") AND the Hodges–Lehmann
 *               estimate is beyond the threshold. Significance alone is not enough (a real +2% is
 *               not a regression worth failing a build), and an estimate alone is not enough (noise).
 * PASS          the worse end of the interval (a one-sided 1 − alpha bound) is within the threshold:
 *               the data rule out a change as bad as the threshold.
 * INCONCLUSIVE  neither: the interval reaches past the threshold but the evidence does not
 *               establish a regression. Shown with the run's minimum detectable change.
 * INVALID       the data cannot support a verdict (no pairs, a missing metric, NaN, a zero or
 *               negative value, too few blocks, a scenario not run). Fails closed: never a pass.
 * REPORTED      a metric shown but not gated (p99 by default); it does not count.
 */
import { ExitCode } from '../errors.ts';

export type Verdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE' | 'INVALID';
export type MetricVerdict = Verdict | 'REPORTED';

/** Inputs of one gated ratio metric, all worse-oriented log-ratios (positive = candidate worse). */
export interface RatioDecisionInput {
  /** Holm-adjusted one-sided p-value for "candidate worse". */
  adjustedP: number;
  alpha: number;
  /** Hodges–Lehmann estimate. */
  estimate: number;
  /** One-sided (1 − alpha) upper bound: the worse end of the interval (Infinity if none). */
  worseBound: number;
  /** Threshold, >= 0 (0: any significant worsening fails). */
  threshold: number;
}

/** FAIL, PASS or INCONCLUSIVE for one gated ratio metric (see the file comment). */
export function decideRatio(input: RatioDecisionInput): 'PASS' | 'FAIL' | 'INCONCLUSIVE' {
  if (input.adjustedP <= input.alpha && input.estimate > input.threshold) return 'FAIL';
  if (input.worseBound <= input.threshold) return 'PASS';
  return 'INCONCLUSIVE';
}

const SEVERITY: Record<Verdict, number> = { PASS: 0, INCONCLUSIVE: 1, INVALID: 2, FAIL: 3 };

/**
 * FAIL if any counted verdict is FAIL, else INVALID if any is INVALID, else INCONCLUSIVE if any
 * is, else PASS. REPORTED verdicts do not count; nothing counted at all is INVALID (a gate that
 * checked nothing has not passed).
 */
export function overallVerdict(verdicts: readonly MetricVerdict[]): Verdict {
  const counted = verdicts.filter((v): v is Verdict => v !== 'REPORTED');
  if (counted.length === 0) return 'INVALID';
  return counted.reduce((worst, v) => (SEVERITY[v] > SEVERITY[worst] ? v : worst), 'PASS' as Verdict);
}

/**
 * Exit code of `bench gate`: 0 for PASS (and INCONCLUSIVE unless failOnInconclusive), 99 for FAIL,
 * INVALID (fails closed) and INCONCLUSIVE with failOnInconclusive.
 */
export function gateExitCode(verdict: Verdict, failOnInconclusive: boolean): number {
  if (verdict === 'PASS') return ExitCode.ok;
  if (verdict === 'INCONCLUSIVE') return failOnInconclusive ? ExitCode.gate : ExitCode.ok;
  return ExitCode.gate;
}
