import { actionProblems } from './actions.ts';
import type { Executor, Scenario } from './types.ts';

/** Load-shape values given on the command line (or config), each replacing the scenario's. */
export interface LoadOverrides {
  rate?: number | undefined;
  duration?: number | undefined;
  warmup?: number | undefined;
  connections?: number | undefined;
  maxInFlight?: number | undefined;
}

function overrideExecutor(e: Executor, o: LoadOverrides, where: string, problems: string[]): Executor {
  const common = { warmupSec: o.warmup ?? e.warmupSec, connections: o.connections ?? e.connections };
  switch (e.kind) {
    case 'closed-loop':
      // A closed loop has no rate and never drops: --rate and --max-in-flight do not change it.
      return { ...e, ...common, durationSec: o.duration ?? e.durationSec };
    case 'constant-arrival-rate':
      return { ...e, ...common, durationSec: o.duration ?? e.durationSec, rate: o.rate ?? e.rate, maxInFlight: o.maxInFlight ?? e.maxInFlight };
    case 'ramping-arrival-rate':
      // A ramp's stages are its rate and its window: one number cannot replace them.
      if (o.rate !== undefined) problems.push(`${where} ramps (ramping-arrival-rate): --rate does not apply, its stages set the rate`);
      if (o.duration !== undefined) problems.push(`${where} ramps (ramping-arrival-rate): --duration does not apply, its window is the sum of its stages`);
      return { ...e, ...common, maxInFlight: o.maxInFlight ?? e.maxInFlight };
  }
}

/**
 * The scenario with the overrides applied, or why some of them do not apply to it. A multi-stream
 * scenario takes only --warmup (for every stream): one rate, window or pool of connections cannot
 * stand for several streams'.
 */
export function withLoadOverrides(scenario: Scenario, o: LoadOverrides): { scenario: Scenario } | { problems: string[] } {
  const problems: string[] = [];
  if (scenario.streams === undefined) {
    const executor = overrideExecutor(scenario.executor, o, `scenario "${scenario.name}"`, problems);
    if (problems.length) return { problems };
    const out = { ...scenario, executor };
    // A shorter --duration must still hold the scenario's timed actions (a fault and its recovery).
    const late = o.duration === undefined ? [] : actionProblems(out).map((m) => `scenario "${scenario.name}" with --duration ${o.duration}: ${m}`);
    return late.length ? { problems: late } : { scenario: out };
  }
  const flags: Array<[keyof LoadOverrides, string]> = [['rate', '--rate'], ['duration', '--duration'], ['connections', '--connections'], ['maxInFlight', '--max-in-flight']];
  for (const [key, flag] of flags) {
    if (o[key] !== undefined) problems.push(`scenario "${scenario.name}" has ${scenario.streams.length} streams: ${flag} does not apply (each stream's executor sets its own)`);
  }
  if (problems.length) return { problems };
  const warmup = o.warmup;
  const streams = warmup === undefined ? scenario.streams : scenario.streams.map((st) => ({ ...st, executor: { ...st.executor, warmupSec: warmup } }));
  return { scenario: { ...scenario, streams } };
}
