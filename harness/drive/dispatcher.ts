import type { Outcome, Recorder } from './recorder.ts';

/** A request as it goes on the wire. */
export interface WireRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  okStatuses: readonly number[] | undefined;
  /** Read the answer's body and hand it to done (captures, expectations); otherwise it is discarded unread. */
  readBody?: boolean;
  /** Text an OK answer's body must include to be fresh (read with readBody); undefined: no check. */
  expectIncludes?: string | undefined;
}

/**
 * Writes requests on connections. The dispatcher never hands it more requests than it has
 * connections, so nothing waits inside the HTTP client where its time could not be seen.
 */
export interface Transport {
  /**
   * Sends one request; onWritten when it is written to a socket, done once when it ended (with
   * the answer's body when req.readBody, the answer is OK and it fits MAX_CAPTURE_BODY_BYTES). Returns a function
   * that aborts it (done is then not called).
   */
  send(req: WireRequest, onWritten: (atUs: number) => void, done: (outcome: Outcome, doneUs: number, body?: string) => void): () => void;
  /** Waits for nothing: aborts whatever is outstanding and closes the connections. */
  destroy(): Promise<void>;
}

export interface DispatchLimits {
  /** Requests on the wire at once (one per connection). */
  connections: number;
  /** Requests outstanding at once (on the wire or waiting for a connection); more are dropped. */
  maxInFlight: number;
  /** A request not answered this long after its intended send time times out. */
  timeoutUs: number;
}

/**
 * Whether an OK answer fails its expectation. An OK answer read without a body was over
 * MAX_CAPTURE_BODY_BYTES (the transport keeps no more): it is left unchecked rather than counted
 * stale, since whether it held the text cannot be told.
 */
function failsExpectation(wire: WireRequest, body: string | undefined): boolean {
  return wire.expectIncludes !== undefined && body !== undefined && !body.includes(wire.expectIncludes);
}

const QUEUED = 0;
const ACTIVE = 1;
const DONE = 2;

interface Entry<Tag> {
  op: number;
  intendedUs: number;
  deadlineUs: number;
  wire: WireRequest;
  state: typeof QUEUED | typeof ACTIVE | typeof DONE;
  writtenUs: number | null;
  abort: (() => void) | null;
  /** null for warm-up requests: they load the app but are never recorded. */
  recorder: Recorder | null;
  /** The pacer's note on a request with follow-ups (told of its end); null for most requests. */
  tag: Tag | null;
}

interface PendingDrop {
  op: number;
  intendedUs: number;
  recorder: Recorder | null;
}

/** A FIFO over an array with a moving head (compacted now and then), no per-item allocation. */
class Fifo<T> {
  items: T[] = [];
  head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  at(i: number): T | undefined {
    return this.items[this.head + i];
  }
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/**
 * Puts due requests on connections, first come first served, and ends each one exactly once:
 * answered, timed out (measured from the intended send, so time spent waiting for a connection
 * counts), or unfinished when stopped. Requests due while maxInFlight are outstanding are dropped;
 * each dropped one waits, virtually, for the next slot to free, and that wait is its latency: at
 * least the time it had waited, as wrk2 counts a request that never got a socket. No timer per
 * request: deadlines are in intended-time order, so one sweep from the oldest finds every expired one.
 */
export class Dispatcher<Tag = never> {
  readonly #transport: Transport;
  readonly #limits: DispatchLimits;
  /** Written, oldest first (FIFO dispatch keeps intended-time order); ended ones leave from the head. */
  readonly #active = new Fifo<Entry<Tag>>();
  #activeCount = 0;
  /** Waiting for a connection, oldest first. Every active entry is older than every waiting one. */
  readonly #waiting = new Fifo<Entry<Tag>>();
  readonly #drops = new Fifo<PendingDrop>();
  /** Called whenever a request ends (the pacer may be waiting for the drain). */
  onSettled: () => void = () => {};
  /** Told of every write (not GET) that ended, warm-up included: what the trial touched. */
  onWriteEnded: ((req: WireRequest, outcome: Outcome) => void) | undefined;
  /**
   * Called when a sent request with a tag ends, before onSettled: ok with the answer's body (if it
   * asked for it), or not ok (error, timeout, unfinished). A dropped request is never sent: its
   * submit returned false, so the pacer already knows.
   */
  onTagEnded: (tag: Tag, ok: boolean, endUs: number, body: string | undefined) => void = () => {};

  constructor(transport: Transport, limits: DispatchLimits) {
    if (!(limits.maxInFlight >= limits.connections)) throw new RangeError(`maxInFlight (${limits.maxInFlight}) must be at least connections (${limits.connections})`);
    this.#transport = transport;
    this.#limits = limits;
  }

  /** Requests on the wire or waiting for a connection. */
  get outstanding(): number {
    return this.#activeCount + this.#waiting.length;
  }

  /** Dropped requests still waiting (virtually) for a slot. */
  get pendingDrops(): number {
    return this.#drops.length;
  }

  /**
   * A request came due. Returns false when it was dropped (maxInFlight outstanding); the caller
   * counts it as scheduled either way.
   */
  submit(op: number, intendedUs: number, wire: WireRequest, recorder: Recorder | null, nowUs: number, tag: Tag | null = null): boolean {
    if (this.outstanding >= this.#limits.maxInFlight) {
      this.#drops.push({ op, intendedUs, recorder });
      return false;
    }
    // Room now: every dropped request still waiting would have had a slot by this moment.
    this.resolveDrops(nowUs);
    this.#waiting.push({ op, intendedUs, deadlineUs: intendedUs + this.#limits.timeoutUs, wire, state: QUEUED, writtenUs: null, abort: null, recorder, tag });
    this.#pump();
    return true;
  }

  /** Ends every request whose deadline has passed; returns the next deadline, or null. */
  sweep(nowUs: number): number | null {
    for (let head = this.#active.at(0); head !== undefined; head = this.#active.at(0)) {
      if (head.state === DONE) this.#active.shift();
      else if (head.deadlineUs <= nowUs) this.#timeout(head, nowUs);
      else break;
    }
    for (let head = this.#waiting.at(0); head !== undefined && head.deadlineUs <= nowUs; head = this.#waiting.at(0)) {
      this.#waiting.shift();
      this.#timeout(head, nowUs);
    }
    const next = this.#active.at(0) ?? this.#waiting.at(0);
    return next === undefined ? null : next.deadlineUs;
  }

  /** Ends the wait of every dropped request still waiting (room opened, or nothing is outstanding). */
  resolveDrops(nowUs: number): void {
    for (let d = this.#drops.shift(); d !== undefined; d = this.#drops.shift()) d.recorder?.dropEnded(d.op, d.intendedUs, nowUs);
  }

  /** Intended time of the oldest request not yet ended (sent or dropped), or null. */
  oldestIntendedUs(): number | null {
    while (this.#active.at(0)?.state === DONE) this.#active.shift();
    let oldest: number | null = null;
    for (const head of [this.#active.at(0), this.#waiting.at(0), this.#drops.at(0)]) {
      if (head !== undefined && (oldest === null || head.intendedUs < oldest)) oldest = head.intendedUs;
    }
    return oldest;
  }

  /** Stops: every outstanding request ends as unfinished, every pending drop at nowUs. */
  stop(nowUs: number): void {
    for (const fifo of [this.#active, this.#waiting]) {
      for (let e = fifo.shift(); e !== undefined; e = fifo.shift()) {
        if (e.state === DONE) continue;
        e.state = DONE;
        e.abort?.();
        e.recorder?.unfinished(e.op, e.intendedUs, nowUs);
        // Sent and never answered: the write may or may not have happened.
        if (e.wire.method !== 'GET') this.onWriteEnded?.(e.wire, { kind: 'timeout' });
        if (e.tag !== null) this.onTagEnded(e.tag, false, nowUs, undefined);
      }
    }
    this.#activeCount = 0;
    this.resolveDrops(nowUs);
  }

  #timeout(e: Entry<Tag>, nowUs: number): void {
    e.abort?.();
    this.#end(e, { kind: 'timeout' }, nowUs);
  }

  /** Writes waiting requests while connections are free. */
  #pump(): void {
    while (this.#activeCount < this.#limits.connections) {
      const e = this.#waiting.shift();
      if (e === undefined) return;
      e.state = ACTIVE;
      this.#activeCount++;
      this.#active.push(e);
      e.abort = this.#transport.send(
        e.wire,
        (atUs) => (e.writtenUs = atUs),
        (outcome, doneUs, body) => {
          if (e.state !== DONE) this.#end(e, outcome, doneUs, body);
        },
      );
    }
  }

  #end(e: Entry<Tag>, outcome: Outcome, doneUs: number, body?: string): void {
    if (e.state === ACTIVE) this.#activeCount--;
    e.state = DONE;
    e.abort = null;
    e.recorder?.ended(e.op, outcome, e.intendedUs, e.writtenUs, doneUs);
    if (outcome.kind === 'ok' && failsExpectation(e.wire, body)) e.recorder?.expectFailed(e.op);
    if (e.wire.method !== 'GET') this.onWriteEnded?.(e.wire, outcome);
    if (e.tag !== null) this.onTagEnded(e.tag, outcome.kind === 'ok', doneUs, body);
    // The slot this request held is where the oldest dropped request would have gone.
    const drop = this.#drops.shift();
    drop?.recorder?.dropEnded(drop.op, drop.intendedUs, doneUs);
    this.#pump();
    this.onSettled();
  }
}
