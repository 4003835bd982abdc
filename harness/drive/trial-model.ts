import { durationSecOf } from '../../scenarios/executors.ts';
import { operationsOf, scenarioStreams, warmupSecOf, windowSecOf } from '../../scenarios/streams.ts';
import type { Scenario } from '../../scenarios/types.ts';
import type { Clock } from './clock.ts';
import { ClosedModel } from './closed-model.ts';
import type { Transport } from './dispatcher.ts';
import { OpenModel, type ProgressSecond, type Slice, type StreamInput } from './open-model.ts';
import { createSchedule, type ScheduleOptions } from './schedule.ts';
import type { Populations } from './types.ts';

/** What one generator thread needs to run its slice of a trial (everything but time and sockets). */
export interface ModelSetup {
  scenario: Scenario;
  seed: number;
  populations: Populations;
  /** Signs requests made as an actor; required if any operation has one. */
  sessionToken?: ScheduleOptions['sessionToken'];
  /** Run-time values of the scenario's vars. */
  vars?: Readonly<Record<string, string>>;
  slice: Slice;
  /** This thread's connections and share of maxInFlight, per stream (scenarioStreams order). */
  connections: readonly number[];
  maxInFlight: readonly number[];
}

export type Model = OpenModel | ClosedModel;

/**
 * The pacer of one thread's slice: the closed loop for a closed-loop scenario (one stream), else
 * the open model over every stream, each on its own transport (transports[i] for stream i).
 * Schedules are compiled here, before the start time is known, so that a worker does this work
 * before it says it is ready rather than inside the lead time before the first request.
 */
export function prepareModel(setup: ModelSetup): (startUs: number, clock: Clock, transports: readonly Transport[], onSecond?: (p: ProgressSecond) => void) => Model {
  const { scenario, seed, populations, slice } = setup;
  const streams = scenarioStreams(scenario);
  const warmupUs = warmupSecOf(scenario) * 1e6;
  const durationUs = windowSecOf(scenario) * 1e6;
  const operationNames = operationsOf(scenario).map((o) => o.name);
  const schedules = streams.map((st) => {
    const options: ScheduleOptions = { stream: st.name, ...(setup.sessionToken ? { sessionToken: setup.sessionToken } : {}), ...(setup.vars ? { vars: setup.vars } : {}) };
    return {
      warmup: st.executor.warmupSec > 0 ? createSchedule(scenario, seed, populations, 'warmup', options) : null,
      measure: createSchedule(scenario, seed, populations, '', options),
    };
  });
  return (startUs, clock, transports, onSecond) => {
    const first = streams[0]!;
    if (first.executor.kind === 'closed-loop') {
      const { warmup, measure } = schedules[0]!;
      const timeoutUs = first.executor.timeoutMs * 1000;
      return new ClosedModel({ operationNames, warmup, measure, slice, startUs, warmupUs, durationUs, connections: setup.connections[0]!, timeoutUs, clock, transport: transports[0]!, ...(onSecond ? { onSecond } : {}) });
    }
    const inputs: StreamInput[] = streams.map((st, i) => ({
      ...schedules[i]!,
      warmupUs: st.executor.warmupSec * 1e6,
      offsetUs: st.startSec * 1e6,
      durationUs: durationSecOf(st.executor) * 1e6,
      limits: { connections: setup.connections[i]!, maxInFlight: setup.maxInFlight[i]!, timeoutUs: st.executor.timeoutMs * 1000 },
      transport: transports[i]!,
    }));
    return new OpenModel({ operationNames, streams: inputs, slice, startUs, warmupUs, durationUs, clock, ...(onSecond ? { onSecond } : {}) });
  };
}

/** prepareModel and start time in one call (tests on the simulated clock). */
export function createModel(setup: ModelSetup, startUs: number, clock: Clock, transports: readonly Transport[], onSecond?: (p: ProgressSecond) => void): Model {
  return prepareModel(setup)(startUs, clock, transports, onSecond);
}
