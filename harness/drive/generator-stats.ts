import { newHistogram, summarize } from '../metrics/histograms.ts';
import type { GeneratorStats } from '../results/types.ts';
import { mergeParts, mergeSummaries } from './merge.ts';
import { limitReasons, type ThreadHealth } from './monitor.ts';
import type { OpenModelOutput } from './open-model.ts';

export interface WorkerResult {
  output: OpenModelOutput;
  health: ThreadHealth;
}

/**
 * Requests issued over the time it actually took. On schedule, each worker issues its last request
 * of the window at that request's intended time; however late it was, the generator took that much
 * longer than the window. Works for any arrival function (constant or ramp): the window's length
 * and the last request's own lateness are all it needs. A closed loop has no schedule to keep.
 */
export function achievedRate(outs: readonly OpenModelOutput[], windowSec: number, open: boolean): { rate: number; elapsedUs: number } {
  const issued = outs.reduce((n, o) => n + o.issued, 0);
  if (!open) return { rate: issued / windowSec, elapsedUs: windowSec * 1e6 };
  const windowStartUs = outs[0]!.windowStartUs;
  const lateUs = Math.max(0, ...outs.map((o) => o.lastIssueUs - o.lastIntendedUs));
  const endUs = Math.max(...outs.map((o) => Math.max(o.lastIssueUs, o.lastIntendedUs)));
  return { rate: issued / (windowSec + lateUs / 1e6), elapsedUs: endUs - windowStartUs };
}

/** The generator's figures for the trial, from every worker's output and health. */
export function generatorStats(targetRate: number | null, windowSec: number, results: readonly WorkerResult[], cpuSeconds: number): GeneratorStats {
  const outs = results.map((r) => r.output);
  const windowStartUs = outs[0]!.windowStartUs;
  const { rate: achieved, elapsedUs } = achievedRate(outs, windowSec, targetRate !== null);
  const sendLateness = mergeSummaries(outs.map((o) => o.sendLateness));
  const eventLoopDelayP99Ms = Math.max(...results.map((r) => r.health.eventLoopDelayP99Ms));
  const workerUtilization = results.map((r) => r.health.utilization);
  const aborted = outs.some((o) => o.aborted);
  const reasons = aborted ? [] : limitReasons({ targetRate, achievedRate: achieved, sendLatenessP99Ms: sendLateness.percentilesUs.p99 / 1000, eventLoopDelayP99Ms, workerUtilization });
  const parts = mergeParts(outs.map((o) => o.part));
  let scheduled = 0;
  let sent = 0;
  let dropped = 0;
  for (const op of Object.values(parts.operations)) {
    scheduled += op.counts.scheduled;
    sent += op.counts.sent;
    dropped += op.counts.dropped;
  }
  const measuredSec = Math.max(1e-9, (Math.max(...outs.map((o) => o.drainedUs)) - windowStartUs) / 1e6);
  return {
    targetRate,
    achievedRate: achieved,
    scheduled,
    sent,
    dropped,
    elapsedMs: elapsedUs / 1000,
    workers: results.length,
    sendLateness,
    eventLoopDelayP99Ms,
    eventLoopDelayMaxMs: Math.max(...results.map((r) => r.health.eventLoopDelayMaxMs)),
    cpuSeconds,
    cpuShare: cpuSeconds / measuredSec,
    workerUtilization,
    limited: reasons.length > 0,
    limitReasons: reasons,
  };
}

/** The generator's stats for a trial that never ran (interrupted before it started). */
export function idleGeneratorStats(targetRate: number | null): GeneratorStats {
  return { targetRate, achievedRate: 0, scheduled: 0, sent: 0, dropped: 0, elapsedMs: 0, workers: 0, sendLateness: summarize(newHistogram()), eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0, cpuSeconds: 0, cpuShare: 0, workerUtilization: [], limited: false, limitReasons: [] };
}
