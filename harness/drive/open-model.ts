import { newHistogram, summarize, type Histogram } from '../metrics/histograms.ts';
import type { HistogramSummary } from '../results/types.ts';
import type { Clock } from './clock.ts';
import { Dispatcher, type DispatchLimits, type Transport } from './dispatcher.ts';
import { FollowUpQueue, settleParent, type ParentTag, type PendingFollowUp } from './follow-ups.ts';
import { ProgressLines, type ProgressSecond } from './progress.ts';
import { Recorder, type RecorderPart } from './recorder.ts';
import { WriteLog } from './write-log.ts';
import type { Schedule, ScheduledRequest } from './schedule.ts';

/** This worker's share of the stream: requests whose index % count === index. */
export interface Slice {
  index: number;
  count: number;
}

export type { ProgressSecond } from './progress.ts';

/** One stream of the trial as this worker runs it: its schedules, its own connections and limits. */
export interface StreamInput {
  /** Warm-up stream (never recorded), or null. */
  warmup: Schedule | null;
  measure: Schedule;
  /** The stream's warm-up: this long, ending where the window starts (at most the trial's warm-up). */
  warmupUs: number;
  /** The stream's own window: from offsetUs into the trial's window, for durationUs. */
  offsetUs: number;
  durationUs: number;
  limits: DispatchLimits;
  transport: Transport;
}

export interface OpenModelInput {
  /** Every stream's operations, streams in order (the schedules' opIndex space). */
  operationNames: readonly string[];
  streams: readonly StreamInput[];
  slice: Slice;
  /** Monotonic µs at which the trial's warm-up (or, without one, the window) starts. */
  startUs: number;
  /** The trial's warm-up (the longest stream's) and measured window (until the last stream ends). */
  warmupUs: number;
  durationUs: number;
  clock: Clock;
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
  /** Paths written to and which methods succeeded or failed (harness/drive/write-log.ts). */
  writes: Array<[string, number]>;
}

interface Phase {
  recorder: Recorder | null;
  schedule: Schedule;
  startUs: number;
  endUs: number;
  next: ScheduledRequest | null;
  /** Follow-ups of its requests must be due before this: the window's start (warm-up) or end. */
  followUpsEndUs: number;
}

/** A stream's phases (warm-up, window) in order, the current one, and its own dispatcher. */
interface StreamState {
  index: number;
  phases: Phase[];
  phase: number;
  dispatcher: Dispatcher<ParentTag>;
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
 * The open model: every request of the slice, of every stream, is issued at its intended time
 * whatever happened to earlier ones, and ends in exactly one outcome. Each stream has its own
 * connections and limits (its own dispatcher), as separate groups of clients would; all streams
 * share one recorder and window. After the window no new request is issued; the answers to those
 * due in it are awaited until each one's deadline (the drain), so a stall in the last second shows
 * as latency, not as silence.
 */
export class OpenModel {
  readonly #in: OpenModelInput;
  readonly #streams: StreamState[];
  readonly #recorder: Recorder;
  readonly #writes = new WriteLog();
  readonly #windowStartUs: number;
  readonly #lateness: Histogram = newHistogram();
  #issued = 0;
  #lastIssueUs = 0;
  #lastIntendedUs = 0;
  readonly #progress: ProgressLines;
  #finished = false;
  /** Follow-ups waiting for their intended time, all streams together. */
  readonly #followUps = new FollowUpQueue();
  /** When the pending wake-up is (a follow-up due sooner moves it). */
  #wakeAtUs = Number.POSITIVE_INFINITY;
  #resolve: (out: OpenModelOutput) => void = () => {};
  readonly done: Promise<OpenModelOutput>;

  constructor(input: OpenModelInput) {
    this.#in = input;
    const windowStartUs = (this.#windowStartUs = input.startUs + input.warmupUs);
    this.#recorder = new Recorder(input.operationNames, windowStartUs, input.durationUs);
    const progress = (this.#progress = new ProgressLines(windowStartUs, input.durationUs, input.onSecond));
    this.#recorder.onEnded = (kind) => progress.ended(kind);
    if (input.latencyFrom === 'written') this.#recorder.measureFromWrite = true;
    this.#streams = input.streams.map((st, i) => this.#streamState(st, i));
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }

  #streamState(st: StreamInput, index: number): StreamState {
    const slice = this.#in.slice;
    const phase = (recorder: Recorder | null, schedule: Schedule, startUs: number, durationUs: number, followUpsEndUs: number): Phase => ({
      recorder,
      schedule,
      startUs,
      endUs: startUs + durationUs,
      next: nextOwned(schedule, slice, durationUs),
      followUpsEndUs,
    });
    const windowStartUs = this.#windowStartUs;
    const warmupUs = Math.min(st.warmupUs, this.#in.warmupUs);
    const phases = [
      ...(st.warmup && warmupUs > 0 ? [phase(null, st.warmup, windowStartUs - warmupUs, warmupUs, windowStartUs)] : []),
      phase(this.#recorder, st.measure, windowStartUs + st.offsetUs, st.durationUs, windowStartUs + this.#in.durationUs),
    ];
    const dispatcher = new Dispatcher<ParentTag>(st.transport, st.limits);
    dispatcher.onSettled = () => this.#onSettled();
    dispatcher.onWriteEnded = (req, outcome) => this.#writes.note(req.method, req.path, outcome);
    dispatcher.onTagEnded = (tag, ok, endUs, body) => this.#parentEnded(tag, ok, endUs, body);
    return { index, phases, phase: 0, dispatcher };
  }

  start(): this {
    this.#wakeAt(this.#in.startUs);
    return this;
  }

  /** Stops now: what is outstanding ends as unfinished (interrupted). */
  abort(): void {
    if (this.#finished) return;
    this.#in.clock.cancel();
    const now = this.#in.clock.nowUs();
    for (const st of this.#streams) st.dispatcher.stop(now);
    // Follow-ups not yet due never will be: each is counted, none vanishes.
    for (let p = this.#followUps.pop(); p !== undefined; p = this.#followUps.pop()) p.tag.recorder?.skipped(p.draw.opIndex, 'stopped');
    this.#finish(true);
  }

  #tick(): void {
    if (this.#finished) return;
    this.#wakeAtUs = Number.POSITIVE_INFINITY;
    const now = this.#in.clock.nowUs();
    this.#issueDue(now);
    let nextDeadline: number | null = null;
    for (const st of this.#streams) {
      const d = st.dispatcher.sweep(now);
      if (d !== null && (nextDeadline === null || d < nextDeadline)) nextDeadline = d;
    }
    this.#progress.emitUntil(now, this.#outstanding);
    this.#closeSeconds();
    if (this.#drained()) return this.#finish(false);
    const wake = [this.#nextDueUs(), nextDeadline, this.#progress.nextUs()].filter((t): t is number => t !== null);
    // Not drained means a request is due or outstanding (and every outstanding one has a deadline).
    if (wake.length === 0) throw new Error('open model: nothing to wait for, yet not drained');
    this.#wakeAt(Math.min(...wake));
  }

  #wakeAt(atUs: number): void {
    this.#wakeAtUs = atUs;
    this.#in.clock.wakeAt(atUs, () => this.#tick());
  }

  /** A request with follow-ups ended: queue them (waking sooner if one is due first) or count them skipped. */
  #parentEnded(tag: ParentTag, ok: boolean, endUs: number, body: string | undefined): void {
    settleParent(tag, ok, endUs, body, this.#followUps);
    const first = this.#followUps.peek();
    if (!this.#finished && first !== undefined && first.dueUs < this.#wakeAtUs) this.#wakeAt(first.dueUs);
  }

  /** The stream's next request, moving past finished phases; null when it has none left. */
  #current(st: StreamState): Phase | null {
    for (; st.phase < st.phases.length; st.phase++) {
      const ph = st.phases[st.phase]!;
      if (ph.next !== null) return ph;
    }
    return null;
  }

  /**
   * Issues every request whose intended time has come, in intended-time order across streams and
   * follow-ups, in one burst (each dispatcher then sees its requests in intended-time order, as its
   * sweep needs: a follow-up is due after its parent's answer, so after all issued before it).
   */
  #issueDue(now: number): void {
    for (;;) {
      let best: StreamState | null = null;
      let bestDue = Number.POSITIVE_INFINITY;
      for (const st of this.#streams) {
        const ph = this.#current(st);
        const due = ph === null ? Number.POSITIVE_INFINITY : ph.startUs + ph.next!.offsetUs;
        if (due < bestDue) (best = st), (bestDue = due);
      }
      const followUp = this.#followUps.peek();
      if (followUp !== undefined && followUp.dueUs < bestDue && followUp.dueUs <= now) {
        this.#issueFollowUp(this.#followUps.pop()!, now);
        continue;
      }
      if (best === null || bestDue > now) return;
      const ph = best.phases[best.phase]!;
      this.#issue(best, ph, ph.next!, now);
      ph.next = nextOwned(ph.schedule, this.#in.slice, ph.endUs - ph.startUs);
    }
  }

  #issue(st: StreamState, ph: Phase, r: ScheduledRequest, now: number): void {
    const intendedUs = ph.startUs + r.offsetUs;
    const tag = r.followUps === undefined ? null : { stream: st.index, schedule: ph.schedule, request: r, recorder: ph.recorder, endUs: ph.followUpsEndUs };
    const sent = this.#submit(st, r, intendedUs, ph.recorder, tag, now);
    if (ph.recorder === null) return;
    // The achieved rate is about the schedule: follow-ups (the app's answers decide how many) are not in it.
    this.#issued++;
    this.#lastIssueUs = now;
    this.#lastIntendedUs = intendedUs;
    this.#counted(ph.recorder, r.opIndex, intendedUs, sent, now);
  }

  #issueFollowUp(p: PendingFollowUp, now: number): void {
    const parent = p.tag;
    const r = parent.schedule.followUp(p.draw, parent.request, p.captured);
    // Its own follow-ups go where its parent's went (stream, recorder, end): only the request differs.
    const tag = r.followUps === undefined ? null : { ...parent, request: r };
    const sent = this.#submit(this.#streams[parent.stream]!, r, p.dueUs, parent.recorder, tag, now);
    if (parent.recorder !== null) this.#counted(parent.recorder, r.opIndex, p.dueUs, sent, now);
  }

  #submit(st: StreamState, r: ScheduledRequest, intendedUs: number, recorder: Recorder | null, tag: ParentTag | null, now: number): boolean {
    const sent = st.dispatcher.submit(r.opIndex, intendedUs, r.wire, recorder, now, tag);
    // A dropped parent is never sent: its follow-ups are settled (skipped) now.
    if (!sent && tag !== null) settleParent(tag, false, now, undefined, this.#followUps);
    return sent;
  }

  /** A request of the window came due: scheduled, its send lateness, the progress line. */
  #counted(recorder: Recorder, op: number, intendedUs: number, sent: boolean, now: number): void {
    recorder.scheduled(op, sent);
    this.#lateness.recordValue(Math.max(0, now - intendedUs));
    this.#progress.issued(sent);
  }

  #nextDueUs(): number | null {
    let next: number | null = this.#followUps.peek()?.dueUs ?? null;
    for (const st of this.#streams) {
      const ph = this.#current(st);
      if (ph !== null && (next === null || ph.startUs + ph.next!.offsetUs < next)) next = ph.startUs + ph.next!.offsetUs;
    }
    return next;
  }

  readonly #outstanding = (): number => {
    let n = 0;
    for (const st of this.#streams) n += st.dispatcher.outstanding;
    return n;
  };

  /** A second of the window closes once nothing due in it can still end. */
  #closeSeconds(): void {
    let bound = this.#nextDueUs() ?? Number.POSITIVE_INFINITY;
    for (const st of this.#streams) bound = Math.min(bound, st.dispatcher.oldestIntendedUs() ?? Number.POSITIVE_INFINITY);
    this.#recorder.closeSecondsBefore(bound);
  }

  #drained(): boolean {
    if (this.#nextDueUs() !== null || this.#outstanding() > 0) return false;
    const now = this.#in.clock.nowUs();
    for (const st of this.#streams) st.dispatcher.resolveDrops(now);
    return true;
  }

  #onSettled(): void {
    if (this.#finished || this.#nextDueUs() !== null || this.#outstanding() > 0) return;
    // The last answer of the drain: finish now rather than at the next wake-up.
    this.#in.clock.cancel();
    this.#wakeAt(this.#in.clock.nowUs());
  }

  #finish(aborted: boolean): void {
    this.#finished = true;
    const now = this.#in.clock.nowUs();
    // The window's last seconds may end after the drain did (nothing left to wait for).
    this.#progress.finish(aborted, now, this.#outstanding);
    const windowStartUs = this.#windowStartUs;
    this.#resolve({
      part: this.#recorder.finish(),
      sendLateness: summarize(this.#lateness),
      issued: this.#issued,
      lastIssueUs: this.#issued > 0 ? this.#lastIssueUs : windowStartUs,
      lastIntendedUs: this.#issued > 0 ? this.#lastIntendedUs : windowStartUs,
      windowStartUs,
      drainedUs: now,
      aborted,
      writes: this.#writes.entries(),
    });
  }
}
