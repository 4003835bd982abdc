import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { maxInFlightOf } from '../../scenarios/executors.ts';
import { offeredRateOf, operationsOf, peakOfferedRateOf, scenarioStreams, warmupSecOf, windowSecOf } from '../../scenarios/streams.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { validateScenarioFile } from '../../scenarios/validate.ts';
import { varsProblems } from '../../scenarios/vars.ts';
import { spawnWorker } from '../threads/spawn.ts';
import { monotonicUs } from './clock.ts';
import { generatorStats, type WorkerResult } from './generator-stats.ts';
import { deriveTimeseries, mergeParts } from './merge.ts';
import type { ProgressSecond } from './open-model.ts';
import { WriteLog } from './write-log.ts';
import type { DriveEvents, DriveInput, DriveOutput } from './types.ts';
import type { FromGenerator, GeneratorTask, ToGenerator } from './worker-protocol.ts';

const WORKER = new URL('./generator-worker.ts', import.meta.url);

/**
 * Requests per second one generator thread is given before another one is added. Measured by
 * `npm run perf:generator` (README): one thread keeps its schedule well beyond this.
 */
export const RATE_PER_WORKER = 8_000;
/** Lead time between the workers being ready and the schedule's start. */
const START_LEAD_US = 50_000;

/** Generator threads for a rate: one per RATE_PER_WORKER, at most one per core. */
export function autoWorkers(rate: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.ceil(rate / RATE_PER_WORKER)));
}

/**
 * Refuses a scenario that cannot run as given: every problem validateScenarioFile finds (so a
 * TypeScript scenario is held to the same rules as a user's JSON file), a missing sessionSeed for
 * operations with an actor, and vars that do not fit the scenario's declared ones.
 * @throws RangeError listing them all
 */
export function validateScenario(scenario: Scenario, sessionSeed: number | undefined, vars?: Readonly<Record<string, string>>): void {
  const checked = validateScenarioFile(scenario);
  const problems = 'problems' in checked ? [...checked.problems] : [];
  if (sessionSeed === undefined) {
    const withActor = operationsOf(scenario).filter((op) => op.actor !== undefined).map((op) => `"${op.name}"`);
    if (withActor.length > 0) problems.push(`operations ${withActor.join(', ')} have an actor, so DriveInput.sessionSeed is required`);
  }
  problems.push(...varsProblems(scenario, vars));
  if (problems.length > 0) throw new RangeError(`scenario "${scenario.name}": ${problems.join('; ')}`);
}

/** n shares of total, as equal as integers allow (the first ones one bigger). */
function shares(total: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

/** Sums each second's progress over the workers, once every worker has reported it. */
function progressMerger(workers: number, emit: (p: ProgressSecond) => void) {
  const pending = new Map<number, { p: ProgressSecond; from: number }>();
  return (p: ProgressSecond): void => {
    const cur = pending.get(p.second);
    const sum = cur ? { p: { ...cur.p, issued: cur.p.issued + p.issued, answered: cur.p.answered + p.answered, errors: cur.p.errors + p.errors, timeouts: cur.p.timeouts + p.timeouts, dropped: cur.p.dropped + p.dropped, outstanding: cur.p.outstanding + p.outstanding }, from: cur.from + 1 } : { p: { ...p }, from: 1 };
    if (sum.from < workers) pending.set(p.second, sum);
    else {
      pending.delete(p.second);
      emit(sum.p);
    }
  };
}

/**
 * Runs a scenario's schedule against baseUrl on generator worker threads (each a slice of every
 * stream, on its own connections), and merges their parts exactly. Events:
 * 'schedule' (startUs, windowStartUs) once the start is set, before any request (samplers align to it);
 * 'phase' (name, wallMs, monotonicUs) when warm-up and the measured window start;
 * 'second' ('measure', ProgressSecond) as each second of the window passes, summed over workers.
 */
export async function drive(input: DriveInput, events?: DriveEvents): Promise<DriveOutput> {
  const { scenario } = input;
  validateScenario(scenario, input.sessionSeed, input.vars);
  const streams = scenarioStreams(scenario);
  const windowSec = windowSecOf(scenario);
  const warmupSec = warmupSecOf(scenario);
  const peak = peakOfferedRateOf(scenario);
  // Every worker runs its slice of every stream, so each needs a connection of each stream.
  const n = Math.min(input.workers ?? (peak === null ? 1 : autoWorkers(peak)), ...streams.map((st) => st.executor.connections));
  const connections = streams.map((st) => shares(st.executor.connections, n));
  const maxInFlight = streams.map((st) => shares(maxInFlightOf(st.executor), n));
  const workers: Worker[] = [];
  const stopAll = () => Promise.all(workers.map((w) => w.terminate())).catch(() => {});
  try {
    const ready: Array<Promise<void>> = [];
    const done: Array<Promise<WorkerResult>> = [];
    const onProgress = progressMerger(n, (p) => events?.emit('second', 'measure', p));
    for (let i = 0; i < n; i++) {
      const task: GeneratorTask = {
        baseUrl: input.baseUrl,
        scenario,
        seed: input.seed,
        populations: input.populations,
        ...(input.sessionSeed === undefined ? {} : { sessionSeed: input.sessionSeed }),
        ...(input.vars === undefined ? {} : { vars: input.vars }),
        slice: { index: i, count: n },
        connections: connections.map((c) => c[i]!),
        maxInFlight: maxInFlight.map((m) => m[i]!),
        ...(input.blockGenerator && i === 0 ? { blockGenerator: input.blockGenerator } : {}),
      };
      const w = spawnWorker(WORKER, task);
      workers.push(w);
      let onReady = (): void => {};
      let onFail = (_err: Error): void => {};
      ready.push(new Promise((resolve, reject) => ((onReady = resolve), (onFail = reject))));
      done.push(
        new Promise((resolve, reject) => {
          w.on('message', (m: FromGenerator) => {
            if (m.type === 'ready') onReady();
            else if (m.type === 'second') onProgress(m.progress);
            else if (m.type === 'done') resolve({ output: m.output, health: m.health });
            else {
              const err = Object.assign(new Error(m.message), { name: m.name });
              onFail(err);
              reject(err);
            }
          });
          w.on('error', (err) => (onFail(err), reject(err)));
          w.on('exit', (code) => reject(new Error(`generator worker ${i} exited (${code}) before finishing`)));
        }),
      );
    }
    // A worker failing before it is ready must not leave the others' promises unobserved.
    for (const d of done) d.catch(() => {});
    await Promise.all(ready);
    const send = (m: ToGenerator) => workers.forEach((w) => w.postMessage(m));
    const startUs = monotonicUs() + START_LEAD_US;
    const windowStartUs = startUs + warmupSec * 1e6;
    const wallAt = (us: number): number => Date.now() + (us - monotonicUs()) / 1000;
    const warmupStartedAt = new Date(wallAt(startUs));
    const measureStartedAt = new Date(wallAt(windowStartUs));
    let cpuStart = process.cpuUsage();
    const timers = [
      ...(warmupSec > 0 ? [setTimeout(() => events?.emit('phase', 'warmup', warmupStartedAt.getTime(), startUs), START_LEAD_US / 1000)] : []),
      setTimeout(() => {
        cpuStart = process.cpuUsage();
        events?.emit('phase', 'measure', measureStartedAt.getTime(), windowStartUs);
      }, (windowStartUs - monotonicUs()) / 1000),
    ];
    const onAbort = () => send({ type: 'abort' });
    if (input.signal?.aborted) onAbort();
    input.signal?.addEventListener('abort', onAbort, { once: true });
    events?.emit('schedule', startUs, windowStartUs);
    send({ type: 'start', startUs });
    let results: WorkerResult[];
    try {
      results = await Promise.all(done);
    } finally {
      timers.forEach(clearTimeout);
      input.signal?.removeEventListener('abort', onAbort);
    }
    const cpu = process.cpuUsage(cpuStart);
    const outs = results.map((r) => r.output);
    const { operations, answered } = mergeParts(outs.map((o) => o.part));
    const drainedUs = Math.max(...outs.map((o) => o.drainedUs));
    const aborted = outs.some((o) => o.aborted);
    // The window is the nominal one unless interrupted; answers awaited after it are the drain.
    const windowEndUs = aborted ? Math.min(windowStartUs + windowSec * 1e6, drainedUs) : windowStartUs + windowSec * 1e6;
    return {
      operations,
      timeseries: deriveTimeseries(operations, answered),
      generator: generatorStats(offeredRateOf(scenario), windowSec, results, (cpu.user + cpu.system) / 1e6),
      timing: {
        warmupStartedAt: warmupStartedAt.toISOString(),
        measureStartedAt: measureStartedAt.toISOString(),
        measureEndedAt: new Date(wallAt(windowEndUs)).toISOString(),
        measuredMs: Math.max(0, (windowEndUs - windowStartUs) / 1000),
        drainMs: Math.max(0, (drainedUs - windowEndUs) / 1000),
      },
      windowStartUs,
      aborted,
      writes: WriteLog.merge(outs.map((o) => o.writes)),
    };
  } finally {
    await stopAll();
  }
}

export { idleGeneratorStats } from './generator-stats.ts';
