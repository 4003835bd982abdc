import { newHistogram, summarize, type Histogram } from '../metrics/histograms.ts';
import type { OperationCounts, OperationResult, TimeseriesPoint } from '../results/types.ts';

/** How one sent request ended. */
export type Outcome =
  | { kind: 'ok'; status: number }
  /** key: the HTTP status ("503") or "network" for failures without a status. */
  | { kind: 'error'; key: string }
  | { kind: 'timeout' };

interface OperationState {
  counts: OperationCounts;
  corrected: Histogram;
  uncorrected: Histogram;
}

interface SecondCounters {
  scheduled: number;
  sent: number;
  ok: number;
  /** Errors and timeouts: every sent request that did not end OK. */
  errors: number;
}

export interface RecorderResult {
  operations: Record<string, OperationResult>;
  timeseries: TimeseriesPoint[];
}

/**
 * Counts and latency histograms of one phase. Times are integer microseconds on one monotonic clock;
 * startUs is the phase start. Per-second buckets: scheduled/sent by intended time, answers by
 * completion time. The caller closes seconds (closeSecondsBefore) only after it has scheduled every
 * request due up to that time, so an emitted second never changes afterwards.
 */
export class Recorder {
  readonly #ops: OperationState[];
  readonly #names: readonly string[];
  readonly #startUs: number;
  readonly #onSecond: ((point: TimeseriesPoint) => void) | undefined;
  readonly #seconds: SecondCounters[] = [];
  readonly #secondHistograms = new Map<number, Histogram>();
  readonly #spareHistograms: Histogram[] = [];
  readonly #points: TimeseriesPoint[] = [];

  constructor(operationNames: readonly string[], startUs: number, onSecond?: (point: TimeseriesPoint) => void) {
    if (new Set(operationNames).size !== operationNames.length) {
      throw new RangeError(`operation names must be unique, got ${operationNames.join(', ')}`);
    }
    this.#names = operationNames;
    this.#startUs = startUs;
    this.#onSecond = onSecond;
    this.#ops = operationNames.map(() => ({
      counts: { scheduled: 0, sent: 0, dropped: 0, ok: 0, errors: 0, timeouts: 0, inFlightAtStop: 0, byStatus: {} },
      corrected: newHistogram(),
      uncorrected: newHistogram(),
    }));
  }

  /** A request came due; sent = false means it was dropped (maxInFlight outstanding). */
  scheduled(op: number, intendedUs: number, sent: boolean): void {
    const counts = this.#op(op).counts;
    const second = this.#counters(intendedUs);
    counts.scheduled++;
    second.scheduled++;
    if (sent) {
      counts.sent++;
      second.sent++;
    } else {
      counts.dropped++;
    }
  }

  /**
   * A sent request ended. Latency (OK answers only): corrected = done - intended,
   * uncorrected = done - actual send.
   */
  completed(op: number, outcome: Outcome, intendedUs: number, sentUs: number, doneUs: number): void {
    const state = this.#op(op);
    const counts = state.counts;
    const second = this.#counters(doneUs);
    const statusKey = outcome.kind === 'ok' ? String(outcome.status) : outcome.kind === 'error' ? outcome.key : 'timeout';
    counts.byStatus[statusKey] = (counts.byStatus[statusKey] ?? 0) + 1;
    if (outcome.kind !== 'ok') {
      if (outcome.kind === 'timeout') counts.timeouts++;
      else counts.errors++;
      second.errors++;
      return;
    }
    counts.ok++;
    second.ok++;
    const corrected = Math.max(0, Math.round(doneUs - intendedUs));
    const uncorrected = Math.max(0, Math.round(doneUs - sentUs));
    state.corrected.recordValue(corrected);
    state.uncorrected.recordValue(uncorrected);
    this.#secondHistogram(doneUs).recordValue(corrected);
  }

  /** Sent requests of this operation still outstanding when the phase stopped. */
  inFlightAtStop(op: number, count: number): void {
    this.#op(op).counts.inFlightAtStop += count;
  }

  /** Closes (and emits) every whole second that ended at or before nowUs. */
  closeSecondsBefore(nowUs: number): void {
    const current = this.#secondOf(nowUs);
    while (this.#points.length < current) this.#closeSecond(this.#points.length);
  }

  /** Closes every second up to endUs (a partial last second included) and returns the phase's results. */
  finish(endUs: number): RecorderResult {
    const last = Math.ceil((endUs - this.#startUs) / 1e6);
    while (this.#points.length < last) this.#closeSecond(this.#points.length);
    const operations: Record<string, OperationResult> = {};
    this.#names.forEach((name, i) => {
      const state = this.#op(i);
      operations[name] = {
        counts: { ...state.counts, byStatus: { ...state.counts.byStatus } },
        latency: { corrected: summarize(state.corrected), uncorrected: summarize(state.uncorrected) },
      };
    });
    return { operations, timeseries: this.#points.slice() };
  }

  #op(op: number): OperationState {
    const state = this.#ops[op];
    if (state === undefined) throw new RangeError(`unknown operation index ${op}`);
    return state;
  }

  #secondOf(us: number): number {
    return Math.max(0, Math.floor((us - this.#startUs) / 1e6));
  }

  #counters(us: number): SecondCounters {
    const second = this.#secondOf(us);
    let counters = this.#seconds[second];
    if (counters === undefined) {
      for (let s = this.#seconds.length; s <= second; s++) this.#seconds[s] = { scheduled: 0, sent: 0, ok: 0, errors: 0 };
      counters = this.#seconds[second] as SecondCounters;
    }
    return counters;
  }

  #secondHistogram(us: number): Histogram {
    const second = this.#secondOf(us);
    let h = this.#secondHistograms.get(second);
    if (h === undefined) {
      h = this.#spareHistograms.pop() ?? newHistogram();
      this.#secondHistograms.set(second, h);
    }
    return h;
  }

  #closeSecond(second: number): void {
    const counters = this.#seconds[second] ?? { scheduled: 0, sent: 0, ok: 0, errors: 0 };
    const h = this.#secondHistograms.get(second);
    const hasLatency = h !== undefined && h.totalCount > 0;
    const point: TimeseriesPoint = {
      second,
      scheduled: counters.scheduled,
      sent: counters.sent,
      ok: counters.ok,
      errors: counters.errors,
      p50Us: hasLatency ? h.getValueAtPercentile(50) : null,
      p99Us: hasLatency ? h.getValueAtPercentile(99) : null,
      maxUs: hasLatency ? h.getValueAtPercentile(100) : null,
      cacheHitRate: null,
    };
    if (h !== undefined) {
      this.#secondHistograms.delete(second);
      h.reset();
      this.#spareHistograms.push(h);
    }
    this.#points.push(point);
    this.#onSecond?.(point);
  }
}
