import { newHistogram, summarize } from '../metrics/histograms.ts';
import type { Clock } from './clock.ts';
import { Dispatcher, type Transport } from './dispatcher.ts';
import type { OpenModelOutput, Slice } from './open-model.ts';
import { ProgressLines, type ProgressSecond } from './progress.ts';
import { WriteLog } from './write-log.ts';
import { Recorder } from './recorder.ts';
import type { Schedule, ScheduledRequest } from './schedule.ts';

export interface ClosedModelInput {
  operationNames: readonly string[];
  warmup: Schedule | null;
  measure: Schedule;
  slice: Slice;
  startUs: number;
  warmupUs: number;
  durationUs: number;
  /** This worker's connections: each sends its next request when its last one ended. */
  connections: number;
  timeoutUs: number;
  clock: Clock;
  transport: Transport;
  onSecond?: (p: ProgressSecond) => void;
}

/** The next request of the slice (a closed loop ignores the schedule's times). */
function nextOwned(schedule: Schedule, slice: Slice): ScheduledRequest {
  // The other slices' requests are drawn (to stay in step) but not built.
  while (schedule.nextIndex % slice.count !== slice.index) schedule.skip();
  return schedule.next();
}

/**
 * The closed model: `connections` requests outstanding at all times until the window ends, each
 * sent the moment the previous one on its connection ended. Latency is from the actual send
 * (there is no intended time), which is why a closed loop cannot see coordinated omission: use it
 * for maximum throughput only. Output has the open model's shape (send lateness is zero).
 */
export class ClosedModel {
  readonly #in: ClosedModelInput;
  readonly #dispatcher: Dispatcher;
  readonly #writes = new WriteLog();
  readonly #recorder: Recorder;
  readonly #windowStartUs: number;
  readonly #windowEndUs: number;
  #issued = 0;
  #lastIssueUs = 0;
  readonly #progress: ProgressLines;
  #finished = false;
  #resolve: (out: OpenModelOutput) => void = () => {};
  readonly done: Promise<OpenModelOutput>;

  constructor(input: ClosedModelInput) {
    this.#in = input;
    this.#windowStartUs = input.startUs + input.warmupUs;
    this.#windowEndUs = this.#windowStartUs + input.durationUs;
    this.#recorder = new Recorder(input.operationNames, this.#windowStartUs, input.durationUs);
    const progress = (this.#progress = new ProgressLines(this.#windowStartUs, input.durationUs, input.onSecond));
    this.#recorder.onEnded = (kind) => progress.ended(kind);
    // A closed loop never has more outstanding than connections: nothing is ever dropped.
    this.#dispatcher = new Dispatcher(input.transport, { connections: input.connections, maxInFlight: input.connections, timeoutUs: input.timeoutUs });
    this.#dispatcher.onWriteEnded = (req, outcome) => this.#writes.note(req.method, req.path, outcome);
    this.#dispatcher.onSettled = () => this.#refill();
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }

  readonly #outstanding = (): number => this.#dispatcher.outstanding;

  start(): this {
    this.#in.clock.wakeAt(this.#in.startUs, () => this.#tick());
    return this;
  }

  abort(): void {
    if (this.#finished) return;
    this.#in.clock.cancel();
    this.#dispatcher.stop(this.#in.clock.nowUs());
    this.#finish(true);
  }

  /** Sends on every free connection until the window ends. */
  #refill(): void {
    if (this.#finished) return;
    const now = this.#in.clock.nowUs();
    if (now >= this.#windowEndUs) {
      if (this.#dispatcher.outstanding === 0) this.#finish(false);
      return;
    }
    const measuring = now >= this.#windowStartUs;
    const schedule = measuring ? this.#in.measure : (this.#in.warmup ?? this.#in.measure);
    while (this.#dispatcher.outstanding < this.#in.connections) {
      const r = nextOwned(schedule, this.#in.slice);
      const recorder = measuring ? this.#recorder : null;
      this.#dispatcher.submit(r.opIndex, now, r.wire, recorder, now);
      if (recorder) {
        recorder.scheduled(r.opIndex, true);
        this.#issued++;
        this.#lastIssueUs = now;
        this.#progress.issued(true);
      }
    }
  }

  /** Once a second: deadlines, progress, closed seconds; at the window's end, the drain. */
  #tick(): void {
    if (this.#finished) return;
    const now = this.#in.clock.nowUs();
    this.#refill();
    this.#dispatcher.sweep(now);
    this.#progress.emitUntil(now, this.#outstanding);
    const second = Math.floor((now - this.#windowStartUs) / 1e6);
    const oldest = this.#dispatcher.oldestIntendedUs();
    this.#recorder.closeSecondsBefore(Math.min(oldest ?? now, now));
    if (now >= this.#windowEndUs && this.#dispatcher.outstanding === 0) return this.#finish(false);
    const nextSecond = this.#windowStartUs + (Math.max(-1, second) + 1) * 1e6;
    this.#in.clock.wakeAt(Math.min(nextSecond, this.#windowEndUs > now ? this.#windowEndUs : now + 10_000), () => this.#tick());
  }

  #finish(aborted: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#in.clock.cancel();
    const now = this.#in.clock.nowUs();
    this.#progress.finish(aborted, now, this.#outstanding);
    this.#resolve({
      part: this.#recorder.finish(),
      sendLateness: summarize(newHistogram()),
      issued: this.#issued,
      lastIssueUs: this.#issued > 0 ? this.#lastIssueUs : this.#windowStartUs,
      // A closed loop has no schedule: each request is "intended" when it is sent.
      lastIntendedUs: this.#issued > 0 ? this.#lastIssueUs : this.#windowStartUs,
      windowStartUs: this.#windowStartUs,
      drainedUs: now,
      aborted,
      writes: this.#writes.entries(),
    });
  }
}
