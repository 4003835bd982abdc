import type { Outcome } from './recorder.ts';

/** Bits per method: answered OK, and ended otherwise (error, timeout: it may or may not have happened). */
export const WRITE_BITS = {
  POST: { ok: 1, failed: 2 },
  PUT: { ok: 4, failed: 8 },
  DELETE: { ok: 16, failed: 32 },
} as const;

export type WriteMethod = keyof typeof WRITE_BITS;

/**
 * Every path a trial wrote to (warm-up included: it changes the data too), with which methods
 * succeeded or failed on it. Post-trial checks read it to know what the trial touched and what
 * must have happened (a like answered OK and never undone must be a row). One map entry per
 * distinct path: a storm of a million likes by ten thousand users is ten thousand entries.
 */
export class WriteLog {
  readonly #paths = new Map<string, number>();

  note(method: string, path: string, outcome: Outcome): void {
    const bits = WRITE_BITS[method as WriteMethod];
    if (bits === undefined) return;
    this.#paths.set(path, (this.#paths.get(path) ?? 0) | (outcome.kind === 'ok' ? bits.ok : bits.failed));
  }

  entries(): Array<[string, number]> {
    return [...this.#paths];
  }

  /** Several workers' logs as one (bits OR-ed per path). */
  static merge(lists: ReadonlyArray<ReadonlyArray<[string, number]>>): Array<[string, number]> {
    const out = new Map<string, number>();
    for (const list of lists) for (const [path, bits] of list) out.set(path, (out.get(path) ?? 0) | bits);
    return [...out];
  }
}
