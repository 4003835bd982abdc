import { decodeHistogram } from '../metrics/histograms.ts';
import type { TimedAction } from '../../scenarios/types.ts';
import { ERROR_CLASSES, type BackendSecond, type CheckResult, type ErrorClass, type FaultRequests, type NodeLoad, type OperationResult, type RedisRestart, type Trial, type TrialFault } from './types.ts';

/** A fault's action (every timed action but the flush). */
export type FaultAction = Exclude<TimedAction, { do: 'flush-memcached' }>;

/**
 * A fault as it happened, in seconds into the window; harness/results/faults.ts adds what the
 * trial measured around it (requests, node load, recovery).
 */
export interface FaultRun {
  action: FaultAction;
  target: string;
  startedAt: number;
  /** When the node's start (the replacement worker, the replay's resume) was begun. */
  restartedAt: number | null;
  /** When it was answering (ready) again; null if it never was. */
  endedAt: number | null;
  redis?: RedisRestart;
  worker?: { pid: number; heldJobs: string[]; replacementPid: number | null; killedAtMs: number };
  error?: string;
}



/** The seconds before a fault its "before" figures are taken over. */
export const BEFORE_SECONDS = 5;
/** A second in which more than this share of the requests due failed still counts as failing. */
export const FAILING_SHARE = 0.01;
/** A replica this close to its primary (WAL bytes not replayed) has caught up. */
export const CAUGHT_UP_BYTES = 1024 * 1024;
/** The hit rate counts as recovered at this share of what it was before. */
export const RECOVERED_SHARE = 0.9;

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const round3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

/** A second's requests of one operation by outcome class (decoded from its per-second histograms). */
function classCounts(op: OperationResult, second: number): Partial<Record<string, number>> {
  const out: Partial<Record<string, number>> = {};
  for (const [cls, encoded] of Object.entries(op.perSecond[second] ?? {})) if (encoded) out[cls] = decodeHistogram(encoded).totalCount;
  return out;
}

/** Requests due in seconds from..to (inclusive), per operation and together. */
export function requestsIn(operations: Record<string, OperationResult>, from: number, to: number): FaultRequests {
  const out: FaultRequests = { seconds: to >= from ? [from, to] : null, scheduled: 0, ok: 0, errors: 0, timeouts: 0, byOperation: {} };
  if (to < from) return out;
  for (const [name, op] of Object.entries(operations)) {
    const row = { scheduled: 0, ok: 0, errors: 0, timeouts: 0, errorsByClass: {} as Partial<Record<ErrorClass, number>> };
    for (let s = from; s <= to; s++) {
      for (const [cls, n = 0] of Object.entries(classCounts(op, s))) {
        row.scheduled += n;
        if (cls === 'ok') row.ok += n;
        else if (cls === 'timeout') row.timeouts += n;
        else if (cls === 'dropped' || cls === 'unfinished' || (ERROR_CLASSES as readonly string[]).includes(cls)) {
          row.errors += n;
          const key = (ERROR_CLASSES as readonly string[]).includes(cls) ? (cls as ErrorClass) : null;
          if (key) row.errorsByClass[key] = (row.errorsByClass[key] ?? 0) + n;
        }
      }
    }
    if (row.scheduled === 0) continue;
    out.byOperation[name] = row;
    out.scheduled += row.scheduled;
    out.ok += row.ok;
    out.errors += row.errors;
    out.timeouts += row.timeouts;
  }
  return out;
}

function nodeMean(series: readonly BackendSecond[], node: string, field: 'queries' | 'cpuSeconds'): number | null {
  return mean(series.flatMap((s) => {
    const v = s.postgres[node]?.[field];
    return v === null || v === undefined ? [] : [v];
  }));
}

/** Statements and CPU per second of each node over `during` against `before`. */
export function nodeLoad(series: readonly BackendSecond[], before: readonly BackendSecond[], during: readonly BackendSecond[]): NodeLoad[] {
  const nodes = [...new Set(series.flatMap((s) => Object.keys(s.postgres)))];
  return nodes.map((node) => ({
    node,
    queriesPerSecBefore: round3(nodeMean(before, node, 'queries')),
    queriesPerSec: round3(nodeMean(during, node, 'queries')),
    cpuPerSecBefore: round3(nodeMean(before, node, 'cpuSeconds')),
    cpuPerSec: round3(nodeMean(during, node, 'cpuSeconds')),
  }));
}

/**
 * Memcached's hit rate over the BEFORE_SECONDS before second `at`, and the first second after
 * second `from` whose hit rate was back to RECOVERED_SHARE of it (undefined when none was).
 */
export function hitRateRecovery(series: readonly BackendSecond[], at: number, from: number): { hitRateBefore: number | null; recovered: BackendSecond | undefined } {
  const before = series.filter((s) => s.second < at && s.second >= at - BEFORE_SECONDS);
  const hitRateBefore = mean(before.flatMap((s) => (s.memcached?.hitRate === null || s.memcached?.hitRate === undefined ? [] : [s.memcached.hitRate])));
  const recovered = hitRateBefore === null ? undefined : series.find((s) => s.second > from && s.memcached?.hitRate !== null && s.memcached?.hitRate !== undefined && s.memcached.hitRate >= RECOVERED_SHARE * hitRateBefore);
  return { hitRateBefore, recovered };
}

/** The failed share of each second's requests (errors, timeouts, drops). */
function failingSeconds(trial: Pick<Trial, 'timeseries'>): number[] {
  return trial.timeseries.filter((p) => p.scheduled > 0 && (p.errors + p.timeouts + p.dropped) / p.scheduled > FAILING_SHARE).map((p) => p.second);
}

/** The fan-out jobs a killed worker held, as they were after the trial (FanoutQueue.jobs). */
export type HeldJobStates = Array<{ id: string; state: string; finishedOn: number | null }>;

/**
 * A fault's figures from the trial's own series: requests during and after it, when errors
 * stopped, each node's load against before, and per kind the cache's recovery (Memcached), the
 * replica's rejoin, the replicas' lag and stale reads (replication paused), what a Redis restart
 * brought back and what became of a killed worker's jobs. `heldJobs`: the killed workers' jobs as
 * they were after the trial; `expecting`: the operations that have an expectation.
 */
export function faultSummary(run: FaultRun, trial: Pick<Trial, 'operations' | 'timeseries' | 'backends'>, more: { heldJobs?: HeldJobStates; expecting?: readonly string[] } = {}): TrialFault {
  const heldJobs = more.heldJobs ?? [];
  const series = trial.backends.series;
  const last = Math.max(trial.timeseries.length, series.length) - 1;
  const startSec = Math.floor(run.startedAt);
  const endSec = run.endedAt === null ? last : Math.min(last, Math.floor(run.endedAt));
  const failing = failingSeconds(trial).filter((s) => s >= startSec);
  const lastFailing = failing.at(-1);
  let errorsRecoveredSec: number | null = null;
  if (run.endedAt !== null) {
    if (lastFailing === undefined || lastFailing + 1 <= run.endedAt) errorsRecoveredSec = 0;
    else if (lastFailing < last) errorsRecoveredSec = Math.round((lastFailing + 1 - run.endedAt) * 1000) / 1000;
  }
  const before = series.filter((s) => s.second >= startSec - BEFORE_SECONDS && s.second < startSec);
  const whole = series.filter((s) => s.second >= Math.ceil(run.startedAt) && s.second + 1 <= (run.endedAt ?? last + 1));
  const during = whole.length ? whole : series.filter((s) => s.second >= startSec && s.second <= endSec);
  const fault: TrialFault = {
    kind: run.action.do,
    target: run.target,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    outageSec: run.endedAt === null ? null : Math.round((run.endedAt - run.startedAt) * 1000) / 1000,
    ...(run.action.do === 'stop-node' || run.action.do === 'kill-node' ? { startupSec: run.endedAt === null || run.restartedAt === null ? null : Math.round((run.endedAt - run.restartedAt) * 1000) / 1000 } : {}),
    during: requestsIn(trial.operations, startSec, endSec),
    after: requestsIn(trial.operations, endSec + 1, last),
    errorsRecoveredSec,
    nodes: nodeLoad(series, before, during),
  };
  if (run.target === 'memcached') {
    const { hitRateBefore, recovered } = hitRateRecovery(series, startSec, endSec);
    fault.cache = { hitRateBefore, recoverySec: recovered && run.endedAt !== null ? Math.round((recovered.second + 1 - run.endedAt) * 1000) / 1000 : null };
  }
  if (run.target.startsWith('pg-replica-') && run.endedAt !== null) {
    const node = run.target;
    const back = series.filter((s) => s.second >= endSec);
    const rejoined = back.find((s) => (s.postgres[node]?.queries ?? 0) > 0);
    const caught = back.find((s) => s.postgres[node]?.replicaLagBytes !== null && s.postgres[node]?.replicaLagBytes !== undefined && s.postgres[node]!.replicaLagBytes! < CAUGHT_UP_BYTES);
    fault.replica = { rejoinedAt: rejoined ? rejoined.second + 1 : null, lagBytesAtRejoin: rejoined?.postgres[node]?.replicaLagBytes ?? null, caughtUpAt: caught ? caught.second + 1 : null };
  }
  if (run.action.do === 'pause-replication') {
    const replicaNodes = [...new Set(series.flatMap((s) => Object.entries(s.postgres).filter(([, v]) => v.replicaLagBytes !== null).map(([k]) => k)))];
    const paused = series.filter((s) => s.second >= startSec && s.second <= endSec);
    const lagOf = (s: BackendSecond, f: 'replicaLagBytes' | 'replicaLagSeconds') => replicaNodes.flatMap((n) => (s.postgres[n]?.[f] === null || s.postgres[n]?.[f] === undefined ? [] : [s.postgres[n]![f]!]));
    const max = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
    const caught = run.endedAt === null ? undefined : series.find((s) => s.second >= endSec && replicaNodes.length > 0 && replicaNodes.every((n) => (s.postgres[n]?.replicaLagBytes ?? Number.POSITIVE_INFINITY) < CAUGHT_UP_BYTES));
    const staleReads: Record<string, { ok: number; stale: number }> = {};
    // Operations with an expectation (the scenario's `expect`): how many OK answers missed it.
    for (const [name, op] of Object.entries(trial.operations)) if (more.expecting?.includes(name) || op.counts.expectFailed !== undefined) staleReads[name] = { ok: op.counts.ok, stale: op.counts.expectFailed ?? 0 };
    fault.replication = { maxLagBytes: max(paused.flatMap((s) => lagOf(s, 'replicaLagBytes'))), maxLagSeconds: max(paused.flatMap((s) => lagOf(s, 'replicaLagSeconds'))), caughtUpAt: caught ? caught.second + 1 : null, staleReads };
  }
  if (run.redis) fault.redis = run.redis;
  if (run.worker) {
    const w = run.worker;
    const held = heldJobs.filter((j) => w.heldJobs.includes(j.id));
    const interrupted = held.filter((j) => j.finishedOn === null || j.finishedOn >= w.killedAtMs);
    const finished = interrupted.filter((j) => j.finishedOn !== null);
    fault.worker = {
      pid: w.pid,
      jobsHeld: w.heldJobs.length,
      midJob: interrupted.length > 0,
      jobsFinished: finished.length,
      lastFinishedAfterSec: interrupted.length > 0 && finished.length === interrupted.length ? Math.max(...finished.map((j) => (j.finishedOn! - w.killedAtMs) / 1000)) : null,
      replacementPid: w.replacementPid,
    };
  }
  if (run.error) fault.error = run.error;
  return fault;
}

/** A check per fault: its target came back (a node that did not start again fails the trial). */
export function faultChecks(faults: readonly TrialFault[]): CheckResult[] {
  return faults.map((f) => ({
    name: `fault: ${f.target} back after ${f.kind}`,
    ok: f.endedAt !== null && f.error === undefined,
    detail: f.endedAt !== null && f.error === undefined ? `${f.kind} at ${f.startedAt} s, back at ${f.endedAt} s (${f.outageSec} s)` : (f.error ?? 'never came back in the trial'),
  }));
}
