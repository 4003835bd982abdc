import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { GeneratorStats } from '../results/types.ts';

/** Limits beyond which the generator, not the app, may be what the numbers measure. */
export const SATURATION_LIMITS = {
  minAchievedShare: 0.95,
  maxEventLoopLagP99Ms: 50,
  maxCpuShare: 0.9,
} as const;

export interface SaturationInput {
  targetRate: number;
  achievedRate: number;
  dropped: number;
  eventLoopLagP99Ms: number;
  cpuShare: number;
}

/** Why the generator should be considered saturated; empty when it kept up. Pure. */
export function saturationReasons(s: SaturationInput): string[] {
  const reasons: string[] = [];
  if (s.achievedRate < SATURATION_LIMITS.minAchievedShare * s.targetRate) {
    reasons.push(
      `achieved ${s.achievedRate.toFixed(1)} req/s is below ${SATURATION_LIMITS.minAchievedShare * 100}% of the target ${s.targetRate} req/s`,
    );
  }
  if (s.dropped > 0) reasons.push(`${s.dropped} requests dropped because maxInFlight requests were outstanding`);
  if (s.eventLoopLagP99Ms > SATURATION_LIMITS.maxEventLoopLagP99Ms) {
    reasons.push(
      `event-loop lag p99 ${s.eventLoopLagP99Ms.toFixed(1)} ms exceeds ${SATURATION_LIMITS.maxEventLoopLagP99Ms} ms`,
    );
  }
  if (s.cpuShare > SATURATION_LIMITS.maxCpuShare) {
    reasons.push(`generator used ${s.cpuShare.toFixed(2)} of a core (limit ${SATURATION_LIMITS.maxCpuShare})`);
  }
  return reasons;
}

export interface WindowCounts {
  targetRate: number;
  scheduled: number;
  sent: number;
  dropped: number;
  /** Length of the measured window. */
  elapsedMs: number;
}

export interface GeneratorMonitor {
  /** Ends the window and returns the generator's view of it. Call once. */
  stop(counts: WindowCounts): GeneratorStats;
}

const LOOP_RESOLUTION_MS = 10;

/** Starts watching this process: CPU (process.cpuUsage) and event-loop delay at 10 ms resolution. */
export function startGeneratorMonitor(): GeneratorMonitor {
  const cpuStart = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  let stopped = false;
  return {
    stop(counts: WindowCounts): GeneratorStats {
      if (stopped) throw new Error('generator monitor already stopped');
      stopped = true;
      loop.disable();
      const cpu = process.cpuUsage(cpuStart);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const elapsedSec = counts.elapsedMs / 1000;
      // The histogram holds intervals between 10 ms timer ticks; the lag is what exceeds the resolution.
      const lagMs = (ns: number): number => (loop.count > 0 ? Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) : 0);
      const eventLoopLagP99Ms = lagMs(loop.percentile(99));
      const eventLoopLagMaxMs = lagMs(loop.max);
      const cpuShare = elapsedSec > 0 ? cpuSeconds / elapsedSec : 0;
      const achievedRate = elapsedSec > 0 ? counts.sent / elapsedSec : 0;
      const saturationReasonsList =
        elapsedSec > 0
          ? saturationReasons({ targetRate: counts.targetRate, achievedRate, dropped: counts.dropped, eventLoopLagP99Ms, cpuShare })
          : [];
      return {
        targetRate: counts.targetRate,
        achievedRate,
        scheduled: counts.scheduled,
        sent: counts.sent,
        dropped: counts.dropped,
        cpuSeconds,
        cpuShare,
        eventLoopLagP99Ms,
        eventLoopLagMaxMs,
        saturated: saturationReasonsList.length > 0,
        saturationReasons: saturationReasonsList,
      };
    },
  };
}
