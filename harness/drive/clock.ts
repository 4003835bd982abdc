/**
 * Time for the load generator: a monotonic clock in integer microseconds and one wake-up at a time.
 * Production uses the process's monotonic clock (shared by every thread of the process, so worker
 * threads agree on the schedule's start); tests inject a manual clock and step through time.
 */
export interface Clock {
  nowUs(): number;
  /** Calls fn once, at or after atUs; a later wakeAt replaces a pending one. */
  wakeAt(atUs: number, fn: () => void): void;
  /** Cancels a pending wake-up. */
  cancel(): void;
}

export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * setTimeout has millisecond granularity: rounding the wait gave the smallest send lateness measured
 * here (about 0.6 ms on average). A wake-up already due runs on the next turn (setImmediate), so
 * answers are read between bursts. One due within the next half millisecond waits for a 1 ms timer,
 * never for setImmediate: that fired before its time, the open model re-armed it, and the thread
 * spun through the event loop until the time came (at 2,400 req/s one generator thread used 0.88
 * of a core, its event loop never idle, and sweeps stopped as "generator limited"). Sends become up
 * to about a millisecond late, as wrk2's per-millisecond ticks make them; latency is measured from
 * the intended time, so none of it is hidden. Never spins: the generator shares cores with the app.
 */
export function realClock(): Clock {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  };
  return {
    nowUs: monotonicUs,
    wakeAt(atUs, fn) {
      cancel();
      const waitUs = atUs - monotonicUs();
      if (waitUs <= 0) immediate = setImmediate(() => ((immediate = undefined), fn()));
      else timer = setTimeout(() => ((timer = undefined), fn()), Math.max(1, Math.round(waitUs / 1000)));
    },
    cancel,
  };
}

/** A clock tests move by hand: advanceTo runs the pending wake-up whenever its time is reached. */
export interface ManualClock extends Clock {
  /** Moves time forward to atUs, running the wake-up (and any it sets) that falls due on the way. */
  advanceTo(atUs: number): void;
  /** The pending wake-up's time, or null. */
  pendingAt(): number | null;
}

export function manualClock(startUs = 0): ManualClock {
  let now = startUs;
  let pending: { atUs: number; fn: () => void } | null = null;
  return {
    nowUs: () => now,
    wakeAt(atUs, fn) {
      pending = { atUs, fn };
    },
    cancel() {
      pending = null;
    },
    pendingAt: () => pending?.atUs ?? null,
    advanceTo(atUs) {
      while (pending !== null && pending.atUs <= atUs) {
        const due = pending;
        pending = null;
        now = Math.max(now, due.atUs);
        due.fn();
      }
      now = Math.max(now, atUs);
    },
  };
}
