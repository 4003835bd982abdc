import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/**
 * Evidence about the generator itself. A slow or stalled app shows as latency, errors, timeouts
 * and drops; the generator is called limited only when it could not keep its own schedule.
 */
export const LIMITS = {
  /** Requests issued over the time it actually took, against the target. */
  minAchievedShare: 0.95,
  /** Intended send time to issue, p99. A generator keeping up is about 1 ms late here. */
  maxSendLatenessP99Ms: 10,
  maxEventLoopDelayP99Ms: 20,
  /** Event-loop utilization of a worker: near 1 it never waited for anything, so it was the limit. */
  maxWorkerUtilization: 0.9,
} as const;

export interface GeneratorEvidence {
  /** null for a closed loop: it has no schedule to keep, only its own busyness to show. */
  targetRate: number | null;
  achievedRate: number;
  sendLatenessP99Ms: number;
  eventLoopDelayP99Ms: number;
  workerUtilization: readonly number[];
}

/** Why the generator should be called limited; empty when it kept its schedule. Pure. */
export function limitReasons(e: GeneratorEvidence): string[] {
  const reasons: string[] = [];
  if (e.targetRate !== null && e.achievedRate < LIMITS.minAchievedShare * e.targetRate)
    reasons.push(`issued ${e.achievedRate.toFixed(1)} req/s, below ${LIMITS.minAchievedShare * 100}% of the target ${e.targetRate} req/s`);
  if (e.sendLatenessP99Ms > LIMITS.maxSendLatenessP99Ms)
    reasons.push(`send lateness p99 ${e.sendLatenessP99Ms.toFixed(1)} ms exceeds ${LIMITS.maxSendLatenessP99Ms} ms (requests left the generator late)`);
  if (e.eventLoopDelayP99Ms > LIMITS.maxEventLoopDelayP99Ms)
    reasons.push(`event-loop delay p99 ${e.eventLoopDelayP99Ms.toFixed(1)} ms exceeds ${LIMITS.maxEventLoopDelayP99Ms} ms`);
  e.workerUtilization.forEach((u, i) => {
    if (u > LIMITS.maxWorkerUtilization) reasons.push(`generator worker ${i} was busy ${(u * 100).toFixed(0)}% of the window (limit ${LIMITS.maxWorkerUtilization * 100}%)`);
  });
  return reasons;
}

export interface ThreadHealth {
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Event-loop utilization over the watched span (0..1). */
  utilization: number;
}

const LOOP_RESOLUTION_MS = 10;

/** Watches the calling thread's event loop from now until stop(). */
export function watchThread(): { stop(): ThreadHealth } {
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const elu = performance.eventLoopUtilization();
  return {
    stop() {
      loop.disable();
      // The histogram holds intervals between 10 ms timer ticks; the delay is what exceeds them.
      const delayMs = (ns: number): number => (loop.count > 0 ? Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) : 0);
      return {
        eventLoopDelayP99Ms: delayMs(loop.percentile(99)),
        eventLoopDelayMaxMs: delayMs(loop.max),
        utilization: performance.eventLoopUtilization(elu).utilization,
      };
    },
  };
}
