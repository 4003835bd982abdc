import type { Scenario } from '../../scenarios/types.ts';
import type { GeneratorStats } from '../results/types.ts';
import { createHttpDriver, type HttpCompletion, type HttpDriver } from './http-driver.ts';
import { startGeneratorMonitor, type GeneratorMonitor } from './monitor.ts';
import { Recorder, type RecorderResult } from './recorder.ts';
import { createSchedule, type Schedule, type ScheduledRequest } from './schedule.ts';
import type { DriveEvents, DriveInput, DriveOutput, DrivePhase } from './types.ts';

/** Seams for tests; production code calls drive(). */
export interface DriveHooks {
  /** Monotonic clock in integer microseconds (default: process.hrtime.bigint() / 1000). */
  clock?: () => number;
  /**
   * Where corrected latency is measured from. 'actual-send' deliberately reintroduces coordinated
   * omission; it exists only so a test can show the stall check catches a broken correction.
   */
  correctFrom?: 'intended' | 'actual-send';
}

const hrtimeUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Extra wait after the measured window for outstanding requests to settle before the pool is destroyed. */
const SETTLE_GRACE_MS = 1000;

interface Phase {
  name: DrivePhase;
  schedule: Schedule;
  recorder: Recorder;
  startUs: number;
  durationUs: number;
  endUs: number;
  /** Completions are recorded only while the phase is open and only if they finished before endUs. */
  open: boolean;
  /** Sent and not yet recorded, per operation: becomes inFlightAtStop when the phase stops. */
  outstandingByOp: number[];
  next: ScheduledRequest;
}

export function drive(input: DriveInput, events?: DriveEvents): Promise<DriveOutput> {
  return driveWith(input, events, {});
}

function validate(scenario: Scenario, sessionToken: DriveInput['sessionToken']): void {
  const ex = scenario.executor;
  const problems: string[] = [];
  if (!(Number.isFinite(ex.rate) && ex.rate > 0)) problems.push(`rate must be > 0 requests/s (got ${ex.rate})`);
  if (!(Number.isFinite(ex.durationSec) && ex.durationSec > 0)) problems.push(`durationSec must be > 0 (got ${ex.durationSec})`);
  if (!(Number.isFinite(ex.warmupSec) && ex.warmupSec >= 0)) problems.push(`warmupSec must be >= 0 (got ${ex.warmupSec})`);
  if (!(Number.isInteger(ex.connections) && ex.connections >= 1)) problems.push(`connections must be an integer >= 1 (got ${ex.connections})`);
  if (!(Number.isInteger(ex.maxInFlight) && ex.maxInFlight >= 1)) problems.push(`maxInFlight must be an integer >= 1 (got ${ex.maxInFlight})`);
  if (!(Number.isFinite(ex.timeoutMs) && ex.timeoutMs > 0)) problems.push(`timeoutMs must be > 0 (got ${ex.timeoutMs})`);
  if (scenario.operations.length === 0) problems.push('at least one operation is required');
  if (sessionToken === undefined) {
    const withActor = scenario.operations.filter((op) => op.actor !== undefined).map((op) => `"${op.name}"`);
    if (withActor.length > 0) problems.push(`operations ${withActor.join(', ')} have an actor, so DriveInput.sessionToken is required`);
  }
  if (problems.length > 0) throw new RangeError(`scenario "${scenario.name}": ${problems.join('; ')}`);
}

function idleGeneratorStats(targetRate: number): GeneratorStats {
  return {
    targetRate,
    achievedRate: 0,
    scheduled: 0,
    sent: 0,
    dropped: 0,
    cpuSeconds: 0,
    cpuShare: 0,
    eventLoopLagP99Ms: 0,
    eventLoopLagMaxMs: 0,
    saturated: false,
    saturationReasons: [],
  };
}

export async function driveWith(input: DriveInput, events: DriveEvents | undefined, hooks: DriveHooks): Promise<DriveOutput> {
  const { scenario, seed, populations, signal, sessionToken } = input;
  validate(scenario, sessionToken);
  const ex = scenario.executor;
  const clock = hooks.clock ?? hrtimeUs;
  const correctFromSend = hooks.correctFrom === 'actual-send';
  const names = scenario.operations.map((op) => op.name);
  // Build both streams up front so bad populations fail before any traffic.
  const scheduleOptions = sessionToken === undefined ? {} : { sessionToken };
  const warmupSchedule = createSchedule(scenario, seed, populations, 'warmup', scheduleOptions);
  const measureSchedule = createSchedule(scenario, seed, populations, '', scheduleOptions);

  const clockZeroUs = clock();
  const wallZeroMs = Date.now();
  const wallMs = (us: number): number => wallZeroMs + (us - clockZeroUs) / 1000;
  const iso = (us: number): string => new Date(wallMs(us)).toISOString();

  if (signal?.aborted) {
    const empty = new Recorder(names, clockZeroUs).finish(clockZeroUs);
    return {
      ...empty,
      generator: idleGeneratorStats(ex.rate),
      timing: { warmupStartedAt: iso(clockZeroUs), measureStartedAt: iso(clockZeroUs), measureEndedAt: iso(clockZeroUs), measuredMs: 0 },
      aborted: true,
    };
  }

  const driver: HttpDriver = createHttpDriver({
    baseUrl: input.baseUrl,
    connections: ex.connections,
    timeoutMs: ex.timeoutMs,
    clock,
  });

  return new Promise<DriveOutput>((resolve, reject) => {
    let outstanding = 0;
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    let finished = false;
    let onAllSettled: (() => void) | undefined;
    let monitor: GeneratorMonitor | undefined;
    const warmupStartUs = clockZeroUs;
    let measureStartUs = clockZeroUs;

    const startPhase = (name: DrivePhase, schedule: Schedule, startUs: number, durationSec: number): Phase => {
      const durationUs = Math.round(durationSec * 1e6);
      events?.emit('phase', name, wallMs(startUs));
      return {
        name,
        schedule,
        recorder: new Recorder(names, startUs, (point) => events?.emit('second', name, point)),
        startUs,
        durationUs,
        endUs: startUs + durationUs,
        open: true,
        outstandingByOp: names.map(() => 0),
        next: schedule.next(),
      };
    };

    const startMeasure = (startUs: number): Phase => {
      measureStartUs = startUs;
      monitor = startGeneratorMonitor();
      return startPhase('measure', measureSchedule, startUs, ex.durationSec);
    };

    let phase: Phase;
    try {
      phase = ex.warmupSec > 0 ? startPhase('warmup', warmupSchedule, warmupStartUs, ex.warmupSec) : startMeasure(warmupStartUs);
    } catch (err) {
      // e.g. a 'phase' listener threw: release the connections before rejecting.
      void driver.destroy().then(() => reject(err), () => reject(err));
      return;
    }

    const onCompleted = (ph: Phase, opIndex: number, intendedUs: number, c: HttpCompletion): void => {
      outstanding--;
      if (ph.open && c.doneUs < ph.endUs) {
        ph.outstandingByOp[opIndex] = (ph.outstandingByOp[opIndex] ?? 0) - 1;
        const sentUs = c.sentUs ?? c.doneUs;
        ph.recorder.completed(opIndex, c.outcome, correctFromSend ? sentUs : intendedUs, sentUs, c.doneUs);
      }
      if (outstanding === 0) onAllSettled?.();
    };

    const send = (ph: Phase, req: ScheduledRequest): void => {
      const intendedUs = ph.startUs + req.offsetUs;
      const canSend = outstanding < ex.maxInFlight;
      ph.recorder.scheduled(req.opIndex, intendedUs, canSend);
      if (!canSend) return;
      outstanding++;
      ph.outstandingByOp[req.opIndex] = (ph.outstandingByOp[req.opIndex] ?? 0) + 1;
      driver
        .request(req.operation.method, req.path, req.operation.okStatuses, { headers: req.headers, body: req.body })
        .then((c) => onCompleted(ph, req.opIndex, intendedUs, c))
        .catch(fail);
    };

    /** Stops the measured phase at stopUs; returns its results. */
    const closeMeasure = (ph: Phase, stopUs: number): { result: RecorderResult; generator: GeneratorStats } => {
      ph.open = false;
      ph.outstandingByOp.forEach((n, op) => ph.recorder.inFlightAtStop(op, n));
      const result = ph.recorder.finish(stopUs);
      let scheduled = 0;
      let sent = 0;
      let dropped = 0;
      for (const op of Object.values(result.operations)) {
        scheduled += op.counts.scheduled;
        sent += op.counts.sent;
        dropped += op.counts.dropped;
      }
      const generator = (monitor as GeneratorMonitor).stop({
        targetRate: ex.rate,
        scheduled,
        sent,
        dropped,
        elapsedMs: (stopUs - ph.startUs) / 1000,
      });
      return { result, generator };
    };

    const cleanup = (): void => {
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      if (immediate !== undefined) clearImmediate(immediate);
      signal?.removeEventListener('abort', onAbort);
    };

    const output = (result: RecorderResult, generator: GeneratorStats, endUs: number, aborted: boolean): DriveOutput => ({
      operations: result.operations,
      timeseries: result.timeseries,
      generator,
      timing: {
        warmupStartedAt: iso(warmupStartUs),
        measureStartedAt: iso(measureStartUs),
        measureEndedAt: iso(endUs),
        measuredMs: (endUs - measureStartUs) / 1000,
      },
      aborted,
    });

    function fail(err: unknown): void {
      if (finished) return;
      cleanup();
      driver.destroy().then(
        () => reject(err),
        () => reject(err),
      );
    }

    function onAbort(): void {
      if (finished) return;
      try {
        cleanup();
        const nowUs = clock();
        let result: RecorderResult;
        let generator: GeneratorStats;
        let endUs: number;
        if (phase.name === 'measure') {
          endUs = Math.min(nowUs, phase.endUs);
          ({ result, generator } = closeMeasure(phase, endUs));
        } else {
          phase.open = false;
          measureStartUs = nowUs;
          endUs = nowUs;
          result = new Recorder(names, nowUs).finish(nowUs);
          generator = idleGeneratorStats(ex.rate);
        }
        const out = output(result, generator, endUs, true);
        driver.destroy().then(
          () => resolve(out),
          () => resolve(out),
        );
      } catch (err) {
        void driver.destroy().then(() => reject(err), () => reject(err));
      }
    }

    /** After the measured window: let outstanding requests settle (bounded), then close the pool. */
    const finishRun = (out: DriveOutput): void => {
      cleanup();
      const settled = new Promise<boolean>((done) => {
        if (outstanding === 0) return done(true);
        const cap = setTimeout(() => done(false), ex.timeoutMs + SETTLE_GRACE_MS);
        const stop = (ok: boolean): void => {
          clearTimeout(cap);
          signal?.removeEventListener('abort', abortWait);
          done(ok);
        };
        const abortWait = (): void => stop(false);
        onAllSettled = () => stop(true);
        signal?.addEventListener('abort', abortWait, { once: true });
      });
      settled
        .then((ok) => (ok ? driver.close() : driver.destroy()))
        .then(
          () => resolve(out),
          (err: unknown) => reject(err),
        );
    };

    const arm = (nowUs: number): void => {
      const nextDueUs = phase.next.offsetUs < phase.durationUs ? phase.startUs + phase.next.offsetUs : phase.endUs;
      const nextSecondUs = phase.startUs + (Math.floor((nowUs - phase.startUs) / 1e6) + 1) * 1e6;
      const wakeUs = Math.min(nextDueUs, phase.endUs, nextSecondUs);
      if (wakeUs <= nowUs) {
        immediate = setImmediate(tick);
      } else {
        // setTimeout has 1 ms granularity (sends are ~0.6 ms late on average); rounding gave the
        // smallest lateness in measurements here. Never spin: the generator shares cores with the app.
        timer = setTimeout(tick, Math.max(1, Math.round((wakeUs - nowUs) / 1000)));
      }
    };

    function tick(): void {
      timer = undefined;
      immediate = undefined;
      if (finished) return;
      try {
        const nowUs = clock();
        for (;;) {
          const ph = phase;
          // Catch up: send everything whose intended time has passed, in one burst.
          while (ph.next.offsetUs < ph.durationUs && ph.startUs + ph.next.offsetUs <= nowUs) {
            send(ph, ph.next);
            ph.next = ph.schedule.next();
          }
          ph.recorder.closeSecondsBefore(Math.min(nowUs, ph.endUs));
          if (nowUs < ph.endUs) break;
          if (ph.name === 'warmup') {
            ph.open = false;
            ph.recorder.finish(ph.endUs);
            phase = startMeasure(ph.endUs);
            continue;
          }
          const { result, generator } = closeMeasure(ph, ph.endUs);
          finishRun(output(result, generator, ph.endUs, false));
          return;
        }
        arm(nowUs);
      } catch (err) {
        fail(err);
      }
    }

    signal?.addEventListener('abort', onAbort, { once: true });
    tick();
  });
}
