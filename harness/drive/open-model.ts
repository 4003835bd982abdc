import { newHistogram, summarize, type Histogram } from '../metrics/histograms.ts';
import type { HistogramSummary } from '../results/types.ts';
import type { Clock } from './clock.ts';
import { Dispatcher, type DispatchLimits, type Transport } from './dispatcher.ts';
import { Recorder, type RecorderPart } from './recorder.ts';
import type { Schedule, ScheduledRequest } from './schedule.ts';

/** This worker's share of the stream: requests whose index % count === index. */
export interface Slice {
  index: number;
  count: number;
}

/** What one second of the measured window looked like as it happened (for progress lines). */
export interface ProgressSecond {
  second: number;
  /** Requests this worker issued, and answers and failures that arrived, during the second. */
  issued: number;
  answered: number;
  errors: number;
  timeouts: number;
  dropped: number;
  /** Requests outstanding at the end of the second. */
  outstanding: number;
}

export interface OpenModelInput {
  operationNames: readonly string[];
  /** Warm-up stream (never recorded), or null. */
  warmup: Schedule | null;
  measure: Schedule;
  slice: Slice;
  /** Monotonic µs at which the warm-up (or, without one, the window) starts. */
  startUs: number;
  warmupUs: number;
  durationUs: number;
  limits: DispatchLimits;
  clock: Clock;
  transport: Transport;
  onSecond?: (p: ProgressSecond) => void;
  /**
   * Where latency is measured from. 'written' (the socket write) deliberately reintroduces
   * coordinated omission: it exists only so a test can show the stall checks catch it.
   */
  latencyFrom?: 'intended' | 'written';
}

export interface OpenModelOutput {
  part: RecorderPart;
  /** Intended send time to the moment this worker issued the request (measured window). */
  sendLateness: HistogramSummary;
  /** Requests of the window this worker issued (sent or dropped). */
  issued: number;
  /** When this worker issued the window's last request (monotonic µs). */
  lastIssueUs: number;
  /** That request's intended time: on schedule, lastIssueUs equals it. */
  lastIntendedUs: number;
  windowStartUs: number;
  /** When the last request due in the window ended (monotonic µs). */
  drainedUs: number;
  aborted: boolean;
}

interface Phase {
  recorder: Recorder | null;
  schedule: Schedule;
  startUs: number;
  endUs: number;
  next: ScheduledRequest | null;
}

/** The next request of the schedule that belongs to the slice, or null once past the phase. */
function nextOwned(schedule: Schedule, slice: Slice, durationUs: number): ScheduledRequest | null {
  for (;;) {
    // Offsets grow with the index; the other slices' requests are drawn (to stay in step) but not built.
    if (schedule.peekOffsetUs() >= durationUs) return null;
    if (schedule.nextIndex % slice.count === slice.index) return schedule.next();
    schedule.skip();
  }
}

/**
 * The open model (constant arrival rate): every request of the slice is issued at its intended
 * time whatever happened to earlier ones, and ends in exactly one outcome. After the window no
 * new request is issued; the answers to those due in it are awaited until each one's deadline
 * (the drain), so a stall in the last second shows as latency, not as silence.
 */
export class OpenModel {
  readonly #in: OpenModelInput;
  readonly #dispatcher: Dispatcher;
  readonly #recorder: Recorder;
  readonly #lateness: Histogram = newHistogram();
  readonly #phases: Phase[];
  #phase = 0;
  #issued = 0;
  #lastIssueUs = 0;
  #lastIntendedUs = 0;
  #progress: ProgressSecond;
  #nextProgressUs: number;
  /** End of the window's last (possibly partial) second: no progress line after it. */
  readonly #lastProgressUs: number;
  #finished = false;
  #resolve: (out: OpenModelOutput) => void = () => {};
  readonly done: Promise<OpenModelOutput>;

  constructor(input: OpenModelInput) {
    this.#in = input;
    const windowStartUs = input.startUs + input.warmupUs;
    this.#recorder = new Recorder(input.operationNames, windowStartUs, input.durationUs);
    this.#recorder.onEnded = (kind) => this.#noteEnded(kind);
    if (input.latencyFrom === 'written') this.#recorder.measureFromWrite = true;
    this.#lastProgressUs = windowStartUs + Math.ceil(input.durationUs / 1e6) * 1e6;
    this.#dispatcher = new Dispatcher(input.transport, input.limits);
    this.#dispatcher.onSettled = () => this.#onSettled();
    const phase = (recorder: Recorder | null, schedule: Schedule, startUs: number, durationUs: number): Phase => ({
      recorder,
      schedule,
      startUs,
      endUs: startUs + durationUs,
      next: nextOwned(schedule, input.slice, durationUs),
    });
    this.#phases = [
      ...(input.warmup && input.warmupUs > 0 ? [phase(null, input.warmup, input.startUs, input.warmupUs)] : []),
      phase(this.#recorder, input.measure, windowStartUs, input.durationUs),
    ];
    this.#progress = this.#emptyProgress(0);
    this.#nextProgressUs = windowStartUs + 1e6;
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }

  start(): this {
    this.#in.clock.wakeAt(this.#in.startUs, () => this.#tick());
    return this;
  }

  /** Stops now: what is outstanding ends as unfinished (interrupted). */
  abort(): void {
    if (this.#finished) return;
    this.#in.clock.cancel();
    this.#dispatcher.stop(this.#in.clock.nowUs());
    this.#finish(true);
  }

  get #window(): Phase {
    return this.#phases[this.#phases.length - 1]!;
  }

  #tick(): void {
    if (this.#finished) return;
    const now = this.#in.clock.nowUs();
    this.#issueDue(now);
    const nextDeadline = this.#dispatcher.sweep(now);
    this.#emitProgress(now);
    this.#closeSeconds();
    if (this.#drained()) return this.#finish(false);
    const wake = [this.#nextDueUs(), nextDeadline, this.#nextProgressUs <= this.#lastProgressUs ? this.#nextProgressUs : null].filter((t): t is number => t !== null);
    // Not drained means a request is due or outstanding (and every outstanding one has a deadline).
    if (wake.length === 0) throw new Error('open model: nothing to wait for, yet not drained');
    this.#in.clock.wakeAt(Math.min(...wake), () => this.#tick());
  }

  /** Issues every request whose intended time has come, phase by phase, in one burst. */
  #issueDue(now: number): void {
    for (; this.#phase < this.#phases.length; this.#phase++) {
      const ph = this.#phases[this.#phase]!;
      while (ph.next !== null && ph.startUs + ph.next.offsetUs <= now) {
        this.#issue(ph, ph.next, now);
        ph.next = nextOwned(ph.schedule, this.#in.slice, ph.endUs - ph.startUs);
      }
      if (ph.next !== null) return;
    }
  }

  #issue(ph: Phase, r: ScheduledRequest, now: number): void {
    const intendedUs = ph.startUs + r.offsetUs;
    const wire = { method: r.operation.method, path: r.path, headers: r.headers, body: r.body, okStatuses: r.operation.okStatuses };
    const sent = this.#dispatcher.submit(r.opIndex, intendedUs, wire, ph.recorder, now);
    if (ph.recorder === null) return;
    ph.recorder.scheduled(r.opIndex, sent);
    this.#lateness.recordValue(Math.max(0, now - intendedUs));
    this.#issued++;
    this.#lastIssueUs = now;
    this.#lastIntendedUs = intendedUs;
    this.#progress.issued++;
    if (!sent) this.#progress.dropped++;
  }

  #nextDueUs(): number | null {
    const ph = this.#phases[this.#phase];
    return ph?.next ? ph.startUs + ph.next.offsetUs : null;
  }

  /** A second of the window closes once nothing due in it can still end. */
  #closeSeconds(): void {
    const bounds = [this.#nextDueUs(), this.#dispatcher.oldestIntendedUs()].filter((t): t is number => t !== null);
    this.#recorder.closeSecondsBefore(bounds.length ? Math.min(...bounds) : Number.POSITIVE_INFINITY);
  }

  #drained(): boolean {
    if (this.#phase < this.#phases.length) return false;
    if (this.#dispatcher.outstanding > 0) return false;
    this.#dispatcher.resolveDrops(this.#in.clock.nowUs());
    return true;
  }

  #onSettled(): void {
    if (this.#finished || this.#phase < this.#phases.length || this.#dispatcher.outstanding > 0) return;
    // The last answer of the drain: finish now rather than at the next wake-up.
    this.#in.clock.cancel();
    this.#in.clock.wakeAt(this.#in.clock.nowUs(), () => this.#tick());
  }

  #emitProgress(now: number): void {
    while (this.#nextProgressUs <= now && this.#nextProgressUs <= this.#lastProgressUs) {
      this.#progress.outstanding = this.#dispatcher.outstanding;
      this.#in.onSecond?.(this.#progress);
      this.#progress = this.#emptyProgress(this.#progress.second + 1);
      this.#nextProgressUs += 1e6;
    }
  }

  #emptyProgress(second: number): ProgressSecond {
    return { second, issued: 0, answered: 0, errors: 0, timeouts: 0, dropped: 0, outstanding: 0 };
  }

  /** Answers and failures for the progress line, counted as they arrive. */
  #noteEnded(kind: 'ok' | 'error' | 'timeout'): void {
    if (kind === 'timeout') this.#progress.timeouts++;
    else {
      this.#progress.answered++;
      if (kind === 'error') this.#progress.errors++;
    }
  }

  #finish(aborted: boolean): void {
    this.#finished = true;
    const now = this.#in.clock.nowUs();
    // The window's last seconds may end after the drain did (nothing left to wait for).
    this.#emitProgress(aborted ? now : this.#lastProgressUs);
    const windowStartUs = this.#window.startUs;
    this.#resolve({
      part: this.#recorder.finish(),
      sendLateness: summarize(this.#lateness),
      issued: this.#issued,
      lastIssueUs: this.#issued > 0 ? this.#lastIssueUs : windowStartUs,
      lastIntendedUs: this.#issued > 0 ? this.#lastIntendedUs : windowStartUs,
      windowStartUs,
      drainedUs: now,
      aborted,
    });
  }
}
