import type { Clock } from '../../harness/drive/clock.ts';
import type { Transport, WireRequest } from '../../harness/drive/dispatcher.ts';
import type { Outcome } from '../../harness/drive/recorder.ts';

/**
 * Discrete-event time for load-generator tests: the generator's clock and a simulated server share
 * one queue of events, run in time order. A 30 s trial takes milliseconds and is exactly repeatable.
 */
export class Simulation {
  now = 0;
  #events: Array<{ at: number; seq: number; fn: () => void }> = [];
  #seq = 0;
  #pacer: { at: number; seq: number; fn: () => void } | null = null;

  at(atUs: number, fn: () => void): { cancel(): void } {
    const ev = { at: Math.max(atUs, this.now), seq: this.#seq++, fn };
    this.#insert(ev);
    return { cancel: () => (ev.fn = () => {}) };
  }

  /** The generator's clock: one pending wake-up, replaced by each wakeAt. */
  clock(): Clock {
    return {
      nowUs: () => this.now,
      wakeAt: (atUs, fn) => {
        if (this.#pacer) this.#pacer.fn = () => {};
        this.#pacer = { at: Math.max(atUs, this.now), seq: this.#seq++, fn };
        this.#insert(this.#pacer);
      },
      cancel: () => {
        if (this.#pacer) this.#pacer.fn = () => {};
        this.#pacer = null;
      },
    };
  }

  /** Runs events in time order until none is left or untilUs is reached. */
  run(untilUs = Number.POSITIVE_INFINITY): void {
    for (;;) {
      const ev = this.#events[0];
      if (ev === undefined || ev.at > untilUs) break;
      this.#events.shift();
      this.now = ev.at;
      ev.fn();
    }
  }

  #insert(ev: { at: number; seq: number; fn: () => void }): void {
    // Binary search: events are kept sorted by (at, seq).
    let lo = 0;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.#events[mid]!;
      if (m.at < ev.at || (m.at === ev.at && m.seq < ev.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#events.splice(lo, 0, ev);
  }
}

export interface SimServerOptions {
  /** Service time of one request, µs (default 1,000). */
  serviceUs?: (req: WireRequest) => number;
  /** The server answers nothing in [fromUs, toUs): requests arriving or in service wait until toUs. */
  stalls?: Array<{ fromUs: number; toUs: number }>;
  /** Status of each answer (default 200). */
  status?: (req: WireRequest) => number | 'network';
  /** The answer's body, handed back only when the request asks to read it (default "{}"). */
  answer?: (req: WireRequest) => string;
}

/** A server with unlimited workers (the client's connections are the limit), answering in simulated time. */
export function simServer(sim: Simulation, opts: SimServerOptions = {}): Transport & { sent: WireRequest[]; sentAt: number[] } {
  const sent: WireRequest[] = [];
  const sentAt: number[] = [];
  const resume = (t: number): number => {
    for (const s of opts.stalls ?? []) if (t >= s.fromUs && t < s.toUs) return s.toUs;
    return t;
  };
  return {
    sent,
    sentAt,
    send(req, onWritten, done) {
      sent.push(req);
      sentAt.push(sim.now);
      onWritten(sim.now);
      let doneAt = sim.now + (opts.serviceUs?.(req) ?? 1000);
      // A request in service when a stall starts finishes after it.
      for (const s of opts.stalls ?? []) if (sim.now < s.toUs && doneAt > s.fromUs) doneAt = Math.max(doneAt, s.toUs + (doneAt - Math.max(sim.now, s.fromUs)));
      doneAt = Math.max(doneAt, resume(sim.now));
      const status = opts.status?.(req) ?? 200;
      const outcome: Outcome = status === 'network' ? { kind: 'error', status: null } : status >= 200 && status < 300 ? { kind: 'ok', status } : { kind: 'error', status };
      const body = req.readBody ? (opts.answer?.(req) ?? '{}') : undefined;
      const ev = sim.at(doneAt, () => done(outcome, sim.now, body));
      return () => ev.cancel();
    },
    destroy: async () => {},
  };
}
