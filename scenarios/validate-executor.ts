import { array, at, integer, number, object, oneOf, type Problems } from './check.ts';
import { rampRequests } from './executors.ts';

const KINDS = ['constant-arrival-rate', 'ramping-arrival-rate', 'closed-loop'] as const;

const positive = (n: number): boolean => n > 0;
const nonNegative = (n: number): boolean => n >= 0;

/** Connections, warm-up and timeout: common to every executor. */
function common(p: Problems, e: Record<string, unknown>, path: string): number | undefined {
  number(p, e.warmupSec, at(path, 'warmupSec'), nonNegative, 'a number of seconds >= 0');
  number(p, e.timeoutMs, at(path, 'timeoutMs'), positive, 'a number of milliseconds > 0');
  return integer(p, e.connections, at(path, 'connections'), 1, 100_000);
}

function maxInFlight(p: Problems, e: Record<string, unknown>, path: string, connections: number | undefined): void {
  const where = at(path, 'maxInFlight');
  const n = integer(p, e.maxInFlight, where, 1);
  if (n !== undefined && connections !== undefined && n < connections) p.add(where, `must be at least connections (${connections}): requests beyond maxInFlight are dropped, got ${n}`);
}

function stages(p: Problems, e: Record<string, unknown>, path: string): void {
  const where = at(path, 'stages');
  const list = array(p, e.stages, where, 'stages { durationSec, targetRate }', true);
  if (list === undefined) return;
  list.forEach((s, i) => {
    const stage = object(p, s, at(where, i), 'a stage', ['durationSec', 'targetRate']);
    if (!stage) return;
    number(p, stage.durationSec, at(at(where, i), 'durationSec'), positive, 'a number of seconds > 0');
    number(p, stage.targetRate, at(at(where, i), 'targetRate'), nonNegative, 'a number of requests per second >= 0');
  });
  const valid = list.every((s) => typeof (s as { durationSec?: unknown }).durationSec === 'number' && typeof (s as { targetRate?: unknown }).targetRate === 'number');
  if (valid && typeof e.startRate === 'number' && list.length > 0 && !(rampRequests({ startRate: e.startRate, stages: list as Array<{ durationSec: number; targetRate: number }> }) >= 1)) {
    p.add(where, 'offer less than one request in all (every rate is 0): the window would be empty');
  }
}

/**
 * Checks an executor.
 * @param arrivalOnly in a multi-stream scenario: a closed loop cannot share the window
 * @returns its kind when that much is readable
 */
export function checkExecutor(p: Problems, v: unknown, path: string, arrivalOnly: boolean): (typeof KINDS)[number] | undefined {
  const kindOf = (v as { kind?: unknown } | undefined)?.kind;
  if (typeof v === 'object' && v !== null && kindOf === undefined) {
    p.add(at(path, 'kind'), `is required: one of ${KINDS.map((k) => `"${k}"`).join(', ')}`);
    return undefined;
  }
  const kind = oneOf(p, kindOf, at(path, 'kind'), KINDS);
  if (kind === undefined) {
    if (typeof v !== 'object' || v === null) p.add(path, `must be an executor (an object with kind: ${KINDS.join(', ')}), got ${JSON.stringify(v) ?? 'nothing'}`);
    return undefined;
  }
  if (kind === 'closed-loop' && arrivalOnly) p.add(at(path, 'kind'), 'a closed loop paces itself and cannot share the window with other streams; accepted here: "constant-arrival-rate", "ramping-arrival-rate"');
  const base = ['kind', 'warmupSec', 'connections', 'timeoutMs'];
  if (kind === 'constant-arrival-rate') {
    const e = object(p, v, path, 'a constant-arrival-rate executor', [...base, 'rate', 'durationSec', 'maxInFlight']);
    if (!e) return kind;
    number(p, e.rate, at(path, 'rate'), positive, 'a number of requests per second > 0');
    number(p, e.durationSec, at(path, 'durationSec'), positive, 'a number of seconds > 0');
    maxInFlight(p, e, path, common(p, e, path));
  } else if (kind === 'ramping-arrival-rate') {
    const e = object(p, v, path, 'a ramping-arrival-rate executor', [...base, 'startRate', 'stages', 'maxInFlight']);
    if (!e) return kind;
    number(p, e.startRate, at(path, 'startRate'), nonNegative, 'a number of requests per second >= 0');
    stages(p, e, path);
    maxInFlight(p, e, path, common(p, e, path));
  } else {
    const e = object(p, v, path, 'a closed-loop executor', [...base, 'durationSec']);
    if (!e) return kind;
    number(p, e.durationSec, at(path, 'durationSec'), positive, 'a number of seconds > 0');
    common(p, e, path);
  }
  return kind;
}
