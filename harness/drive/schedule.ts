import { createHash } from 'node:crypto';
import { scenarioStreams, streamLabel, type ResolvedStream } from '../../scenarios/streams.ts';
import type { OperationSpec, Scenario } from '../../scenarios/types.ts';
import { arrivalsOf } from './arrivals.ts';
import type { CaptureSpec } from './capture.ts';
import { buildWire, compileOperation, type CompiledOp } from './compile.ts';
import type { WireRequest } from './dispatcher.ts';
import { planFollowUps } from './follow-up-plan.ts';
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
  /** Follow-ups its OK answer starts, drawn with it (so every worker draws the same); usually undefined. */
  followUps: readonly FollowUpDraw[] | undefined;
  /** What to read from its answer for its follow-ups; undefined: its body is never read. */
  capture: readonly CaptureSpec[] | undefined;
  /** Values captured by the requests it follows, by capture slot; undefined for a drawn request. */
  captured: ReadonlyArray<string | undefined> | undefined;
  /** What is sent: path, headers and body as above, whether to read the answer, what it must include. */
  wire: WireRequest;
}

/**
 * A follow-up as drawn with its root request: which operation, after how long, and its own key and
 * actor (undefined: it uses its parent's), with its own follow-ups. Built into a request only once
 * its parent's answer came (Schedule.followUp).
 */
export interface FollowUpDraw {
  /** Index into operationsOf(scenario). */
  opIndex: number;
  /** Index among its stream's operations. */
  local: number;
  delayUs: number;
  key: string | undefined;
  actor: string | undefined;
  children: readonly FollowUpDraw[] | undefined;
  /** Capture slots its templates use: if the answer lacked any, it cannot be built. */
  needs: readonly number[];
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
  /**
   * Builds a follow-up of parent with the values captured so far. Its {seq} is its root request's
   * index; without a key or actor of its own it uses its parent's (the same user carries on).
   */
  followUp(draw: FollowUpDraw, parent: ScheduledRequest, captured: ReadonlyArray<string | undefined> | undefined): ScheduledRequest;
  /** Capture names of the stream, by slot. */
  readonly captureSlots: number;
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
    // Weight 0: issued only as a follow-up of another operation, never drawn by the mix.
    if (!(Number.isFinite(op.weight) && op.weight >= 0)) throw new RangeError(`operation "${op.name}" weight must be a number >= 0, got ${op.weight}`);
    total += op.weight;
    cumulative.push(total);
  }
  if (!(total > 0)) throw new RangeError(`scenario "${scenario.name}": at least one operation needs a weight > 0`);
  // Rounding can put the target at the very top: the last operation the mix draws takes it.
  const lastDrawn = ops.length - 1 - [...ops].reverse().findIndex((op) => op.weight > 0);
  const plan = planFollowUps(ops);
  const ctx = { populations, rng, scope: { vars: options.vars ?? {}, captureSlot: plan.slotOf }, canSign: options.sessionToken !== undefined };
  const compiled: CompiledOp[] = ops.map((op, i) => compileOperation(op, ctx, plan.inherits[i]));
  const sessionToken = options.sessionToken;
  let index = 0;
  // A pacer peeks at an index's time before it draws it: computed once per index.
  let offsetIndex = -1;
  let offsetUs = 0;
  const offsetAt = (i: number): number => {
    if (i !== offsetIndex) (offsetIndex = i), (offsetUs = offsetOf(i));
    return offsetUs;
  };

  const chooseOp = (): number => {
    if (ops.length === 1) return 0;
    const target = rng.nextFloat() * total;
    for (let i = 0; i < cumulative.length; i++) {
      if (target < (cumulative[i] as number)) return i;
    }
    return lastDrawn;
  };

  /** Draws the follow-up tree of an operation, depth first (each node's key, actor, then its children). */
  const drawFollowUps = (local: number, build: boolean): FollowUpDraw[] | undefined => {
    const edges = plan.children[local]!;
    if (edges.length === 0) return undefined;
    const out: FollowUpDraw[] = [];
    for (const edge of edges) {
      const c = compiled[edge.op]!;
      const key = c.keySampler?.();
      const actor = c.actorSampler?.();
      const children = drawFollowUps(edge.op, build);
      if (build) out.push({ opIndex: opBase + edge.op, local: edge.op, delayUs: edge.delayUs, key, actor, children, needs: c.needs });
    }
    return out;
  };

  return {
    get nextIndex() {
      return index;
    },
    captureSlots: plan.slots.length,
    peekOffsetUs: () => offsetAt(index),
    skip(): void {
      const local = chooseOp();
      const c = compiled[local] as CompiledOp;
      c.keySampler?.();
      c.actorSampler?.();
      drawFollowUps(local, false);
      index++;
    },
    next(): ScheduledRequest {
      const local = chooseOp();
      const operation = ops[local] as OperationSpec;
      const c = compiled[local] as CompiledOp;
      const key = c.keySampler?.();
      const actor = c.actorSampler?.();
      const followUps = drawFollowUps(local, true);
      const i = index++;
      const wire = buildWire(c, { key, actor, seq: i, captured: undefined }, sessionToken);
      return { index: i, offsetUs: offsetAt(i), opIndex: opBase + local, operation, path: wire.path, headers: wire.headers, body: wire.body, key, actor, followUps, capture: plan.captures[local], captured: undefined, wire };
    },
    followUp(d, parent, captured): ScheduledRequest {
      const c = compiled[d.local]!;
      const key = d.key ?? parent.key;
      const actor = d.actor ?? parent.actor;
      const wire = buildWire(c, { key, actor, seq: parent.index, captured }, sessionToken);
      return { index: parent.index, offsetUs: parent.offsetUs, opIndex: d.opIndex, operation: ops[d.local]!, path: wire.path, headers: wire.headers, body: wire.body, key, actor, followUps: d.children, capture: plan.captures[d.local], captured, wire };
    },
  };
}

/** A follow-up tree as plain data (operation index, delay, own key and actor, children) for digests. */
function drawsOf(draws: readonly FollowUpDraw[]): unknown[] {
  return draws.map((d) => [d.opIndex, d.delayUs, d.key ?? null, d.actor ?? null, d.children ? drawsOf(d.children) : null]);
}

/**
 * sha256 over "offsetUs method path[ headers][ body][ then draws]\n" of the next `count` requests
 * (consumes them); headers (as JSON), body (as a JSON string) and the follow-ups drawn with a
 * request are added only when present, so streams without them hash as they always did. The
 * follow-ups themselves are not in it: their values come from the app's answers.
 */
export function scheduleDigest(schedule: Schedule, count: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < count; i++) {
    const r = schedule.next();
    let line = `${r.offsetUs} ${r.operation.method} ${r.path}`;
    if (Object.keys(r.headers).length > 0) line += ` ${JSON.stringify(r.headers)}`;
    if (r.body !== undefined) line += ` ${JSON.stringify(r.body)}`;
    if (r.followUps !== undefined) line += ` then ${JSON.stringify(drawsOf(r.followUps))}`;
    hash.update(`${line}\n`);
  }
  return hash.digest('hex');
}
