/**
 * npm run perf:tiers — what a replica or a shard buys, with equal capacity per PostgreSQL node.
 * For each tier (cache; replicas with R=2; sharded with P=4), on the same dataset (each tier's
 * stack restored from the same seeded snapshot) and with the same CPU quota and memory budget per
 * node (cgroup v1; small enough that PostgreSQL, not the app or the generator, is the limit), a
 * sweep of open-model windows (harness/run/sweep-trial.ts) finds the maximum sustainable rate under
 * one SLO of two workloads: uncached photo reads (scenarios/uncached-reads.ts) and new likes
 * (scenarios/new-likes.ts). The tiers of a workload are swept side by side, every stack up at
 * once and their windows alternating, so drift on the machine falls on both sides of a ratio. Each figure comes with the sweep's 95% interval, each ratio
 * (replicas / cache reads, sharded / cache writes) with a bootstrap interval (harness/perf/ratio.ts).
 * One line per sweep on stderr; the last stdout line is one JSON object. --runs N repeats the whole
 * comparison and says whether every run's ratios are within ±5% of their median. Flags:
 * harness/config/perf-tiers-options.ts (--help).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMemcached } from '../../app/adapters/memcached.ts';
import { newLikes } from '../../scenarios/new-likes.ts';
import type { SingleStreamScenario } from '../../scenarios/types.ts';
import { uncachedReads } from '../../scenarios/uncached-reads.ts';
import { prepareOutFolder } from '../config/out-folder.ts';
import { perfTiersOptions } from '../config/perf-tiers-options.ts';
import { ExitCode, InterruptedError, StackError } from '../errors.ts';
import { hitRate, memcachedDelta, memcachedSnapshot, type MemcachedSnapshot } from '../metrics/backends.ts';
import type { Slo, SweepResult } from '../results/types.ts';
import { launchStack, startAppOn, type LaunchedStack } from '../run/launcher.ts';
import { Turns, type Seat } from '../sweep/turns.ts';
import { sweepTrial } from '../run/sweep-trial.ts';
import { measureWindow, type TrialInput } from '../run/trial.ts';
import { DEFAULT_SNAPSHOTS } from '../seed/snapshot.ts';
import { capacityUnavailable, type NodeCapacity } from '../stack/capacity.ts';
import { nodeByRole } from '../stack/types.ts';
import { exitWith, perfFlags, type PerfFlags } from './args.ts';
import { stabilityOf, type RatioInterval, type Stability } from './ratio.ts';
import { figureOf, TARGETS, tiersFigures, tiersOf, type Figure, type SweepsByTier, type Tier, type TiersFigures, type Workload } from './tiers-figures.ts';

/** Nodes per tier: cache one primary; replicas a primary and R=2 replicas; sharded P=4 primaries. */
const SHAPES: Record<Tier, { replicas: number; pgShards: number }> = { cache: { replicas: 0, pgShards: 1 }, replicas: { replicas: 2, pgShards: 1 }, sharded: { replicas: 0, pgShards: 4 } };
const WORKLOADS: Record<Workload, SingleStreamScenario> = { reads: uncachedReads, writes: newLikes };
const LOGICAL_SHARDS = 64;
const DATASET_SEED = 1;
const SCENARIO_SEED = 1;
/** A node this small serves best with few connections (as behind pgbouncer): 4 per node. */
const PG_POOL = 4;
const FANOUT_WORKERS = 1;
/** The closed-loop probe that picks a sweep's first rate: connections, window. */
const PROBE_CONNECTIONS = 32;
const PROBE_MAX_SEC = 4;
/** The sweep starts at this share of the probe's throughput (bench gate's capacity sweep: 0.4; lower, as the probe runs on a cold app). */
const START_SHARE = 0.3;

interface Settings {
  /** Per workload: each comparison holds its tiers to the same node size. */
  capacity: Record<Workload, NodeCapacity>;
  profile: string;
  tiers: Tier[];
  /** Per workload: each comparison holds its tiers to the same SLO. */
  slo: Record<Workload, Slo>;
  windowSec: number;
  maxWindows: number;
  warmupMaxSec: number;
  runs: number;
  ratiosOnly: boolean;
  /** Folder each run's sweeps are written to, or undefined. */
  out: string | undefined;
}

function settingsOf(f: PerfFlags): Settings {
  return {
    capacity: { reads: { cpus: Number(f.readsNodeCpus), memoryBytes: Number(f.nodeMemory) }, writes: { cpus: Number(f.writesNodeCpus), memoryBytes: Number(f.nodeMemory) } },
    profile: String(f.profile),
    tiers: f.tiers as Tier[],
    slo: {
      reads: { p99Ms: Number(f.readsSloP99) * 1000, errorBudget: Number(f.sloErrors), dropBudget: Number(f.sloDrops) },
      writes: { p99Ms: Number(f.writesSloP99) * 1000, errorBudget: Number(f.sloErrors), dropBudget: Number(f.sloDrops) },
    },
    windowSec: Number(f.sweepWindow),
    maxWindows: Number(f.sweepWindows),
    warmupMaxSec: Number(f.warmupMax),
    runs: Number(f.runs),
    ratiosOnly: Boolean(f.ratiosOnly),
    out: f.out === undefined ? undefined : String(f.out),
  };
}

/** One sweep's outcome and its figure. */
interface Swept {
  result: SweepResult;
  figure: Figure | null;
}

const log = (line: string): void => void process.stderr.write(line + '\n');
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError(String(signal.reason ?? 'SIGINT'));
}

/** Closed-loop throughput of the scenario (OK answers per second) and Memcached's hit rate over it. */
async function probe(input: TrialInput, scenario: SingleStreamScenario, settings: Settings, seat: Seat): Promise<{ rate: number; hitRate: number | null }> {
  const durationSec = Math.min(PROBE_MAX_SEC, settings.windowSec);
  const closed: SingleStreamScenario = { ...scenario, executor: { kind: 'closed-loop', connections: PROBE_CONNECTIONS, durationSec, warmupSec: 1, timeoutMs: scenario.executor.timeoutMs } };
  const { out, backends } = await seat.take(() => measureWindow({ ...input, scenario: closed, scenarioSeed: SCENARIO_SEED + 500 }));
  const ok = Object.values(out.operations).reduce((n, o) => n + o.counts.ok, 0);
  return { rate: ok / Math.max(0.001, out.timing.measuredMs / 1000), hitRate: backends.memcached.hitRate };
}

async function mcSnapshotOf(launched: LaunchedStack): Promise<MemcachedSnapshot | null> {
  const client = createMemcached(nodeByRole(launched.stack, 'memcached').url);
  try {
    return await memcachedSnapshot(client);
  } catch {
    return null;
  } finally {
    client.close();
  }
}

/** One workload on one launched tier: a fresh app, a probe for the first rate, the sweep; every window in its turn. */
async function sweepWorkload(launched: LaunchedStack, workload: Workload, settings: Settings, signal: AbortSignal, seat: Seat): Promise<Swept> {
  const tier = launched.stack.tier;
  const scenario = WORKLOADS[workload];
  const app = await startAppOn(launched, { pgPoolSize: PG_POOL }, FANOUT_WORKERS);
  try {
    const m = launched.manifest;
    const input: TrialInput & { scenario: SingleStreamScenario } = {
      tier,
      scenario,
      scenarioSeed: SCENARIO_SEED,
      stack: launched.stack,
      baseUrl: app.baseUrl,
      populations: { photos: m.photoIds, users: m.userIds },
      sessionSeed: m.seed,
      logicalShards: m.logicalShards,
      signal,
      progress: () => {},
    };
    const probed = await probe(input, scenario, settings, seat);
    checkAborted(signal);
    const sweepOnce = (startRate: number) => {
      log(`${tier} × ${scenario.name}: closed-loop probe ${probed.rate.toFixed(0)} req/s (Memcached hit rate ${pct(probed.hitRate)}); sweep from ${startRate} req/s`);
      return sweepTrial({
        ...input,
        slo: settings.slo[workload],
        appPid: app.pid,
        // The tiers' sweeps interleave: each line says whose it is.
        log: (line) => {
          if (!signal.aborted) log(`  [${tier}] ${line.trimStart()}`);
        },
        seat,
        startRate,
        budget: { windowSec: settings.windowSec, maxWindows: settings.maxWindows },
        warmupMaxSec: settings.warmupMaxSec,
      });
    };
    const before = await mcSnapshotOf(launched);
    let startRate = Math.max(10, Math.round(probed.rate * START_SHARE));
    let result = await sweepOnce(startRate);
    const brokeAtFirst = (r: SweepResult) => r.maxSustainable === null && r.steps.some((s) => !s.generatorLimited && !s.holdsSlo);
    if (brokeAtFirst(result) && startRate > 10) {
      // The probe ran on a cold app and its first rate was already too much: once more, lower.
      startRate = Math.max(10, Math.round(startRate / 3));
      log(`  the SLO broke at the first rate: sweeping again from ${startRate} req/s`);
      result = await sweepOnce(startRate);
    }
    const after = await mcSnapshotOf(launched);
    checkAborted(signal);
    const figure = figureOf(result);
    const mc = before && after ? memcachedDelta(before, after) : null;
    log(
      `${tier} × ${scenario.name}: ` +
        (figure ? `${figure.rate.toFixed(0)} req/s [${figure.low.toFixed(0)}, ${figure.high.toFixed(0)}]${figure.lowerBound ? ' (a lower bound: the SLO never broke)' : ''}` : 'no rate held the SLO') +
        `; saturated first: ${result.saturatedFirst ?? 'n/a'}; Memcached hit rate ${pct(mc ? hitRate(mc.getHits, mc.getMisses) : null)} over the sweep (warm-up included); ${result.steps.length} windows, stopped: ${result.stoppedBecause ?? 'n/a'}`,
    );
    return { result, figure };
  } finally {
    await app.stop();
  }
}

/** A tier's stack of the workload's node size, restored from the snapshot. */
async function launchTier(tier: Tier, workload: Workload, settings: Settings, signal: AbortSignal): Promise<LaunchedStack> {
  checkAborted(signal);
  const launched = await launchStack({ tier, ...SHAPES[tier], capacity: settings.capacity[workload], profile: settings.profile, seed: DATASET_SEED, logicalShards: LOGICAL_SHARDS, snapshots: DEFAULT_SNAPSHOTS, prewarm: true, log, signal });
  if (!launched.stack.capacity.applied) {
    await launched.down();
    throw new StackError(`capacity limits could not be applied (${launched.stack.capacity.description}); the tiers would not differ`);
  }
  return launched;
}

/**
 * One workload on its tiers, all at once: every tier's stack up (fresh, so the reads never follow
 * the likes' writes and pinned sessions), their sweeps run side by side with their windows taking
 * turns (harness/sweep/turns.ts), every stack down whatever happens. Sweeping one tier after the
 * other, cache reads moved ±14% between runs while each sweep's own interval was ±5%: the machine
 * drifted between sweeps. Alternating windows puts the same drift on both sides of a ratio, and no
 * sweep stops before all would (one that went on alone broke at rates it had held). When one
 * sweep fails, the others stop at their next window and its error is the one reported.
 */
async function measureWorkload(workload: Workload, settings: Settings, signal: AbortSignal): Promise<Partial<Record<Tier, Swept>>> {
  const tiers = tiersOf(workload, settings);
  const launched: LaunchedStack[] = [];
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (const tier of tiers) launched.push(await launchTier(tier, workload, settings, signal));
    const turns = new Turns();
    // Every seat before any sweep starts: one that finishes early waits for all of them.
    const seats = launched.map(() => turns.seat());
    const settled = await Promise.allSettled(
      launched.map((l, i) =>
        sweepWorkload(l, workload, settings, stop.signal, seats[i]!)
          .catch((err: unknown) => {
            stop.abort(err);
            throw err;
          })
          .finally(() => seats[i]!.leave()),
      ),
    );
    const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length > 0) throw failures.find((e) => !(e instanceof InterruptedError)) ?? failures[0];
    return Object.fromEntries(settled.map((r, i) => [tiers[i]!, (r as PromiseFulfilledResult<Swept>).value]));
  } finally {
    signal.removeEventListener('abort', onAbort);
    for (const l of launched.reverse()) await l.down();
  }
}

/** The whole comparison, once: the reads on their tiers side by side, then the likes on theirs. */
async function runOnce(settings: Settings, signal: AbortSignal): Promise<{ figures: TiersFigures; sweeps: SweepsByTier }> {
  const t0 = performance.now();
  const sweeps: SweepsByTier = {};
  for (const workload of ['reads', 'writes'] as const) {
    if (tiersOf(workload, settings).length === 0) continue;
    const swept = await measureWorkload(workload, settings, signal);
    for (const [tier, s] of Object.entries(swept) as Array<[Tier, Swept]>) sweeps[tier] = { ...sweeps[tier], [workload]: s.result };
  }
  const out = tiersFigures({ nodeCpus: { reads: settings.capacity.reads.cpus, writes: settings.capacity.writes.cpus }, nodeMemoryBytes: settings.capacity.reads.memoryBytes, profile: settings.profile, slo: settings.slo }, sweeps, (performance.now() - t0) / 1000);
  const show = (r: RatioInterval | null) => (r ? (r.bound === 'unknown' ? `unknown (neither sweep found a knee; ${r.ratio} of their lower bounds)` : `${r.bound ? `${r.bound} ` : ''}${r.ratio} [${r.low}, ${r.high}]`) : 'n/a');
  log(`replicas (R=2) / cache, uncached reads: ${show(out.replicasReadRatio)} (target >= ${TARGETS.replicasReadRatio})`);
  log(`sharded (P=4) / cache, new likes:       ${show(out.shardedWriteRatio)} (target >= ${TARGETS.shardedWriteRatio})`);
  return { figures: out, sweeps };
}

/** --out: one run's figures and every sweep window behind them, for a look at what moved a ratio. */
function keepRun(out: string, run: number, figures: TiersFigures, sweeps: SweepsByTier): void {
  const file = join(out, `run-${run}.json`);
  writeFileSync(file, JSON.stringify({ run, figures, sweeps }, null, 1) + '\n');
  log(`run ${run}'s sweeps: ${file}`);
}

/** --runs N: each run's ratios, their median and each run's deviation from it. */
function stabilityReport(runs: readonly TiersFigures[]): { runs: number; tolerancePct: number; replicasReadRatio: Stability; shardedWriteRatio: Stability; stable: boolean } {
  // A ratio that is only a bound is no figure to be stable about.
  const value = (r: RatioInterval | null) => (r && !r.bound ? r.ratio : null);
  const replicasReadRatio = stabilityOf(runs.map((r) => value(r.replicasReadRatio)));
  const shardedWriteRatio = stabilityOf(runs.map((r) => value(r.shardedWriteRatio)));
  const fmt = (v: number | null, d: number | null) => (v === null ? 'n/a' : `${v.toFixed(3)} (${d === null ? 'n/a' : `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`})`);
  log(`stability over ${runs.length} runs (target: every run within ±${replicasReadRatio.tolerancePct}% of the median):`);
  for (const [name, s] of [['replicasReadRatio', replicasReadRatio], ['shardedWriteRatio', shardedWriteRatio]] as const) {
    log(`  ${name}: ${s.values.map((v, i) => fmt(v, s.deviationsPct[i] ?? null)).join('  ')}; median ${s.median?.toFixed(3) ?? 'n/a'}: ${s.allWithin ? 'all within' : 'NOT all within'} ±${s.tolerancePct}%`);
  }
  return { runs: runs.length, tolerancePct: replicasReadRatio.tolerancePct, replicasReadRatio, shardedWriteRatio, stable: replicasReadRatio.allWithin && shardedWriteRatio.allWithin };
}

async function main(): Promise<void> {
  const settings = settingsOf(await perfFlags('perf:tiers', perfTiersOptions));
  if (settings.out) prepareOutFolder(settings.out);
  const why = capacityUnavailable();
  if (why) throw new StackError(`perf:tiers needs the node capacity model (cgroup v1 as root): ${why}`);
  if (!settings.tiers.includes('cache') || settings.tiers.length < 2) log('note: --tiers without cache and another tier gives no ratio');
  const controller = new AbortController();
  let firstSignalAt: number | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    // Under npm run, Ctrl-C reaches this process twice (from the terminal, and relayed by tsx when
    // its child is slow to acknowledge): only a signal a second after the first forces the exit.
    if (firstSignalAt !== undefined) {
      if (performance.now() - firstSignalAt > 1000) process.exit(ExitCode.interrupted);
      return;
    }
    firstSignalAt = performance.now();
    log(`\n${sig}: stopping; the apps and servers are being shut down (press Ctrl-C again to force)`);
    controller.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const mib = settings.capacity.reads.memoryBytes / 2 ** 20;
  log(
    `perf:tiers: ${settings.tiers.join(', ')} on the ${settings.profile} profile; each PostgreSQL node ${settings.capacity.reads.cpus} CPU for the reads and ${settings.capacity.writes.cpus} for the likes, ${mib ? `${mib} MiB` : 'no memory limit'}; ` +
      `SLO p99 < ${settings.slo.reads.p99Ms} ms for the reads and ${settings.slo.writes.p99Ms} ms for the likes, errors <= ${settings.slo.reads.errorBudget * 100}%, drops <= ${settings.slo.reads.dropBudget * 100}%; windows of ${settings.windowSec}s, at most ${settings.maxWindows} per sweep; warm-up up to ${settings.warmupMaxSec}s` +
      (settings.runs > 1 ? `; ${settings.runs} runs` : ''),
  );
  try {
    const runs: TiersFigures[] = [];
    for (let i = 0; i < settings.runs; i++) {
      if (settings.runs > 1) log(`run ${i + 1} of ${settings.runs}`);
      const { figures, sweeps } = await runOnce(settings, controller.signal);
      runs.push(figures);
      if (settings.out) keepRun(settings.out, i + 1, figures, sweeps);
      process.stdout.write(JSON.stringify(figures) + '\n');
    }
    if (settings.runs > 1) process.stdout.write(JSON.stringify(stabilityReport(runs)) + '\n');
  } catch (err) {
    throw controller.signal.aborted ? new InterruptedError(String(controller.signal.reason)) : err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  () => process.exit(ExitCode.ok),
  (err: unknown) => exitWith('perf:tiers', err),
);
