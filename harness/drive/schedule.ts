import { createHash } from 'node:crypto';
import { scenarioStreams, streamLabel, type ResolvedStream } from '../../scenarios/streams.ts';
import type { OperationSpec, Scenario } from '../../scenarios/types.ts';
import { arrivalsOf } from './arrivals.ts';
import { buildParts, compileOperation, type CompiledOp } from './compile.ts';
import { createRng } from './rng.ts';
import type { Populations } from './types.ts';

/** One request of the open-model stream. */
export interface ScheduledRequest {
  /** Sequence number within the phase (0, 1, 2, ...). */
  index: number;
  /** Intended send time, integer microseconds after the phase start. */
  offsetUs: number;
  /** Index into operationsOf(scenario): every stream's operations, streams in order. */
  opIndex: number;
  operation: OperationSpec;
  /** operation.path with `{key}`, `{actor}` and `{seq}` replaced by the drawn values (URL-encoded). */
  path: string;
  /**
   * `authorization: Bearer <token>` when the operation has an actor, `content-type: application/json`
   * when it has a body; empty otherwise. Names are lower case.
   */
  headers: Record<string, string>;
  /** The JSON body with placeholders filled, or undefined when the operation has none. */
  body: string | undefined;
  /** The drawn key and actor ids (undefined when the operation has no such distribution). */
  key: string | undefined;
  actor: string | undefined;
}

export interface ScheduleOptions {
  /**
   * A user's session token, for operations with an actor (required if any has one). Must be
   * deterministic, or the stream is not: same seed => same tokens.
   */
  sessionToken?: (userId: string) => string;
  /** Which stream of a multi-stream scenario to draw, by name (a single-stream scenario has one). */
  stream?: string;
  /**
   * Run-time values the harness provides before the trial (e.g. a photo picked by a set-up step),
   * used as {name} in templates and `fixed` keys; a template naming one not given is an error.
   */
  vars?: Readonly<Record<string, string>>;
}

export interface Schedule {
  /** Index of the next request (next() or skip() consumes it). */
  readonly nextIndex: number;
  /**
   * Intended offset of the next request without drawing it: µs after the phase start, Infinity
   * once the phase's arrivals are exhausted, 0 for a closed loop (its requests have no times).
   */
  peekOffsetUs(): number;
  next(): ScheduledRequest;
  /**
   * Consumes the next request without building it (same draws as next()): a worker owning a slice
   * of the stream skips the others' requests cheaply and stays in step with them.
   */
  skip(): void;
}

export { intendedOffsetUs } from './arrivals.ts';

/** '' is the measured window (its rng label stays '' so existing streams keep their bytes), 'warmup' the warm-up. */
export type SchedulePhase = '' | 'warmup';

function pickStream(scenario: Scenario, name: string | undefined): ResolvedStream {
  const streams = scenarioStreams(scenario);
  if (name === undefined) {
    if (streams.length === 1) return streams[0]!;
    throw new RangeError(`scenario "${scenario.name}" has ${streams.length} streams: name the one to draw (options.stream)`);
  }
  const found = streams.find((st) => st.name === name);
  if (found === undefined) throw new RangeError(`scenario "${scenario.name}" has no stream "${name}" (streams: ${streams.map((st) => st.name || '(unnamed)').join(', ')})`);
  return found;
}

/**
 * The deterministic request stream of a phase of one stream: same scenario + seed + populations
 * + phase + stream (+ a deterministic sessionToken) => the same sequence of (offset, operation,
 * path, headers, body). Each stream draws from an rng of its own (seed + stream name); the one
 * stream of a single-stream scenario keeps the labels '' and 'warmup', so its bytes never changed.
 * Each request draws the operation, then its key (if any), then its actor (if any), all from one rng,
 * so a scenario without actors gives the same stream as before actors existed.
 */
export function createSchedule(
  scenario: Scenario,
  seed: number,
  populations: Populations,
  phase: SchedulePhase = '',
  options: ScheduleOptions = {},
): Schedule {
  const stream = pickStream(scenario, options.stream);
  const e = stream.executor;
  if (e.kind === 'constant-arrival-rate' && !(Number.isFinite(e.rate) && e.rate > 0)) throw new RangeError(`executor.rate must be > 0 requests/s, got ${e.rate}`);
  const offsetOf = arrivalsOf(e, phase === 'warmup' ? 'warmup' : 'measure');
  const ops = stream.operations;
  if (ops.length === 0) throw new RangeError(`scenario "${scenario.name}" has no operations`);
  const opBase = stream.opBase;
  const rng = createRng(seed, streamLabel(stream, phase));
  const cumulative: number[] = [];
  let total = 0;
  for (const op of ops) {
    if (!(Number.isFinite(op.weight) && op.weight > 0)) {
      throw new RangeError(`operation "${op.name}" weight must be a positive number, got ${op.weight}`);
    }
    total += op.weight;
    cumulative.push(total);
  }
  const ctx = { populations, rng, scope: { vars: options.vars ?? {} }, canSign: options.sessionToken !== undefined };
  const compiled: CompiledOp[] = ops.map((op) => compileOperation(op, ctx));
  const sessionToken = options.sessionToken;
  let index = 0;

  const chooseOp = (): number => {
    if (ops.length === 1) return 0;
    const target = rng.nextFloat() * total;
    for (let i = 0; i < cumulative.length; i++) {
      if (target < (cumulative[i] as number)) return i;
    }
    return ops.length - 1;
  };

  return {
    get nextIndex() {
      return index;
    },
    peekOffsetUs: () => offsetOf(index),
    skip(): void {
      const c = compiled[chooseOp()] as CompiledOp;
      c.keySampler?.();
      c.actorSampler?.();
      index++;
    },
    next(): ScheduledRequest {
      const opIndex = chooseOp();
      const operation = ops[opIndex] as OperationSpec;
      const c = compiled[opIndex] as CompiledOp;
      const key = c.keySampler?.();
      const actor = c.actorSampler?.();
      const i = index++;
      const { path, headers, body } = buildParts(c, { key, actor, seq: i, captured: undefined }, sessionToken);
      return { index: i, offsetUs: offsetOf(i), opIndex: opBase + opIndex, operation, path, headers, body, key, actor };
    },
  };
}

/**
 * sha256 over "offsetUs method path[ headers][ body]\n" of the next `count` requests (consumes them);
 * headers (as JSON) and body (as a JSON string) are added only when present, so streams without
 * them hash as they always did.
 */
export function scheduleDigest(schedule: Schedule, count: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < count; i++) {
    const r = schedule.next();
    let line = `${r.offsetUs} ${r.operation.method} ${r.path}`;
    if (Object.keys(r.headers).length > 0) line += ` ${JSON.stringify(r.headers)}`;
    if (r.body !== undefined) line += ` ${JSON.stringify(r.body)}`;
    hash.update(`${line}\n`);
  }
  return hash.digest('hex');
}
