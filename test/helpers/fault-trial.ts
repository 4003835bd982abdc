import { runSetup } from '../../harness/run/setup.ts';
import { scenarioAppSettings, type AppSettings, type LaunchedApp } from '../../harness/run/launcher.ts';
import { runTrial } from '../../harness/run/trial.ts';
import { faultSentence } from '../../harness/report/faults-text.ts';
import type { CheckResult, Trial } from '../../harness/results/types.ts';
import type { ArrivalRateExecutor, Scenario, TimedAction } from '../../scenarios/types.ts';
import type { TestStack } from './stack.ts';

/** A scenario made short for a test: each stream's window and warm-up, its rate scaled, its actions moved. */
export function shortened(s: Scenario, o: { durationSec: number; warmupSec: number; rateScale: number; actions: TimedAction[] }): Scenario {
  const exec = <E extends ArrivalRateExecutor>(e: E): E => {
    if (e.kind !== 'constant-arrival-rate') throw new Error('only constant-arrival-rate scenarios are shortened');
    return { ...e, durationSec: o.durationSec, warmupSec: Math.min(e.warmupSec, o.warmupSec), rate: e.rate * o.rateScale, connections: Math.min(e.connections, 16) };
  };
  if (s.streams) return { ...s, streams: s.streams.map((st) => ({ ...st, executor: exec(st.executor) })), actions: o.actions };
  if (s.executor.kind === 'closed-loop') throw new Error('a closed loop is not shortened');
  return { ...s, executor: exec(s.executor), actions: o.actions };
}

/**
 * One trial of a fault scenario on a test stack, as `bench run` runs it: a fresh app (its fan-out
 * workers under the fault's control), the scenario's set-up steps, then runTrial with its checks.
 * `env` is set for the app's processes only (fault injection, e.g. slow fan-out chunks).
 */
export async function faultTrial(t: TestStack, scenario: Scenario, opts: { settings?: AppSettings; workers?: number; env?: Record<string, string> } = {}): Promise<Trial> {
  const saved = Object.fromEntries(Object.keys(opts.env ?? {}).map((k) => [k, process.env[k]]));
  Object.assign(process.env, opts.env ?? {});
  let app: LaunchedApp;
  try {
    app = await t.startApp({ cacheTtlSec: 300, ...scenarioAppSettings(scenario), ...opts.settings }, opts.workers ?? 2);
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const vars = await runSetup(scenario, { baseUrl: app.baseUrl, stack: t.stack, logicalShards: t.logicalShards, sessionSeed: t.manifest.seed });
    const trial = await runTrial({
      tier: t.stack.tier,
      scenario,
      scenarioSeed: 5,
      stack: t.stack,
      baseUrl: app.baseUrl,
      populations: { photos: t.manifest.photoIds, users: t.manifest.userIds },
      sessionSeed: t.manifest.seed,
      logicalShards: t.logicalShards,
      signal: new AbortController().signal,
      vars,
      workers: 1,
      progress: () => {},
      fanoutWorkers: app.fanoutWorkers,
    });
    // FAULTS_VERBOSE=1 prints each fault's sentence, as the terminal would.
    if (process.env.FAULTS_VERBOSE) for (const f of trial.faults ?? []) console.log(faultSentence(f));
    return trial;
  } finally {
    await app.stop();
  }
}

/** Checks that failed, in words (for an assertion's message). */
export const failedChecks = (trial: Trial): CheckResult[] => trial.checks.filter((c) => !c.ok);
