import { createHash } from 'node:crypto';
import type { OperationSpec, Scenario } from '../../scenarios/types.ts';
import { createKeySampler, type KeySampler } from './keys.ts';
import { createRng } from './rng.ts';
import type { Populations } from './types.ts';

/** One request of the open-model stream. */
export interface ScheduledRequest {
  /** Sequence number within the phase (0, 1, 2, ...). */
  index: number;
  /** Intended send time, integer microseconds after the phase start. */
  offsetUs: number;
  opIndex: number;
  operation: OperationSpec;
  /** operation.path with `{key}` replaced by the drawn id. */
  path: string;
}

export interface Schedule {
  readonly rate: number;
  next(): ScheduledRequest;
}

/** Constant arrival rate: request i is due i / rate seconds after the phase start (floored to whole µs). */
export function intendedOffsetUs(index: number, rate: number): number {
  return Math.floor((index * 1e6) / rate);
}

/**
 * The deterministic request stream of a phase: same scenario + seed + populations + stream label
 * => the same sequence of (offset, operation, path). Each request draws the operation, then its key.
 */
export function createSchedule(scenario: Scenario, seed: number, populations: Populations, stream = ''): Schedule {
  const rate = scenario.executor.rate;
  if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`executor.rate must be > 0 requests/s, got ${rate}`);
  const ops = scenario.operations;
  if (ops.length === 0) throw new RangeError(`scenario "${scenario.name}" has no operations`);
  const rng = createRng(seed, stream);
  const cumulative: number[] = [];
  let total = 0;
  for (const op of ops) {
    if (!(Number.isFinite(op.weight) && op.weight > 0)) {
      throw new RangeError(`operation "${op.name}" weight must be a positive number, got ${op.weight}`);
    }
    total += op.weight;
    cumulative.push(total);
  }
  const samplers: KeySampler[] = ops.map((op) => createKeySampler(op.key, populations, rng));
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
    rate,
    next(): ScheduledRequest {
      const opIndex = chooseOp();
      const operation = ops[opIndex] as OperationSpec;
      const key = (samplers[opIndex] as KeySampler)();
      const i = index++;
      return {
        index: i,
        offsetUs: intendedOffsetUs(i, rate),
        opIndex,
        operation,
        path: operation.path.split('{key}').join(encodeURIComponent(key)),
      };
    },
  };
}

/** sha256 over "offsetUs method path\n" of the next `count` requests (consumes them). */
export function scheduleDigest(schedule: Schedule, count: number): string {
  const hash = createHash('sha256');
  for (let i = 0; i < count; i++) {
    const r = schedule.next();
    hash.update(`${r.offsetUs} ${r.operation.method} ${r.path}\n`);
  }
  return hash.digest('hex');
}
