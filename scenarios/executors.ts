import type { Executor, RampingArrivalRate } from './types.ts';

/** Requests a ramp offers over its stages: the integral of its piecewise-linear rate. */
export function rampRequests(e: Pick<RampingArrivalRate, 'startRate' | 'stages'>): number {
  let from = e.startRate;
  let total = 0;
  for (const s of e.stages) {
    total += ((from + s.targetRate) / 2) * s.durationSec;
    from = s.targetRate;
  }
  return total;
}

/** Length of the measured window: durationSec, or the sum of a ramp's stages. */
export function durationSecOf(e: Executor): number {
  return e.kind === 'ramping-arrival-rate' ? e.stages.reduce((a, s) => a + s.durationSec, 0) : e.durationSec;
}

/**
 * The offered (target) rate of an open-model executor: its rate, or for a ramp the mean offered
 * rate over the window (requests offered / window length); null for a closed loop.
 */
export function targetRateOf(e: Executor): number | null {
  if (e.kind === 'closed-loop') return null;
  if (e.kind === 'constant-arrival-rate') return e.rate;
  const seconds = durationSecOf(e);
  return seconds > 0 ? rampRequests(e) / seconds : 0;
}

/** The highest rate an open-model executor reaches (sizes generator threads); null for a closed loop. */
export function peakRateOf(e: Executor): number | null {
  if (e.kind === 'closed-loop') return null;
  if (e.kind === 'constant-arrival-rate') return e.rate;
  return Math.max(e.startRate, ...e.stages.map((s) => s.targetRate));
}

/** Requests that may be outstanding at once: maxInFlight, or one per connection in a closed loop. */
export function maxInFlightOf(e: Executor): number {
  return e.kind === 'closed-loop' ? e.connections : e.maxInFlight;
}
