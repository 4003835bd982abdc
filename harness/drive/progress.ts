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

const empty = (second: number): ProgressSecond => ({ second, issued: 0, answered: 0, errors: 0, timeouts: 0, dropped: 0, outstanding: 0 });

/** The open model's progress lines: counts as things happen, one line per second of the window. */
export class ProgressLines {
  #current = empty(0);
  #nextUs: number;
  /** End of the window's last (possibly partial) second: no line after it. */
  readonly #lastUs: number;
  readonly #emit: ((p: ProgressSecond) => void) | undefined;

  constructor(windowStartUs: number, durationUs: number, emit: ((p: ProgressSecond) => void) | undefined) {
    this.#nextUs = windowStartUs + 1e6;
    this.#lastUs = windowStartUs + Math.ceil(durationUs / 1e6) * 1e6;
    this.#emit = emit;
  }

  issued(sent: boolean): void {
    this.#current.issued++;
    if (!sent) this.#current.dropped++;
  }

  /** Answers and failures, counted as they arrive. */
  ended(kind: 'ok' | 'error' | 'timeout'): void {
    if (kind === 'timeout') this.#current.timeouts++;
    else {
      this.#current.answered++;
      if (kind === 'error') this.#current.errors++;
    }
  }

  /** When the next line is due, or null after the window's last. */
  nextUs(): number | null {
    return this.#nextUs <= this.#lastUs ? this.#nextUs : null;
  }

  /** Emits every line due by nowUs (at most up to the window's last second). */
  emitUntil(nowUs: number, outstanding: () => number): void {
    while (this.#nextUs <= nowUs && this.#nextUs <= this.#lastUs) {
      this.#current.outstanding = outstanding();
      this.#emit?.(this.#current);
      this.#current = empty(this.#current.second + 1);
      this.#nextUs += 1e6;
    }
  }

  /** The window's last lines: all of them, or (interrupted) those up to now. */
  finish(aborted: boolean, nowUs: number, outstanding: () => number): void {
    this.emitUntil(aborted ? nowUs : this.#lastUs, outstanding);
  }
}
