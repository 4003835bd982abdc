import { durationSecOf, maxInFlightOf, targetRateOf } from '../../scenarios/executors.ts';
import { connectionsOf, maxInFlightOfScenario, offeredRateOf, scenarioStreams, warmupSecOf, windowSecOf, type ResolvedStream } from '../../scenarios/streams.ts';
import type { Executor, Scenario } from '../../scenarios/types.ts';
import type { ExecutorShape, LoadShape, StreamShape } from './types.ts';

/** The fields every executor records, a ramp's stages included. */
function executorShape(e: Executor): ExecutorShape {
  const ramp = e.kind === 'ramping-arrival-rate' ? { startRate: e.startRate, stages: e.stages.map((s) => ({ durationSec: s.durationSec, targetRate: s.targetRate })) } : {};
  return { durationSec: durationSecOf(e), warmupSec: e.warmupSec, connections: e.connections, maxInFlight: maxInFlightOf(e), timeoutMs: e.timeoutMs, ...ramp };
}

function streamShape(st: ResolvedStream): StreamShape {
  const e = st.executor;
  if (e.kind === 'closed-loop') throw new RangeError(`stream "${st.name}" is a closed loop: it cannot share a window`);
  return { name: st.name, executor: e.kind, rate: targetRateOf(e) ?? 0, startSec: st.startSec, ...executorShape(e), operations: st.operations.map((o) => o.name) };
}

/** The load shape a trial records: what the scenario's executors offered. */
export function loadShapeOf(scenario: Scenario): LoadShape {
  const streams = scenarioStreams(scenario);
  if (scenario.streams === undefined) {
    const e = streams[0]!.executor;
    return { executor: e.kind, rate: targetRateOf(e), ...executorShape(e) };
  }
  return {
    executor: 'multi-stream',
    rate: offeredRateOf(scenario),
    durationSec: windowSecOf(scenario),
    warmupSec: warmupSecOf(scenario),
    connections: connectionsOf(scenario),
    maxInFlight: maxInFlightOfScenario(scenario),
    timeoutMs: Math.max(...streams.map((st) => st.executor.timeoutMs)),
    streams: streams.map(streamShape),
  };
}

const num = (n: number): string => String(Number(n.toPrecision(6)));

function stagesText(startRate: number, stages: NonNullable<LoadShape['stages']>): string {
  return `${num(startRate)}/s ${stages.map((s) => `→ ${num(s.targetRate)}/s over ${num(s.durationSec)}s`).join(' ')}`;
}

function streamText(st: StreamShape): string {
  const rate = st.stages && st.startRate !== undefined ? `ramp ${stagesText(st.startRate, st.stages)}` : `${num(st.rate)}/s`;
  return `${st.name}: ${rate}, ${num(st.startSec)}–${num(st.startSec + st.durationSec)}s`;
}

/** One line for terminals and logs, e.g. "ramping-arrival-rate 0/s → 500/s over 30s (mean 250 req/s)". */
export function describeLoadShape(load: LoadShape): string {
  if (load.executor === 'closed-loop') return `closed loop, ${load.connections} connections, ${num(load.durationSec)}s`;
  if (load.streams) return `${load.streams.length} streams over ${num(load.durationSec)}s (${load.streams.map(streamText).join('; ')}; mean ${num(load.rate ?? 0)} req/s)`;
  if (load.stages === undefined || load.startRate === undefined) return `${load.executor} ${num(load.rate ?? 0)} req/s for ${num(load.durationSec)}s`;
  return `${load.executor} ${stagesText(load.startRate, load.stages)} (mean ${num(load.rate ?? 0)} req/s)`;
}

/**
 * What a report adds after the rate for shapes that are more than one rate: '' for a constant
 * rate or a closed loop; for a ramp " mean (0/s → 500/s over 30s → ...)"; for several streams
 * " mean over 2 streams (background: 500/s, 0–60s; storm: ...)".
 */
export function loadDetailText(load: LoadShape): string {
  if (load.streams) return ` mean over ${load.streams.length} streams (${load.streams.map(streamText).join('; ')})`;
  if (load.stages === undefined || load.startRate === undefined) return '';
  return ` mean (${stagesText(load.startRate, load.stages)})`;
}
