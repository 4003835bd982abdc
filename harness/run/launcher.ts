import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../app/config.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { InterruptedError, StackError, UsageError } from '../errors.ts';
import { ensureDataset, type Manifest } from '../seed/dataset.ts';
import { profiles } from '../seed/profiles.ts';
import { progressPrinter, type SeedProgress } from '../seed/progress.ts';
import { checkResources, estimateNeeds } from '../seed/resources.ts';
import { SnapshotStore } from '../seed/snapshot.ts';
import type { NodeCapacity } from '../stack/capacity.ts';
import { stackProvider } from '../stack/registry.ts';
import { prewarmPostgres } from '../stack/prewarm.ts';
import { enableRedisPersistence } from '../stack/redis-persistence.ts';
import { waitForReplicas } from '../stack/replication.ts';
import { attachedStack } from '../stack/state.ts';
import { Supervisor } from '../stack/supervisor.ts';
import { pgNodesFor, primaries, replicaCountFor, replicasOf } from '../stack/topology.ts';
import { DEFAULT_PG_SHARDS, nodeByRole, type Stack } from '../stack/types.ts';
import { startApp, startWorker, type AppLaunch, type AppProcess } from './app-process.ts';
import type { WorkerControl } from './actions.ts';
import type { Supervised } from '../stack/supervisor.ts';

/**
 * The one way to bring up what a trial runs on: a stack for a tier, its dataset (restored from a
 * snapshot, or seeded and snapshotted), replicas caught up; then the app and its fan-out workers.
 * `bench run`, the perf scripts and the tests all start through here.
 */
export interface LaunchRequest {
  tier: string;
  /** Stack provider (local, docker, external). */
  provider?: string;
  /** external provider: the JSON file naming the nodes. */
  stackConfig?: string;
  pgShards?: number;
  replicas?: number;
  /** CPU quota and memory per PostgreSQL node; omitted or zero = unconstrained. */
  capacity?: NodeCapacity;
  profile: string;
  seed: number;
  logicalShards: number;
  /** Snapshot folder (local stacks), or null for neither using nor making one. */
  snapshots: string | null;
  reseed?: boolean;
  /** Load every PostgreSQL node's tables and indexes into its shared buffers before returning (harness/stack/prewarm.ts). */
  prewarm?: boolean;
  /** Use a stack kept by `bench stack up` when its tier matches (bench run does). */
  attach?: boolean;
  /** Base folder for run directories (tests point it at a folder they own). */
  baseDir?: string;
  log: (line: string) => void;
  progress?: SeedProgress;
  signal?: AbortSignal;
}

export interface LaunchedStack {
  stack: Stack;
  manifest: Manifest;
  /** Where the data came from: seeded now, a snapshot, or already on the stack. */
  source: 'seeded' | 'snapshot' | 'stack';
  baseDir: string;
  /** Stops the stack if this launch owns it (a kept stack is left running). */
  down(): Promise<void>;
}

export interface LaunchedApp extends AppProcess {
  launch: AppLaunch;
  sup: Supervisor;
  /** Its fan-out workers, killed and replaced by a kill-worker fault. */
  fanoutWorkers: WorkerControl;
  stop(): Promise<void>;
}

/** Kills and starts the app's fan-out worker processes (`workers` is kept up to date). */
function workerControl(sup: Supervisor, launch: AppLaunch, workers: Supervised[], appRoot?: string): WorkerControl {
  let started = workers.length;
  return {
    running: () => workers.filter((w) => !w.gone).map((w) => ({ pid: w.pid, name: w.name })),
    async kill(pid) {
      const w = workers.find((x) => x.pid === pid && !x.gone);
      if (!w) throw new StackError(`no running fan-out worker ${pid}`);
      process.kill(pid, 'SIGKILL');
      await w.exited;
    },
    async start() {
      const w = await startWorker(sup, launch, `worker-${++started}`, appRoot);
      workers.push(w);
      return { pid: w.pid };
    },
  };
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError(String(signal.reason ?? 'SIGINT'));
}

/** The running stack of `bench stack up`, if this request may and should use it. */
function keptStack(req: LaunchRequest): Stack | null {
  const kept = req.attach && (req.provider ?? 'local') === 'local' ? attachedStack() : null;
  if (kept && kept.tier !== req.tier)
    throw new UsageError(`the stack kept running by \`bench stack up\` is for tier ${kept.tier}; run --tier ${kept.tier}, or \`bench stack down\` first`);
  if (kept) req.log(`using the running stack from \`bench stack up\` (${kept.runDir})`);
  return kept;
}

/** Stack up, dataset restored or seeded (and snapshotted), replicas caught up. */
export async function launchStack(req: LaunchRequest): Promise<LaunchedStack> {
  const profile = profiles[req.profile];
  if (!profile) throw new UsageError(`unknown profile "${req.profile}"`);
  const provider = req.provider ?? 'local';
  const baseDir = req.baseDir ?? tmpdir();
  const kept = keptStack(req);
  const snapshots = provider === 'local' && !kept && req.snapshots !== null ? new SnapshotStore(req.snapshots) : null;
  const snapKey = { profile: profile.name, seed: req.seed, logicalShards: req.logicalShards, nodes: pgNodesFor(req.tier, req.pgShards ?? DEFAULT_PG_SHARDS).length };
  const found = snapshots && !req.reseed ? snapshots.find(snapKey) : null;
  if (found) req.log(`restoring snapshot ${found.info.key} (seeding it took ${found.info.seedSeconds.toFixed(1)}s)`);
  else if (!kept) {
    // Room for the profile before any server starts: disk where a local stack keeps its data, memory for the seeder.
    const needs = estimateNeeds(profile, snapKey.nodes, replicaCountFor(req.tier, req.replicas), snapshots !== null);
    if (provider === 'local') checkResources(needs, [baseDir, ...(snapshots ? [snapshots.dir] : [])], req.log);
    else checkResources({ ...needs, diskBytes: 0 }, [], req.log);
  }
  const restoreStarted = performance.now();
  const stack =
    kept ??
    (await stackProvider(provider).up({
      tier: req.tier,
      ...(req.pgShards !== undefined ? { pgShards: req.pgShards } : {}),
      ...(req.replicas !== undefined ? { replicas: req.replicas } : {}),
      ...(req.capacity ? { capacity: req.capacity } : {}),
      ...(req.stackConfig ? { externalConfig: req.stackConfig } : {}),
      baseDir,
      log: req.log,
      ...(found ? { restore: found.restore } : {}),
    }));
  const down = async () => {
    if (stack.owned) await stack.down();
  };
  try {
    checkAborted(req.signal);
    // Setup is not measured: seeding and the replicas' catch-up run with CPU quotas lifted.
    const manifest = await stack.withCpuUnlimited(async () => {
      const m = await ensureDataset(primaries(stack).map((n) => n.url), nodeByRole(stack, 'redis').url, profile, req.seed, req.logicalShards, req.log, {
        progress: req.progress ?? progressPrinter({ write: () => true }, req.log),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      await waitForReplicas(primaries(stack)[0]!.url, replicasOf(stack).map((n) => n.url));
      return m;
    });
    if (found) req.log(`restored in ${((performance.now() - restoreStarted) / 1000).toFixed(1)}s (servers started on the snapshot's data)`);
    if (snapshots && manifest.seededNow) {
      // A snapshot only saves time later: failing to make one costs this run nothing but a warning.
      try {
        const info = await snapshots.save(snapKey, stack, manifest, req.log);
        req.log(`snapshot ${info.key} saved in ${info.saveSeconds.toFixed(1)}s under ${snapshots.dir} (--reseed to make a new one)`);
      } catch (err) {
        req.log(`warning: no snapshot saved (${err instanceof Error ? err.message : String(err)}); the next run seeds again`);
      }
    }
    // Writes of the snapshot's save (none) or of the seed reach the replicas before a trial starts.
    await waitForReplicas(primaries(stack)[0]!.url, replicasOf(stack).map((n) => n.url));
    // Trials run with Redis persisting what they write (redis-persistence.ts says why); an
    // external stack's Redis is as its operator configured it.
    if (stack.provider !== 'external') await enableRedisPersistence(nodeByRole(stack, 'redis').url);
    if (req.prewarm) await prewarm(stack, req.log);
    checkAborted(req.signal);
    return { stack, manifest, source: found ? 'snapshot' : manifest.seededNow ? 'seeded' : 'stack', baseDir, down };
  } catch (err) {
    await down();
    throw err;
  }
}

/** pg_prewarm on every node, with the CPU quotas lifted: setup, not measurement. */
async function prewarm(stack: Stack, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const mib = await stack.withCpuUnlimited(() => prewarmPostgres(primaries(stack).map((n) => n.url), replicasOf(stack).map((n) => n.url)));
  log(`PostgreSQL nodes prewarmed (pg_prewarm into shared buffers): ${mib.map((m) => `${m.toFixed(0)} MiB`).join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
}

/** The app's settings a launch decides; the rest have the app's defaults. */
export type AppSettings = Partial<Pick<AppConfig, 'cacheTtlSec' | 'pgPoolSize' | 'feedCap' | 'fanoutChunk' | 'readYourWritesMs' | 'processes'>>;

/** The app settings a scenario asks for (scenario.app): read-your-writes off is a 0 ms pin. */
export function scenarioAppSettings(scenario: Pick<Scenario, 'app'>): AppSettings {
  return scenario.app?.readYourWrites === 'none' ? { readYourWritesMs: 0 } : {};
}

/** Which app to start: by default this checkout's. */
export interface AppSource {
  /**
   * Root directory of the app version to run (its app/server.ts and app/worker.ts): a work tree of
   * another version, as `bench gate` makes for its baseline and candidate. Default: this checkout.
   */
  appRoot?: string;
}

/** The app and its fan-out workers, each in its own process, on a launched stack. */
export async function startAppOn(launched: LaunchedStack, settings: AppSettings = {}, workers = 2, source: AppSource = {}): Promise<LaunchedApp> {
  const { stack } = launched;
  const appDir = mkdtempSync(join(launched.baseDir, 'tierbench-app-'));
  chmodSync(appDir, 0o755);
  const sup = new Supervisor(appDir, false);
  const launch: AppLaunch = {
    tier: stack.tier,
    postgres: { primaries: primaries(stack).map((n) => n.url), replicas: replicasOf(stack).map((n) => n.url) },
    redis: nodeByRole(stack, 'redis').url,
    memcached: nodeByRole(stack, 'memcached').url,
    logicalShards: launched.manifest.logicalShards,
    ...settings,
  };
  try {
    const app = await startApp(sup, launch, workers, source.appRoot);
    return { ...app, launch, sup, fanoutWorkers: workerControl(sup, launch, app.workers, source.appRoot), stop: () => sup.stopAll() };
  } catch (err) {
    await sup.stopAll();
    throw err;
  }
}
