import { mkdirSync, mkdtempSync, chmodSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scenarios } from '../../scenarios/index.ts';
import { withLoadOverrides } from '../../scenarios/overrides.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { describeLoadShape, loadShapeOf } from '../results/load-shape.ts';
import type { RunConfig } from '../config/options.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { writeReport } from '../report/write.ts';
import { SCHEMA_VERSION, type ResultsFile, type Trial } from '../results/types.ts';
import { ensureDataset } from '../seed/dataset.ts';
import { progressPrinter, type SeedProgress } from '../seed/progress.ts';
import { checkResources, estimateNeeds } from '../seed/resources.ts';
import { SnapshotStore } from '../seed/snapshot.ts';
import { pgNodesFor } from '../stack/topology.ts';
import { profiles } from '../seed/profiles.ts';
import { stackProvider } from '../stack/registry.ts';
import { attachedStack } from '../stack/state.ts';
import { Supervisor } from '../stack/supervisor.ts';
import { nodeByRole, type Stack } from '../stack/types.ts';
import { primaries, replicasOf } from '../stack/topology.ts';
import { waitForReplicas } from '../stack/replication.ts';
import { startApp } from './app-process.ts';
import { describeEnvironment, gitSha } from './environment.ts';
import { makeRunId } from './run-id.ts';
import { runTrial } from './trial.ts';
import type { DrivePhase } from '../drive/types.ts';
import type { ProgressSecond } from '../drive/open-model.ts';

export interface RunContext {
  command: string;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Base folder for temporary run directories (tests point it at a folder they own). */
  tmpBase?: string;
  /** Where seeding progress goes (default: plain lines through log). */
  progress?: SeedProgress;
}

export interface RunOutcome {
  results: ResultsFile;
  reportDir: string;
  htmlPath: string;
}

/** The scenario with the flags' load-shape overrides applied. */
export function effectiveScenario(config: RunConfig): Scenario {
  const base = scenarios[config.scenario];
  if (!base) throw new UsageError(`unknown scenario "${config.scenario}"`);
  const out = withLoadOverrides(base, { rate: config.rate, duration: config.duration, warmup: config.warmup, connections: config.connections, maxInFlight: config.maxInFlight });
  if ('problems' in out) throw new UsageError(out.problems.join('\n'));
  return out.scenario;
}

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError(String(signal.reason ?? 'SIGINT'));
}

function trialProgressPrinter(log: (line: string) => void) {
  return (phase: DrivePhase, p: ProgressSecond): void => {
    const bad = [p.errors && `errors ${p.errors}`, p.timeouts && `timeouts ${p.timeouts}`, p.dropped && `dropped ${p.dropped}`].filter(Boolean).join('  ');
    log(`  ${phase} ${String(p.second + 1).padStart(3)}s  sent ${p.issued - p.dropped}  answered ${p.answered}  outstanding ${p.outstanding}${bad ? `  ${bad}` : ''}`);
  };
}

/** Points <out>/latest at the newest run (relative link, replaced atomically). */
function linkLatest(outDir: string, runId: string): void {
  const tmp = join(outDir, `.latest-${process.pid}`);
  symlinkSync(runId, tmp);
  renameSync(tmp, join(outDir, 'latest'));
}

/** One run: stack up, dataset, app, trial, report, everything stopped again whatever happens. */
export async function runBench(config: RunConfig, ctx: RunContext): Promise<RunOutcome> {
  const startedAt = new Date();
  const scenario = effectiveScenario(config);
  const profile = profiles[config.profile]!;
  const runId = makeRunId(config.tier, scenario.name, startedAt);
  const tmpBase = ctx.tmpBase ?? tmpdir();
  let stack: Stack | undefined;
  let appSup: Supervisor | undefined;
  try {
    const attached = config.stack === 'local' ? attachedStack() : null;
    // Snapshots are of stacks this run owns and starts from local binaries.
    const snapshots = config.stack === 'local' && !attached && config.snapshots !== 'off' ? new SnapshotStore(config.snapshots) : null;
    const snapKey = { profile: profile.name, seed: config.seed, logicalShards: config.logicalShards, nodes: pgNodesFor(config.tier, config.pgShards).length };
    const found = snapshots && !config.reseed ? snapshots.find(snapKey) : null;
    if (found) ctx.log(`restoring snapshot ${found.info.key} (seeding it took ${found.info.seedSeconds.toFixed(1)}s)`);
    else if (!attached) {
      // Room for the profile, before any server starts: disk where this machine keeps the data (a
      // local stack) and memory for the seeder.
      const needs = estimateNeeds(profile, snapKey.nodes, config.tier === 'replicas' ? config.replicas : 0, snapshots !== null);
      if (config.stack === 'local') checkResources(needs, [tmpBase, ...(snapshots ? [snapshots.dir] : [])], ctx.log);
      else checkResources({ ...needs, diskBytes: 0 }, [], ctx.log);
    }
    const restoreStarted = performance.now();
    stack =
      attached ??
      (await stackProvider(config.stack).up({
        tier: config.tier,
        pgShards: config.pgShards,
        replicas: config.replicas,
        capacity: { cpus: config.nodeCpus, memoryBytes: config.nodeMemory },
        externalConfig: config.stackConfig,
        baseDir: tmpBase,
        log: ctx.log,
        ...(found ? { restore: found.restore } : {}),
      }));
    if (!stack.owned && stack.provider === 'local') {
      if (stack.tier !== config.tier)
        throw new UsageError(`the stack kept running by \`bench stack up\` is for tier ${stack.tier}; run --tier ${stack.tier}, or \`bench stack down\` first`);
      ctx.log(`using the running stack from \`bench stack up\` (${stack.runDir})`);
    }
    checkAborted(ctx.signal);
    const s = stack;
    const manifest = await s.withCpuUnlimited(() =>
      ensureDataset(primaries(s).map((n) => n.url), nodeByRole(s, 'redis').url, profile, config.seed, config.logicalShards, ctx.log, {
        progress: ctx.progress ?? progressPrinter({ write: () => true }, ctx.log),
        signal: ctx.signal,
      }),
    );
    if (found) ctx.log(`restored in ${((performance.now() - restoreStarted) / 1000).toFixed(1)}s (servers started on the snapshot's data)`);
    if (snapshots && manifest.seededNow) {
      // A snapshot only saves time later: failing to make one costs this run nothing but a warning.
      try {
        const info = await snapshots.save(snapKey, s, manifest, ctx.log);
        ctx.log(`snapshot ${info.key} saved in ${info.saveSeconds.toFixed(1)}s under ${snapshots.dir} (--reseed to make a new one)`);
      } catch (err) {
        ctx.log(`warning: no snapshot saved (${err instanceof Error ? err.message : String(err)}); the next run seeds again`);
      }
    }
    await waitForReplicas(primaries(stack)[0]!.url, replicasOf(stack).map((n) => n.url));
    checkAborted(ctx.signal);

    const appDir = mkdtempSync(join(tmpBase, 'tierbench-app-'));
    chmodSync(appDir, 0o755);
    appSup = new Supervisor(appDir, false);
    const app = await startApp(appSup, {
      tier: config.tier,
      postgres: { primaries: primaries(stack).map((n) => n.url), replicas: replicasOf(stack).map((n) => n.url) },
      redis: nodeByRole(stack, 'redis').url,
      memcached: nodeByRole(stack, 'memcached').url,
      logicalShards: config.logicalShards,
      cacheTtlSec: Math.round(config.cacheTtl),
    });
    checkAborted(ctx.signal);
    const load = loadShapeOf(scenario);
    ctx.log(`trial ${config.tier} × ${scenario.name}: ${describeLoadShape(load)}, warm-up ${load.warmupSec}s, ${load.connections} connections`);
    const trial: Trial = await runTrial({
      tier: config.tier,
      scenario,
      scenarioSeed: config.scenarioSeed,
      stack,
      baseUrl: app.baseUrl,
      populations: { photos: manifest.photoIds, users: manifest.userIds },
      sessionSeed: manifest.seed,
      logicalShards: config.logicalShards,
      signal: ctx.signal,
      progress: trialProgressPrinter(ctx.log),
    });
    checkAborted(ctx.signal);

    const results: ResultsFile = {
      schemaVersion: SCHEMA_VERSION,
      run: {
        id: runId,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        gitSha: gitSha(),
        command: ctx.command,
        seeds: { dataset: config.seed, scenario: config.scenarioSeed },
      },
      environment: describeEnvironment(stack),
      dataset: {
        profile: manifest.profile,
        seed: manifest.seed,
        logicalShards: manifest.logicalShards,
        counts: manifest.counts,
        seedSeconds: manifest.seedSeconds,
        digest: manifest.digest,
        source: found ? 'snapshot' : manifest.seededNow ? 'seeded' : 'stack',
      },
      trials: [trial],
    };
    const outDir = resolve(config.out);
    const reportDir = join(outDir, runId);
    mkdirSync(reportDir, { recursive: true });
    writeFileSync(join(reportDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    const { html } = await writeReport(results, reportDir);
    linkLatest(outDir, runId);
    return { results, reportDir, htmlPath: html };
  } finally {
    await appSup?.stopAll();
    if (stack?.owned) await stack.down();
  }
}
