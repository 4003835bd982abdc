import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { newHistogram, summarize, type Histogram } from '../metrics/histograms.ts';
import { errorClassOf } from '../results/upgrade.ts';
import { OUTCOME_CLASSES, type ErrorClass, type FollowUpSkipReason, type OperationCounts, type OperationResult, type OutcomeClass } from '../results/types.ts';

/** How one sent request ended, as the HTTP client saw it. */
export type Outcome =
  | { kind: 'ok'; status: number }
  /** status: the HTTP status outside okStatuses, or null for failures without one ("network"). */
  | { kind: 'error'; status: number | null }
  | { kind: 'timeout' };

/** One operation's part of a window, before it is merged with other workers' parts. */
export interface OperationPart extends OperationResult {}

export interface RecorderPart {
  operations: Record<string, OperationPart>;
  /** Answers (any status) that arrived in each second of the window, by arrival time. */
  answered: number[];
}

const CLASS_INDEX = new Map<OutcomeClass, number>(OUTCOME_CLASSES.map((c, i) => [c, i]));

/** Small per-second histograms: 32-bit counts, same encoding as every other histogram. */
function secondHistogram(): Histogram {
  return build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

function emptyCounts(): OperationCounts {
  return { scheduled: 0, sent: 0, dropped: 0, ok: 0, errors: 0, errorsByClass: {}, timeouts: 0, unfinished: 0, byStatus: {} };
}

interface OperationState {
  counts: OperationCounts;
  all: Histogram;
  ok: Histogram;
  okUncorrected: Histogram;
  /** Encoded histograms of closed seconds, by second then outcome class. */
  perSecond: Array<Partial<Record<OutcomeClass, string>>>;
}

/**
 * Outcomes and latencies of one measured window. Every request due in the window ends in exactly
 * one outcome class, with a corrected latency (from its intended send time) recorded in the
 * all-requests histogram and in its class's histogram for the second it was due. Seconds are
 * closed (encoded, their histograms reused) once no request due in them can still end.
 */
export class Recorder {
  readonly #names: readonly string[];
  readonly #ops: OperationState[];
  readonly #startUs: number;
  readonly #seconds: number;
  /** Open seconds: histograms by second, then operation * classes + class. */
  readonly #open = new Map<number, Array<Histogram | undefined>>();
  readonly #spare: Histogram[] = [];
  readonly #answered: number[];
  #closedBefore = 0;
  /** Test seam: measure from the socket write (coordinated omission), to show checks catch it. */
  measureFromWrite = false;
  /** Told of each sent request's end as it happens (progress lines). */
  onEnded: ((kind: Outcome['kind']) => void) | undefined;

  constructor(operationNames: readonly string[], windowStartUs: number, durationUs: number) {
    if (new Set(operationNames).size !== operationNames.length) throw new RangeError(`operation names must be unique, got ${operationNames.join(', ')}`);
    this.#names = operationNames;
    this.#startUs = windowStartUs;
    this.#seconds = Math.max(1, Math.ceil(durationUs / 1e6));
    this.#answered = new Array<number>(this.#seconds).fill(0);
    this.#ops = operationNames.map(() => ({ counts: emptyCounts(), all: newHistogram(), ok: newHistogram(), okUncorrected: newHistogram(), perSecond: [] }));
  }

  /** A request of the window came due; sent = false: dropped at maxInFlight (it ends later, as 'dropped'). */
  scheduled(op: number, sent: boolean): void {
    const c = this.#op(op).counts;
    c.scheduled++;
    if (sent) c.sent++;
    else c.dropped++;
  }

  /** A sent request ended (answer, error or timeout) at doneUs; writtenUs: its socket write, if any. */
  ended(op: number, outcome: Outcome, intendedUs: number, writtenUs: number | null, doneUs: number): void {
    const state = this.#op(op);
    const c = state.counts;
    this.onEnded?.(outcome.kind);
    if (this.measureFromWrite && writtenUs !== null) intendedUs = writtenUs;
    const latency = Math.max(0, Math.round(doneUs - intendedUs));
    const second = this.#secondOf(doneUs);
    if (second >= 0 && second < this.#seconds) this.#answered[second]! += outcome.kind === 'timeout' ? 0 : 1;
    if (outcome.kind === 'ok') {
      c.ok++;
      c.byStatus[outcome.status] = (c.byStatus[outcome.status] ?? 0) + 1;
      state.ok.recordValue(latency);
      state.okUncorrected.recordValue(Math.max(0, Math.round(doneUs - (writtenUs ?? doneUs))));
      this.#record(op, 'ok', intendedUs, latency);
      return;
    }
    if (outcome.kind === 'timeout') {
      c.timeouts++;
      c.byStatus.timeout = (c.byStatus.timeout ?? 0) + 1;
      this.#record(op, 'timeout', intendedUs, latency);
      return;
    }
    const key = outcome.status === null ? 'network' : String(outcome.status);
    const cls: ErrorClass = errorClassOf(key) ?? 'network';
    c.errors++;
    c.errorsByClass[cls] = (c.errorsByClass[cls] ?? 0) + 1;
    c.byStatus[key] = (c.byStatus[key] ?? 0) + 1;
    this.#record(op, cls, intendedUs, latency);
  }

  /** An OK answer that lacked what the operation expects (a stale read); it stays OK. */
  expectFailed(op: number): void {
    const c = this.#op(op).counts;
    c.expectFailed = (c.expectFailed ?? 0) + 1;
  }

  /** A dropped request's wait ended (a slot freed, or the trial stopped): at least this long. */
  dropEnded(op: number, intendedUs: number, endUs: number): void {
    this.#record(op, 'dropped', intendedUs, Math.max(0, Math.round(endUs - intendedUs)));
  }

  /** A follow-up of the window that was not issued, and why (it counts in skipped, not scheduled). */
  skipped(op: number, reason: FollowUpSkipReason): void {
    const c = this.#op(op).counts;
    c.skipped = (c.skipped ?? 0) + 1;
    const by = (c.skippedBy ??= {});
    by[reason] = (by[reason] ?? 0) + 1;
  }

  /** A sent request still outstanding when the trial stopped (interrupted). */
  unfinished(op: number, intendedUs: number, stopUs: number): void {
    this.#op(op).counts.unfinished++;
    this.#record(op, 'unfinished', intendedUs, Math.max(0, Math.round(stopUs - intendedUs)));
  }

  /** Closes every second of the window that ends at or before beforeUs (no request due in it is left). */
  closeSecondsBefore(beforeUs: number): void {
    const last = Math.min(this.#seconds, Math.floor((beforeUs - this.#startUs) / 1e6));
    while (this.#closedBefore < last) this.#closeSecond(this.#closedBefore++);
  }

  /** Closes every second and returns the window's part. */
  finish(): RecorderPart {
    this.closeSecondsBefore(Number.POSITIVE_INFINITY);
    const operations: Record<string, OperationPart> = {};
    this.#names.forEach((name, i) => {
      const s = this.#op(i);
      operations[name] = {
        counts: { ...s.counts, errorsByClass: { ...s.counts.errorsByClass }, byStatus: { ...s.counts.byStatus }, ...(s.counts.skippedBy ? { skippedBy: { ...s.counts.skippedBy } } : {}) },
        latency: { all: summarize(s.all), ok: summarize(s.ok), okUncorrected: summarize(s.okUncorrected) },
        perSecond: s.perSecond.slice(),
      };
    });
    return { operations, answered: this.#answered.slice() };
  }

  #op(op: number): OperationState {
    const state = this.#ops[op];
    if (state === undefined) throw new RangeError(`unknown operation index ${op}`);
    return state;
  }

  #secondOf(us: number): number {
    return Math.floor((us - this.#startUs) / 1e6);
  }

  #record(op: number, cls: OutcomeClass, intendedUs: number, latencyUs: number): void {
    this.#op(op).all.recordValue(latencyUs);
    const second = Math.min(this.#seconds - 1, Math.max(0, this.#secondOf(intendedUs)));
    if (second < this.#closedBefore) throw new Error(`second ${second} was closed before a request due in it ended`);
    let slots = this.#open.get(second);
    if (slots === undefined) {
      slots = new Array<Histogram | undefined>(this.#names.length * OUTCOME_CLASSES.length);
      this.#open.set(second, slots);
    }
    const index = op * OUTCOME_CLASSES.length + CLASS_INDEX.get(cls)!;
    let h = slots[index];
    if (h === undefined) slots[index] = h = this.#spare.pop() ?? secondHistogram();
    h.recordValue(latencyUs);
  }

  #closeSecond(second: number): void {
    const slots = this.#open.get(second);
    this.#open.delete(second);
    this.#ops.forEach((state, op) => {
      const classes: Partial<Record<OutcomeClass, string>> = {};
      OUTCOME_CLASSES.forEach((cls, ci) => {
        const h = slots?.[op * OUTCOME_CLASSES.length + ci];
        if (h === undefined) return;
        classes[cls] = encodeIntoCompressedBase64(h);
        h.reset();
        this.#spare.push(h);
      });
      state.perSecond[second] = classes;
    });
  }
}
