import type { Executor, RampStage } from '../../scenarios/types.ts';

/**
 * When request i of a phase is due: integer microseconds after the phase start (floored), or
 * Infinity when the phase offers fewer than i + 1 requests. A pure function of i, so every worker
 * computes the same times, and nothing accumulates: no drift however long the phase.
 */
export type ArrivalTimes = (index: number) => number;

/** Constant arrival rate: request i is due i / rate seconds after the phase start (floored to whole µs). */
export function intendedOffsetUs(index: number, rate: number): number {
  return Math.floor((index * 1e6) / rate);
}

export function constantArrivals(rate: number): ArrivalTimes {
  if (rate === 0) return () => Number.POSITIVE_INFINITY;
  return (index) => intendedOffsetUs(index, rate);
}

interface Segment {
  startUs: number;
  durationUs: number;
  /** Rates at the start and end of the segment, requests per second. */
  from: number;
  to: number;
  /** Cumulative requests offered before the segment, and within it. */
  before: number;
  requests: number;
}

function segmentsOf(startRate: number, stages: readonly RampStage[]): Segment[] {
  const out: Segment[] = [];
  let startUs = 0;
  let before = 0;
  let from = startRate;
  for (const s of stages) {
    const durationUs = Math.round(s.durationSec * 1e6);
    const requests = ((from + s.targetRate) / 2) * (durationUs / 1e6);
    out.push({ startUs, durationUs, from, to: s.targetRate, before, requests });
    startUs += durationUs;
    before += requests;
    from = s.targetRate;
  }
  return out;
}

/**
 * Seconds into a linear segment at which x requests have been offered: the root of
 * a·t² + b·t = x with a = (to − from) / 2d, b = from, written as 2x / (b + √(b² + 4ax)) so that it
 * holds for rising and falling rates alike without cancellation.
 */
function secondsToReach(seg: Segment, x: number): number {
  if (x <= 0) return 0;
  const d = seg.durationUs / 1e6;
  const a = (seg.to - seg.from) / (2 * d);
  const b = seg.from;
  if (a === 0) return x / b;
  // Rounding can make the discriminant a hair negative at the very end of a falling segment.
  return (2 * x) / (b + Math.sqrt(Math.max(0, b * b + 4 * a * x)));
}

/**
 * k6's ramping-arrival-rate: the rate moves linearly within each stage from where the last ended.
 * Request i is due where the cumulative arrivals reach i, as for a constant rate (i / rate); a flat
 * stage gives exactly the constant-rate times.
 */
export function rampArrivals(startRate: number, stages: readonly RampStage[]): ArrivalTimes {
  const segments = segmentsOf(startRate, stages).filter((s) => s.requests > 0);
  return (index) => {
    // Few stages: a scan is cheaper than a search.
    for (const seg of segments) {
      const x = index - seg.before;
      if (x >= seg.requests) continue;
      if (seg.from === seg.to) return seg.startUs + intendedOffsetUs(x, seg.from);
      const us = Math.floor(secondsToReach(seg, x) * 1e6);
      return seg.startUs + Math.min(us, seg.durationUs - 1);
    }
    return Number.POSITIVE_INFINITY;
  };
}

/**
 * A phase's arrival times: the measured window follows the executor; the warm-up of a ramp runs at
 * its start rate. A closed loop has no times (every request is "due" at 0; the loop paces itself).
 */
export function arrivalsOf(e: Executor, phase: 'warmup' | 'measure'): ArrivalTimes {
  switch (e.kind) {
    case 'closed-loop':
      return () => 0;
    case 'constant-arrival-rate':
      return constantArrivals(e.rate);
    case 'ramping-arrival-rate':
      return phase === 'warmup' ? constantArrivals(e.startRate) : rampArrivals(e.startRate, e.stages);
  }
}
