import { durationSecOf, maxInFlightOf, targetRateOf } from '../../scenarios/executors.ts';
import type { Scenario } from '../../scenarios/types.ts';
import type { LoadShape } from './types.ts';

/** The load shape a trial records: what the scenario's executor offered. */
export function loadShapeOf(scenario: Scenario): LoadShape {
  const e = scenario.executor;
  const shape: LoadShape = {
    executor: e.kind,
    rate: targetRateOf(e),
    durationSec: durationSecOf(e),
    warmupSec: e.warmupSec,
    connections: e.connections,
    maxInFlight: maxInFlightOf(e),
    timeoutMs: e.timeoutMs,
  };
  if (e.kind === 'ramping-arrival-rate') {
    shape.startRate = e.startRate;
    shape.stages = e.stages.map((s) => ({ durationSec: s.durationSec, targetRate: s.targetRate }));
  }
  return shape;
}

const num = (n: number): string => String(Number(n.toPrecision(6)));

/** One line for terminals and reports, e.g. "ramping-arrival-rate 0 → 500/s over 30s → 500/s over 60s (mean 375 req/s)". */
export function describeLoadShape(load: LoadShape): string {
  if (load.executor === 'closed-loop') return `closed loop, ${load.connections} connections, ${num(load.durationSec)}s`;
  if (load.stages === undefined || load.startRate === undefined) return `${load.executor} ${num(load.rate ?? 0)} req/s for ${num(load.durationSec)}s`;
  const stages = load.stages.map((s) => `→ ${num(s.targetRate)}/s over ${num(s.durationSec)}s`).join(' ');
  return `${load.executor} ${num(load.startRate)}/s ${stages} (mean ${num(load.rate ?? 0)} req/s)`;
}

/**
 * What a report adds after the rate for shapes that are more than one rate: '' for a constant
 * rate or a closed loop; for a ramp " mean (0/s → 500/s over 30s → ...)".
 */
export function loadDetailText(load: LoadShape): string {
  if (load.stages === undefined || load.startRate === undefined) return '';
  return ` mean (${num(load.startRate)}/s ${load.stages.map((s) => `→ ${num(s.targetRate)}/s over ${num(s.durationSec)}s`).join(' ')})`;
}
