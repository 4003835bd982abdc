import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scenarios } from '../../scenarios/index.ts';
import { withLoadOverrides } from '../../scenarios/overrides.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { describeLoadShape, loadShapeOf } from '../results/load-shape.ts';
import type { RunConfig } from '../config/options.ts';
import type { ProgressSecond } from '../drive/open-model.ts';
import type { DrivePhase } from '../drive/types.ts';
import { InterruptedError, StackError, UsageError } from '../errors.ts';
import { writeReport } from '../report/write.ts';
import { SCHEMA_VERSION, type ResultsFile, type Slo, type Trial } from '../results/types.ts';
import type { SeedProgress } from '../seed/progress.ts';
import { describeEnvironment, gitSha } from './environment.ts';
import { gitDirty, loadAverageNow, runConfigRecord, type ConfigOrigin } from './provenance.ts';
import { launchStack, scenarioAppSettings, startAppOn, type LaunchedStack } from './launcher.ts';
import { makeRunId } from './run-id.ts';
import { runTrial, type TrialInput } from './trial.ts';
import { actionsUnsupported } from './actions.ts';
import { notSweptBecause, sweepable, sweepTrial } from './sweep-trial.ts';
import { runSetup } from './setup.ts';
import { computeHeadline } from '../results/headline.ts';

export interface RunContext {
  command: string;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Base folder for temporary run directories (tests point it at a folder they own). */
  tmpBase?: string;
  /** Where seeding progress goes (default: plain lines through log). */
  progress?: SeedProgress;
  /** Where the configuration came from (flags, BENCH_* variables, --config file), for results. */
  configOrigin?: ConfigOrigin;
  /** The scenarios to run, resolved and checked up front (runScenarios: flags or --scenario-file). */
  scenarios: Scenario[];
}

export interface RunOutcome {
  results: ResultsFile;
  reportDir: string;
  htmlPath: string;
}

/** A scenario with the flags' load-shape overrides applied (a flag a scenario cannot take is a usage error). */
export function effectiveScenario(config: RunConfig, base: Scenario): Scenario {
  const out = withLoadOverrides(base, { rate: config.rate, duration: config.duration, warmup: config.warmup, connections: config.connections, maxInFlight: config.maxInFlight });
  if ('problems' in out) throw new UsageError(out.problems.map((p) => `${base.name}: ${p}`).join('\n'));
  return out.scenario;
}

/**
 * The run's scenarios, overrides applied, all checked before anything starts: the registered ones
 * --scenario names, or a user's scenario file (already validated) in their place.
 */
export function runScenarios(config: RunConfig, fromFile?: Scenario): Scenario[] {
  const bases = fromFile ? [fromFile] : config.scenario.map((name) => {
    const s = scenarios[name];
    if (!s) throw new UsageError(`unknown scenario "${name}"`);
    return s;
  });
  const problems: string[] = [];
  const out = bases.flatMap((b) => {
    try {
      return [effectiveScenario(config, b)];
    } catch (err) {
      problems.push((err as Error).message);
      return [];
    }
  });
  if (problems.length) {
    // The default run includes multi-stream scenarios: say which ones one --rate/--duration fits.
    const single = Object.values(scenarios).filter((s) => s.streams === undefined).map((s) => s.name);
    if (bases.some((b) => b.streams !== undefined)) problems.push(`pick scenarios with --scenario; these have one load shape the flags can set: ${single.join(', ')}`);
    throw new UsageError(problems.join('\n'));
  }
  return out;
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

/** The run's id: its tier and scenario when there is one of each, "multi" otherwise. */
function runIdOf(config: RunConfig, names: string[], startedAt: Date): string {
  const one = (list: string[]) => (list.length === 1 ? list[0]! : 'multi');
  return makeRunId(one(config.tier), one(names), startedAt);
}

/** The SLO sweeps and the headline hold tiers to. */
export function sloOf(config: RunConfig): Slo {
  return { p99Ms: config.sloP99 * 1000, errorBudget: config.sloErrors, dropBudget: config.sloDrops };
}

function trialInput(config: RunConfig, ctx: RunContext, launched: LaunchedStack, scenario: Scenario, baseUrl: string): TrialInput {
  return {
    tier: launched.stack.tier,
    scenario,
    scenarioSeed: config.scenarioSeed,
    stack: launched.stack,
    baseUrl,
    populations: { photos: launched.manifest.photoIds, users: launched.manifest.userIds },
    sessionSeed: launched.manifest.seed,
    logicalShards: launched.manifest.logicalShards,
    signal: ctx.signal,
    progress: trialProgressPrinter(ctx.log),
  };
}

/** The run's scenarios this tier runs (a scenario may name the tiers it applies to). */
function scenariosOn(tier: string, ctx: RunContext): Scenario[] {
  return ctx.scenarios.filter((scenario) => {
    const applies = !scenario.tiers || scenario.tiers.includes(tier);
    if (!applies) ctx.log(`${scenario.name} applies to ${scenario.tiers!.join(', ')}: not run on ${tier}`);
    return applies;
  });
}

/** Refuses, once the stack is up and before any app starts on it, actions it cannot take (a fault on a stack without Stack.control, ...). */
function refuseUnsupportedActions(scenarios: readonly Scenario[], launched: LaunchedStack, fanoutWorkers: number): void {
  const problems = scenarios.flatMap((s) => actionsUnsupported(s.actions ?? [], launched.stack, fanoutWorkers).map((p) => `scenario ${s.name}: ${p}`));
  if (problems.length) throw new StackError(problems.join('\n'));
}

/** Every scenario of the run on one launched tier, each against a fresh app process. */
async function runTier(config: RunConfig, ctx: RunContext, launched: LaunchedStack): Promise<Trial[]> {
  const trials: Trial[] = [];
  const tier = launched.stack.tier;
  const toRun = scenariosOn(tier, ctx);
  refuseUnsupportedActions(toRun, launched, config.workers);
  for (const scenario of toRun) {
    checkAborted(ctx.signal);
    const settings = { cacheTtlSec: Math.round(config.cacheTtl), processes: config.appProcesses, ...scenarioAppSettings(scenario) };
    const app = await startAppOn(launched, settings, config.workers);
    try {
      const vars = await runSetup(scenario, { baseUrl: app.baseUrl, stack: launched.stack, logicalShards: launched.manifest.logicalShards, sessionSeed: launched.manifest.seed });
      const load = loadShapeOf(scenario);
      ctx.log(`trial ${tier} × ${scenario.name}: ${describeLoadShape(load)}, warm-up ${load.warmupSec}s, ${load.connections} connections${Object.keys(vars).length ? `; ${Object.entries(vars).map(([k, v]) => `${k} = ${v}`).join(', ')}` : ''}`);
      const input = { ...trialInput(config, ctx, launched, scenario, app.baseUrl), vars, fanoutWorkers: app.fanoutWorkers };
      const trial = await runTrial(input);
      if (config.sweep && !sweepable(scenario)) ctx.log(`  not swept: ${notSweptBecause(scenario)}`);
      const sweep = config.sweep && sweepable(scenario) ? await sweepTrial({ ...input, scenario, slo: sloOf(config), appPid: app.pid, log: ctx.log }) : undefined;
      const appRecord = { processes: config.appProcesses, fanoutWorkers: config.workers, cacheTtlSec: settings.cacheTtlSec, ...(scenario.app?.readYourWrites ? { readYourWrites: scenario.app.readYourWrites } : {}) };
      trials.push({ ...trial, datasetSource: launched.source, app: appRecord, ...(sweep ? { sweep } : {}) });
    } finally {
      await app.stop();
    }
  }
  return trials;
}

/** One run: for each tier, stack up and dataset, then its trials; everything stopped again whatever happens. */
export async function runBench(config: RunConfig, ctx: RunContext): Promise<RunOutcome> {
  const startedAt = new Date();
  const loadAtStart = loadAverageNow();
  const dirty = gitDirty();
  const runId = runIdOf(config, ctx.scenarios.map((s) => s.name), startedAt);
  const trials: Trial[] = [];
  let first: { launched: LaunchedStack; environment: ResultsFile['environment'] } | undefined;
  for (const tier of config.tier) {
    checkAborted(ctx.signal);
    const launched = await launchStack({
      tier,
      provider: config.stack,
      ...(config.stackConfig ? { stackConfig: config.stackConfig } : {}),
      pgShards: config.pgShards,
      replicas: config.replicas,
      capacity: { cpus: config.nodeCpus, memoryBytes: config.nodeMemory },
      profile: config.profile,
      seed: config.seed,
      logicalShards: config.logicalShards,
      snapshots: config.snapshots === 'off' ? null : config.snapshots,
      reseed: config.reseed,
      attach: config.tier.length === 1,
      ...(ctx.tmpBase ? { baseDir: ctx.tmpBase } : {}),
      log: ctx.log,
      ...(ctx.progress ? { progress: ctx.progress } : {}),
      signal: ctx.signal,
    });
    try {
      first ??= { launched, environment: describeEnvironment(launched.stack) };
      trials.push(...(await runTier(config, ctx, launched)));
    } finally {
      await launched.down();
    }
  }
  checkAborted(ctx.signal);
  const manifest = first!.launched.manifest;
  const results: ResultsFile = {
    schemaVersion: SCHEMA_VERSION,
    run: {
      id: runId,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      gitSha: gitSha(),
      ...(dirty === undefined ? {} : { gitDirty: dirty }),
      command: ctx.command,
      seeds: { dataset: config.seed, scenario: config.scenarioSeed },
      config: runConfigRecord(config, ctx.configOrigin, {
        tier: config.tier.join(','),
        logicalShards: config.logicalShards,
        cacheTtlSec: Math.round(config.cacheTtl),
        primaries: config.pgShards,
        replicas: config.replicas,
        fanoutWorkers: config.workers,
      }),
      loadAverage: { start: loadAtStart, end: loadAverageNow() },
    },
    environment: first!.environment,
    dataset: {
      profile: manifest.profile,
      seed: manifest.seed,
      logicalShards: manifest.logicalShards,
      counts: manifest.counts,
      seedSeconds: manifest.seedSeconds,
      digest: manifest.digest,
      source: first!.launched.source,
    },
    trials,
  };
  const headline = computeHeadline(trials, sloOf(config));
  if (headline) results.headline = headline;
  const outDir = resolve(config.out);
  const reportDir = join(outDir, runId);
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(join(reportDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  const { html } = await writeReport(results, reportDir);
  linkLatest(outDir, runId);
  return { results, reportDir, htmlPath: html };
}
