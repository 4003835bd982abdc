import { EventEmitter } from 'node:events';
import { APP_DEFAULTS } from '../../app/config.ts';
import { consistencyChecks } from '../checks/consistency.ts';
import { settleBackgroundWork } from '../checks/settle.ts';
import { touchedBy } from '../checks/touched.ts';
import { fanoutLag } from '../checks/fanout-lag.ts';
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { shardRange } from '../../app/schema/shard-map.ts';
import { operationsOf, windowSecOf } from '../../scenarios/streams.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { loadShapeOf } from '../results/load-shape.ts';
import { followUpChecks } from './follow-up-accounting.ts';
import { evaluateTrialThresholds } from '../thresholds/scenario.ts';
import { cacheRecovery } from '../results/cache-recovery.ts';
import { scheduleActions, type ActionTargets, type WorkerControl } from './actions.ts';
import { faultChecks, faultSummary, type FaultRun, type HeldJobStates } from '../results/faults.ts';
import { createFanoutQueue } from '../../app/adapters/queue.ts';
import type { ProgressSecond } from '../drive/open-model.ts';
import { drive } from '../drive/run.ts';
import type { DriveOutput, DrivePhase, Populations } from '../drive/types.ts';
import { backendSeries, memcachedWindowDelta, postgresWindowDelta, redisWindowDelta, shardWrites, type BackendSample } from '../metrics/backends.ts';
import type { SamplerTask } from '../metrics/sampler-protocol.ts';
import { startSampler } from '../metrics/sampler.ts';
import type { CheckResult, OperationResult, Trial, TrialEvent, TrialFanout } from '../results/types.ts';
import { primaries, replicasOf } from '../stack/topology.ts';
import { nodeByRole, type Stack } from '../stack/types.ts';

export interface TrialInput {
  tier: string;
  scenario: Scenario;
  scenarioSeed: number;
  stack: Stack;
  baseUrl: string;
  populations: Populations;
  /** Dataset seed of the seeded users' session tokens, for operations made as an actor. */
  sessionSeed: number;
  logicalShards: number;
  signal: AbortSignal;
  /** Run-time values of the scenario's vars (from a set-up step); required when it declares any. */
  vars?: Record<string, string>;
  /** Generator threads (default: chosen from the rate). */
  workers?: number;
  /** Photos the app keeps per home feed (default: the app's). */
  feedCap?: number;
  /** Progress lines (a listener of the drive's events, like autocannon's progress bar). */
  progress: (phase: DrivePhase, point: ProgressSecond) => void;
  /** The app's fan-out workers, for a scenario that kills one (kill-worker). */
  fanoutWorkers?: WorkerControl;
}

/**
 * Every scheduled request has exactly one outcome, and each counts in the all-requests histogram;
 * given the scenario, also every follow-up its operations started is scheduled or counted skipped.
 */
export function accountingChecks(operations: Record<string, OperationResult>, scenario?: Scenario): CheckResult[] {
  const perOperation = Object.entries(operations).map(([name, { counts: c, latency }]) => {
    const scheduledOk = c.scheduled === c.sent + c.dropped;
    const sentOk = c.sent === c.ok + c.errors + c.timeouts + c.unfinished;
    const histogramOk = latency.all.count === c.scheduled;
    const mark = (ok: boolean) => (ok ? '' : ' (MISMATCH)');
    return {
      name: `${name}: accounting adds up`,
      ok: scheduledOk && sentOk && histogramOk,
      detail:
        `scheduled ${c.scheduled} = sent ${c.sent} + dropped ${c.dropped}${mark(scheduledOk)}; ` +
        `sent ${c.sent} = ok ${c.ok} + errors ${c.errors} + timeouts ${c.timeouts} + unfinished ${c.unfinished}${mark(sentOk)}; ` +
        `all-requests histogram holds ${latency.all.count} of ${c.scheduled}${mark(histogramOk)}`,
    };
  });
  return scenario === undefined ? perOperation : [...perOperation, ...followUpChecks(operations, scenario)];
}

/**
 * What the trial wrote, checked once the app's background work is done: counters = counts = rows,
 * follows on both sides, uploads in followers' feeds, no like lost (harness/checks).
 */
async function afterTrialChecks(input: TrialInput, writes: Array<[string, number]>, sinceMs: number): Promise<{ checks: CheckResult[]; fanout?: TrialFanout }> {
  if (writes.length === 0 || input.signal.aborted) return { checks: [] };
  const redisUrl = nodeByRole(input.stack, 'redis').url;
  const target = { pgUrls: primaries(input.stack).map((n) => n.url), redisUrl, memcachedUrl: nodeByRole(input.stack, 'memcached').url, logicalShards: input.logicalShards, feedCap: input.feedCap ?? APP_DEFAULTS.feedCap };
  const settled = await settleBackgroundWork(target);
  const { checks, uploads } = await consistencyChecks(target, touchedBy(writes), sinceMs);
  return { checks: [settled, ...checks], ...(uploads.length ? { fanout: await fanoutLag(redisUrl, uploads, sinceMs) } : {}) };
}

/** The nodes the sampler reads, from the stack. */
export function samplerTask(stack: Stack): SamplerTask {
  const primaryNodes = primaries(stack);
  const replicaNodes = replicasOf(stack);
  const has = (role: 'redis' | 'memcached') => stack.nodes.some((n) => n.role === role);
  return {
    memcachedUrl: has('memcached') ? nodeByRole(stack, 'memcached').url : null,
    redisUrl: has('redis') ? nodeByRole(stack, 'redis').url : null,
    postgres: [...primaryNodes, ...replicaNodes].map((n) => ({ url: n.url, pid: n.pid, cpuacctDir: n.cpuacctDir ?? null })),
    lag: replicaNodes.length ? { primaryUrl: primaryNodes[0]!.url, replicaUrls: replicaNodes.map((n) => n.url) } : null,
  };
}

function backendsOf(stack: Stack, logicalShards: number, samples: readonly BackendSample[]): Trial['backends'] {
  const primaryNodes = primaries(stack);
  const pgNodes = [...primaryNodes, ...replicasOf(stack)];
  const first = samples[0];
  const last = samples[samples.length - 1];
  const series = backendSeries(samples, pgNodes.map((n) => n.name), primaryNodes.length);
  const zeroMc = { getHits: 0, getMisses: 0, hitRate: null, sets: 0, deletes: 0, evictions: 0, currItemsAtEnd: 0 };
  const zeroRedis = { commandsProcessed: 0, keyspaceHits: 0, keyspaceMisses: 0, usedMemoryBytesAtEnd: 0 };
  // Over the window: changes between consecutive samples added up, so a node stopped and started
  // again in it (a fault scenario) counts before and after, not only since its restart.
  return {
    memcached: memcachedWindowDelta(samples.map((s) => s.memcached)) ?? zeroMc,
    redis: redisWindowDelta(samples.map((s) => s.redis)) ?? zeroRedis,
    postgres: pgNodes.flatMap((n, i) => {
      // A replica holds what its primary holds.
      const shards = shardRange(Math.min(i, primaryNodes.length - 1), logicalShards, primaryNodes.length);
      const stats = postgresWindowDelta({ name: n.name, role: n.role, shards, cpuQuota: n.cpuQuota ?? null }, samples.map((s) => s.postgres[i]));
      if (!stats) return [];
      const lag = i >= primaryNodes.length ? last?.lag?.[i - primaryNodes.length] : undefined;
      return [lag ? { ...stats, replicaLagBytes: lag.bytes, replicaLagSeconds: lag.seconds } : stats];
    }),
    series,
    shardWrites: first && last ? shardWrites(first, last) : {},
  };
}

/** What one measured window gave: the generator's view and the backends' over the same window. */
export interface MeasuredWindow {
  out: DriveOutput;
  backends: Trial['backends'];
  /** The scenario's timed actions done in the window (a cache flush, a fault's steps, ...). */
  events: TrialEvent[];
  /** The faults injected, as they happened. */
  faults: FaultRun[];
}

/**
 * One open-model run of the scenario (its warm-up unrecorded, then the window) while a sampler
 * thread reads every backend at the window's start and each second after it. No cache flush, no
 * checks: runTrial adds those; a sweep measures many windows in a row.
 */
export async function measureWindow(input: TrialInput): Promise<MeasuredWindow> {
  const targets: ActionTargets = { stack: input.stack, ...(input.fanoutWorkers ? { workers: input.fanoutWorkers } : {}), users: input.populations.users, sessionSeed: input.sessionSeed };
  const sampler = await startSampler(samplerTask(input.stack));
  const events = new EventEmitter();
  let actions: ReturnType<typeof scheduleActions> | undefined;
  events.on('schedule', (_startUs: number, windowStartUs: number) => {
    sampler.begin(windowStartUs, Math.ceil(windowSecOf(input.scenario)) + 1);
    if (input.scenario.actions?.length) actions = scheduleActions(input.scenario.actions, targets, windowStartUs);
  });
  events.on('second', (phase: DrivePhase, p: ProgressSecond) => input.progress(phase, p));
  let samples: BackendSample[] = [];
  const out = await drive(
    { baseUrl: input.baseUrl, scenario: input.scenario, seed: input.scenarioSeed, populations: input.populations, sessionSeed: input.sessionSeed, signal: input.signal, ...(input.workers ? { workers: input.workers } : {}), ...(input.vars ? { vars: input.vars } : {}) },
    events,
  ).finally(async () => {
    // The sampler thread stops whatever happened to the drive; a fault still in progress ends
    // now (its node started again), before anything after the window reads the stack.
    actions?.finish();
    samples = await sampler.finish().catch(() => []);
    await actions?.done();
  });
  const acted = (await actions?.done()) ?? { events: [], faults: [] };
  return { out, backends: backendsOf(input.stack, input.logicalShards, samples), events: acted.events, faults: acted.faults };
}

/** What became of the jobs killed workers held, read once the background work is done. */
async function heldJobStates(stack: Stack, faults: readonly FaultRun[]): Promise<HeldJobStates> {
  const ids = faults.flatMap((f) => f.worker?.heldJobs ?? []);
  if (ids.length === 0) return [];
  const queue = createFanoutQueue(nodeByRole(stack, 'redis').url);
  try {
    return await queue.jobs(ids);
  } catch {
    return [];
  } finally {
    await queue.close().catch(() => {});
  }
}

/** Flushes the stack's Memcached: every trial starts with a cold cache. */
export async function flushCache(stack: Stack): Promise<void> {
  const memcached = createMemcached(nodeByRole(stack, 'memcached').url);
  try {
    await mcFlush(memcached);
  } finally {
    memcached.close();
  }
}

/**
 * One scenario against one tier: a cold cache, warm-up (not recorded), the measured window, then
 * the checks of what it wrote.
 * @param opts.flushCache false: keep the cache as the previous window left it (bench gate's
 *   closed-loop window follows its open-model window on the same app process); default true
 */
export async function runTrial(input: TrialInput, opts: { flushCache?: boolean } = {}): Promise<Trial> {
  // Every trial starts with a cold cache; the warm-up fills it, unrecorded.
  if (opts.flushCache !== false) await flushCache(input.stack);
  const { out, backends, events, faults: runs } = await measureWindow(input);
  const after = await afterTrialChecks(input, out.writes, Date.parse(out.timing.warmupStartedAt));
  const checks = [...accountingChecks(out.operations, input.scenario), ...after.checks];
  const timeseries = out.timeseries.map((p) => ({ ...p, cacheHitRate: backends.series[p.second]?.memcached?.hitRate ?? null }));
  const trial: Trial = {
    tier: input.tier,
    scenario: input.scenario.name,
    description: input.scenario.description,
    load: loadShapeOf(input.scenario),
    timing: out.timing,
    operations: out.operations,
    timeseries,
    backends,
    generator: out.generator,
    events,
    checks,
    ...(after.fanout ? { fanout: after.fanout } : {}),
  };
  const recovery = cacheRecovery(trial);
  if (recovery) trial.cacheRecovery = recovery;
  if (runs.length > 0) {
    const held = await heldJobStates(input.stack, runs);
    const expecting = operationsOf(input.scenario).filter((o) => o.expect).map((o) => o.name);
    trial.faults = runs.map((r) => faultSummary(r, trial, { heldJobs: held, expecting }));
    trial.checks.push(...faultChecks(trial.faults));
  }
  // Thresholds are the scenario's SLO, kept apart from the checks (which say the trial is sound).
  if (input.scenario.thresholds.length > 0) trial.thresholds = evaluateTrialThresholds(input.scenario.thresholds, trial).findings;
  return trial;
}
