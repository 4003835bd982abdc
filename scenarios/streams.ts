import { durationSecOf, maxInFlightOf, peakRateOf, rampRequests } from './executors.ts';
import type { Executor, OperationSpec, Scenario } from './types.ts';

/**
 * A scenario's streams in one form: a single-stream scenario is one stream named '' (whose rng
 * labels stay '' and 'warmup', so its request stream is byte for byte what it always was).
 */
export interface ResolvedStream {
  /** '' for a single-stream scenario. */
  name: string;
  operations: readonly OperationSpec[];
  executor: Executor;
  /** Seconds into the measured window at which the stream's own window starts. */
  startSec: number;
  /** Index of the stream's first operation in operationsOf(scenario). */
  opBase: number;
}

export function scenarioStreams(s: Scenario): ResolvedStream[] {
  if (s.streams === undefined) return [{ name: '', operations: s.operations, executor: s.executor, startSec: 0, opBase: 0 }];
  let opBase = 0;
  return s.streams.map((st) => {
    const out = { name: st.name, operations: st.operations, executor: st.executor, startSec: st.startSec ?? 0, opBase };
    opBase += st.operations.length;
    return out;
  });
}

/** Every operation of every stream, streams in order: the index space of results and recorders. */
export function operationsOf(s: Scenario): OperationSpec[] {
  return scenarioStreams(s).flatMap((st) => st.operations);
}

/** The rng label of a stream's phase: '' / 'warmup' for a single stream (as before streams existed). */
export function streamLabel(stream: Pick<ResolvedStream, 'name'>, phase: '' | 'warmup'): string {
  if (stream.name === '') return phase;
  return phase === '' ? `stream:${stream.name}` : `warmup:stream:${stream.name}`;
}

/** The measured window: until the last stream's own window ends. */
export function windowSecOf(s: Scenario): number {
  return Math.max(...scenarioStreams(s).map((st) => st.startSec + durationSecOf(st.executor)));
}

/** The warm-up before the window: the longest stream's (each stream warms up just before the window). */
export function warmupSecOf(s: Scenario): number {
  return Math.max(...scenarioStreams(s).map((st) => st.executor.warmupSec));
}

/** Requests an open-model executor offers in its window. */
function offeredRequests(e: Executor): number {
  if (e.kind === 'closed-loop') return 0;
  if (e.kind === 'constant-arrival-rate') return e.rate * e.durationSec;
  return rampRequests(e);
}

/**
 * The offered rate over the window: requests offered by every stream / window length (for one
 * constant-rate stream, its rate; for a ramp, its mean); null for a closed loop.
 */
export function offeredRateOf(s: Scenario): number | null {
  const streams = scenarioStreams(s);
  if (streams.some((st) => st.executor.kind === 'closed-loop')) return null;
  const windowSec = windowSecOf(s);
  return windowSec > 0 ? streams.reduce((a, st) => a + offeredRequests(st.executor), 0) / windowSec : 0;
}

/** The highest total rate the streams can reach at once (sizes generator threads); null for a closed loop. */
export function peakOfferedRateOf(s: Scenario): number | null {
  const peaks = scenarioStreams(s).map((st) => peakRateOf(st.executor));
  return peaks.some((p) => p === null) ? null : peaks.reduce((a: number, p) => a + p!, 0);
}

/** Connections over all streams (each stream has its own). */
export function connectionsOf(s: Scenario): number {
  return scenarioStreams(s).reduce((a, st) => a + st.executor.connections, 0);
}

/** Requests that may be outstanding over all streams. */
export function maxInFlightOfScenario(s: Scenario): number {
  return scenarioStreams(s).reduce((a, st) => a + maxInFlightOf(st.executor), 0);
}
