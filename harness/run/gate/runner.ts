/**
 * `bench gate`: runs a baseline A and a candidate B of the app on one stack and one dataset, in
 * counterbalanced ABBA blocks, and hands the trials to the gate's statistics (harness/gate).
 *
 *  1. Both versions are built into temporary work trees (versions.ts); only the app differs.
 *  2. One stack is started and its dataset restored or seeded (launchStack), kept for the whole gate.
 *  3. The load: per gated scenario, on the baseline, a short closed-loop probe, then a short sweep
 *     for the highest rate holding the SLO; the gate's open-model rate is loadShare (½) of it,
 *     halved again while the warm-up trial (a fresh process) breaks the SLO at it (fresh-trial.ts).
 *  4. A discarded warm-up trial, then the blocks (order drawn from a recorded seed). A trial runs
 *     one version, each gated scenario against a fresh app process of its own (pinned to its own
 *     core): a flushed Memcached, an open-model window at the gate's rate (latency: p50, p90, ...),
 *     then a closed-loop window (throughput), then the process is stopped. Never two versions at
 *     once. A process per scenario, not per trial: V8 compiles the code every route shares (fastify,
 *     pg, memjs) as requests come, and a slowed route serves fewer of them in its closed loop, so a
 *     scenario run after it in the same process met colder code and looked slower too (measured:
 *     the other route's throughput -23.7%, its app CPU per request 190 → 260-350 µs).
 *  5. evaluateGate decides; gate.json, gate.md and gate.html are written.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Scenario, SingleStreamScenario } from '../../../scenarios/types.ts';
import { notSweptBecause, sweepTrial } from '../sweep-trial.ts';
import { mergeSummaries } from '../../drive/merge.ts';
import { InterruptedError, UsageError } from '../../errors.ts';
import { evaluateGate, type GateReport, type ScenarioTrials } from '../../gate/gate.ts';
import { anotherBlockFits, blocksOf, planGate, type GatePlan, type PlannedTrial, type Version } from '../../gate/schedule.ts';
import { MAX_ABBA_BLOCKS, type GateConfig } from '../../gate/config.ts';
import type { OperationCounts, OperationResult, Slo, SweepStep, Trial } from '../../results/types.ts';
import { trialMetrics, type FlatMetrics } from '../../thresholds/metrics.ts';
import { processTreeCpuSeconds } from '../../metrics/proc-cpu.ts';
import { launchStack, startAppOn, type LaunchedApp, type LaunchedStack } from '../launcher.ts';
import { runTrial, type TrialInput } from '../trial.ts';
import { startPinning, type Pinning } from './pin.ts';
import { prepareVersions, type VersionInfo } from './versions.ts';
import { freshTrialCheck, type FreshTrialCheck } from './fresh-trial.ts';
import { sustainableText } from '../../results/headline.ts';

export interface GateSettings {
  baseline?: string;
  candidate?: string;
  /** The gate config (defaults.json merged with a user's file) and where it came from. */
  config: GateConfig;
  configSource: string;
  tier: string;
  profile: string;
  seed: number;
  scenarioSeed: number;
  /** Seed of the blocks' orders (ABBA or BAAB). */
  orderSeed: number;
  logicalShards: number;
  snapshots: string | null;
  nodeCpus: number;
  nodeMemory: number;
  /** Fan-out worker processes per app. */
  workers: number;
  cacheTtlSec: number;
  /** Open-model window per scenario and trial, and its unrecorded warm-up (seconds). */
  windowSec: number;
  warmupSec: number;
  /** Closed-loop window per scenario and trial, its warm-up, and its connections. */
  closedWindowSec: number;
  closedWarmupSec: number;
  closedConnections: number;
  /** A fixed rate for every scenario instead of measuring capacity first. */
  rate?: number;
  /** Share of the measured capacity the open-model windows run at. */
  loadShare: number;
  /** The capacity sweep's window and its budget of windows. */
  sweepWindowSec: number;
  sweepWindows: number;
  slo: Slo;
  /** Whole-gate budget, seconds: more blocks after the config's while one fits (anotherBlockFits); 0 = none. */
  budgetSec: number;
  pin: boolean;
}

export interface GateContext {
  command: string;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Base folder for the stack's run directory and the versions' work trees (tests own one). */
  tmpBase?: string;
  /** Scenarios by name (default: the registry; tests add one of their own). */
  scenarios: Readonly<Record<string, Scenario>>;
}

/** How the rate of a scenario's open-model windows was chosen. */
export interface ScenarioLoad {
  scenario: string;
  method: 'sweep' | 'given';
  /** Closed-loop throughput of the baseline before the sweep (req/s). */
  closedLoopProbe: number | null;
  /** The sweep's estimate of the highest rate holding the SLO, with its bootstrap interval. */
  capacity: { rate: number; low: number; high: number; method: string; lowerBound?: true } | null;
  sweepSteps: SweepStep[];
  sweepStoppedBecause: string | null;
  /** The open-model rate every trial of this scenario ran at. */
  gateRate: number;
  note: string;
  /** The discarded warm-up trial's open windows: the last one held the SLO, or the halving gave up (sweep only). */
  freshTrialChecks: FreshTrialCheck[];
}

/** Halvings of the rate at most, when a fresh trial's open window breaks the SLO (fresh-trial.ts). */
const FRESH_TRIAL_HALVINGS = 3;

/** One scenario's measurements in one trial. */
export interface ScenarioMeasurement {
  /** The fresh app process this scenario ran against in this trial (one per scenario: what one route costs cannot carry over to another's figures). */
  appPid: number;
  /** Starting it and its workers until they answered, seconds. */
  appStartSeconds: number;
  pinned: boolean;
  /** What the gate compares (trialMetrics of the open window, ok.rate from the closed loop, counts of both). */
  gated: FlatMetrics;
  /** trialMetrics of the open-model window at the gate's rate. */
  open: FlatMetrics;
  /** trialMetrics of the closed-loop window. */
  closed: FlatMetrics;
  generatorLimited: boolean;
  generatorLimitReasons: string[];
  /** The generator's CPU as a share of one core, per window (reported, not gated). */
  generatorCpuShare: { open: number; closed: number };
  /**
   * CPU time of the app's process tree over a run (its warm-up included), per request sent in the
   * run's measured window, µs (reported, not gated). Compare it between versions, not with perf:app:
   * in a fresh process it also counts start-up work (V8 compiling, connecting), a fixed cost that
   * weighs more per request at low rates (instagram-day here: 3500 µs at 260 req/s, 6850 at 108).
   */
  appCpuUsPerRequest: { open: number | null; closed: number | null };
  checksFailed: string[];
}

export interface TrialRecord extends PlannedTrial {
  discarded: boolean;
  startedAt: string;
  seconds: number;
  /** Of those, starting the app processes (one per scenario) and their workers until they answered. */
  appStartSeconds: number;
  /** Every scenario's app process was pinned. */
  pinned: boolean;
  loadAverage: number;
  scenarios: Record<string, ScenarioMeasurement>;
}

/** gate.json. */
export interface GateRecord {
  kind: 'tierbench-gate';
  schemaVersion: 1;
  command: string;
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  /** Seconds per phase: versions, stack, capacity, trials, report. */
  phases: Record<string, number>;
  verdict: GateReport['verdict'];
  exitCode: number;
  /** Trials whose after-trial checks failed: the gate then exits 99 whatever the verdict. */
  checksFailed: string[];
  configSource: string;
  config: GateConfig;
  settings: Omit<GateSettings, 'config' | 'baseline' | 'candidate'>;
  versions: { baseline: VersionInfo; candidate: VersionInfo };
  seeds: { dataset: number; scenario: number; order: number };
  environment: { cores: number; node: string; pinning: Omit<Pinning, never>; loadAverage: { start: number; end: number } };
  dataset: { profile: string; seed: number; logicalShards: number; digest: string; source: string; counts: LaunchedStack['manifest']['counts'] };
  loads: ScenarioLoad[];
  /** orders: every block run, the config's abbaBlocks and any added within settings.budgetSec. */
  plan: { orderSeed: number; orders: GatePlan['orders']; warmupVersion: Version };
  /** How each gated figure is measured. */
  metricSources: Record<string, string>;
  trials: TrialRecord[];
  report: GateReport;
  notes: string[];
}

export const METRIC_SOURCES: Record<string, string> = {
  'latency.p50 … latency.p99.99': "all requests of the open-model window at the gate's rate, from their intended send (corrected), merged over operations",
  'ok.rate (throughput)': 'OK answers per second of the closed-loop window (the mix without follow-ups, which a closed loop cannot issue)',
  'errors.count, timeouts.count, dropped.count': 'the open-model and the closed-loop windows together',
  'open.* / closed.*': 'each window alone, kept beside for inspection',
};

const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError(String(signal.reason ?? 'SIGINT'));
}

/**
 * The scenario as an open-model window at a rate. Connections: enough that a fresh app process on
 * a flushed cache (slower in its first seconds than the warm one the sweep measured) never runs
 * out of them: one per 25 req/s, at least 64, at most 256. HTTP/1.1 has one request in flight per
 * connection, and too few would queue requests in the generator, building a backlog a rate at half
 * the capacity never drains.
 */
export function openAt(scenario: SingleStreamScenario, rate: number, durationSec: number, warmupSec: number): SingleStreamScenario {
  const e = scenario.executor;
  const connections = Math.max(e.connections, 64, Math.min(256, Math.ceil(rate / 25)));
  const maxInFlight = Math.max(e.kind === 'closed-loop' ? 10_000 : e.maxInFlight, connections);
  return { ...scenario, executor: { kind: 'constant-arrival-rate', rate, durationSec, warmupSec, connections, maxInFlight, timeoutMs: e.timeoutMs } };
}

/**
 * The scenario as a closed-loop window: its mix without follow-ups. In a closed loop a connection's
 * next request is its own, not an answer's, so follow-ups (instagram-day's sign-in after a sign-up)
 * cannot be issued there: the operations only issued as follow-ups (weight 0) are left out, and
 * the others lose their `then` and the captures that fed it. The open-model window keeps them.
 */
export function closedLoop(scenario: SingleStreamScenario, connections: number, durationSec: number, warmupSec: number): SingleStreamScenario {
  const operations = scenario.operations.filter((op) => op.weight > 0).map(({ then: _then, capture: _capture, ...op }) => op);
  return { ...scenario, operations, executor: { kind: 'closed-loop', connections, durationSec, warmupSec, timeoutMs: scenario.executor.timeoutMs } };
}

const prefixed = (prefix: string, m: FlatMetrics): FlatMetrics => Object.fromEntries(Object.entries(m).map(([k, v]) => [`${prefix}.${k}`, v]));

/**
 * The gated figures of one scenario in one trial: the open window's metrics (latency), throughput
 * from the closed loop, counts of both windows; each window's own metrics kept under open./closed.
 */
export function gatedMetrics(open: FlatMetrics, closed: FlatMetrics): FlatMetrics {
  const sum = (key: string) => (open[key] === undefined || closed[key] === undefined ? undefined : open[key]! + closed[key]!);
  return {
    ...open,
    'ok.rate': closed['ok.rate'],
    'ok.count': closed['ok.count'],
    'errors.count': sum('errors.count'),
    'timeouts.count': sum('timeouts.count'),
    'dropped.count': sum('dropped.count'),
    ...prefixed('open', open),
    ...prefixed('closed', closed),
  };
}

function sumCounts(list: readonly OperationCounts[]): OperationCounts {
  const out: OperationCounts = { scheduled: 0, sent: 0, dropped: 0, ok: 0, errors: 0, errorsByClass: {}, timeouts: 0, unfinished: 0, byStatus: {} };
  for (const c of list) {
    for (const k of ['scheduled', 'sent', 'dropped', 'ok', 'errors', 'timeouts', 'unfinished'] as const) out[k] += c[k];
  }
  return out;
}

/** The candidate's open-model windows of a scenario merged exactly (for absolute thresholds). */
export function mergedTrialMetrics(trials: readonly Trial[]): FlatMetrics {
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.operations)))];
  const operations: Record<string, OperationResult> = {};
  for (const name of names) {
    const ops = trials.map((t) => t.operations[name]).filter((o): o is OperationResult => o !== undefined);
    operations[name] = {
      counts: sumCounts(ops.map((o) => o.counts)),
      latency: { all: mergeSummaries(ops.map((o) => o.latency.all)), ok: mergeSummaries(ops.map((o) => o.latency.ok)), okUncorrected: mergeSummaries(ops.map((o) => o.latency.okUncorrected)) },
      perSecond: [],
    };
  }
  const first = trials[0]!;
  return trialMetrics({ ...first, timing: { ...first.timing, measuredMs: trials.reduce((n, t) => n + t.timing.measuredMs, 0) }, operations });
}

/**
 * Why a scenario cannot be gated, or null. What a sweep refuses (several load shapes, faults), and
 * timed actions: cache-stampede's flush at 15 s needs its own window, not the gate's few seconds.
 */
export function notGatedBecause(scenario: Scenario): string | null {
  const unsweepable = notSweptBecause(scenario);
  if (unsweepable) return unsweepable;
  const at = scenario.actions?.map((a) => `${a.atSec} s`);
  return at?.length ? `${scenario.name} acts at a moment of its own window (at ${at.join(', ')})` : null;
}

const ms = (us: number | undefined) => (us === undefined ? 'n/a' : `${(us / 1000).toFixed(2)} ms`);
const perSec = (r: number | undefined) => (r === undefined ? 'n/a' : `${Math.round(r)} req/s`);

export interface GateOutcome {
  record: GateRecord;
}

/**
 * Runs the gate. Everything it starts (stack, apps, work trees, pinning) is undone whatever happens.
 * @throws UsageError for a scenario the registry does not have; StackError when the stack or an app cannot start
 */
export async function runGate(settings: GateSettings, ctx: GateContext): Promise<GateOutcome> {
  const { config, signal, log } = { ...settings, ...ctx };
  const unknown = config.scenarios.filter((s) => !ctx.scenarios[s]);
  if (unknown.length)
    throw new UsageError(`gate config ${settings.configSource}: scenario${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in the scenario registry; accepted: ${Object.keys(ctx.scenarios).join(', ')} (bench list shows them; --scenario or a gate config file picks others)`);
  // A gate sweeps one load shape to find the rate it gates at: what a sweep refuses, it refuses.
  const refused = config.scenarios.map((s) => notGatedBecause(ctx.scenarios[s]!)).filter((why): why is string => why !== null);
  if (refused.length)
    throw new UsageError(`gate config ${settings.configSource}: ${refused.join('; ')}; a gate measures one load shape at a rate it picks, in windows of seconds. Accepted: ${Object.keys(ctx.scenarios).filter((s) => notGatedBecause(ctx.scenarios[s]!) === null).join(', ')}`);
  const gated = Object.fromEntries(config.scenarios.map((s) => [s, ctx.scenarios[s] as SingleStreamScenario]));
  const started = new Date();
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let mark = t0;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round((now - mark) / 100) / 10;
    mark = now;
  };
  const loadStart = load1();
  const versions = prepareVersions({ ...(settings.baseline !== undefined ? { baseline: settings.baseline } : {}), ...(settings.candidate !== undefined ? { candidate: settings.candidate } : {}) }, log, ctx.tmpBase);
  const trees: Record<Version, string> = { A: versions.baseline.tree, B: versions.candidate.tree };
  let launched: LaunchedStack | undefined;
  let app: LaunchedApp | undefined;
  let pinning: ReturnType<typeof startPinning> | undefined;
  try {
    phase('versions');
    checkAborted(signal);
    launched = await launchStack({
      tier: settings.tier,
      capacity: { cpus: settings.nodeCpus, memoryBytes: settings.nodeMemory },
      profile: settings.profile,
      seed: settings.seed,
      logicalShards: settings.logicalShards,
      snapshots: settings.snapshots,
      ...(ctx.tmpBase ? { baseDir: ctx.tmpBase } : {}),
      log,
      signal,
    });
    const stack = launched;
    phase('stack');
    const cores = availableParallelism();
    pinning = startPinning(settings.pin);
    log(`pinning: ${pinning.note}`);
    const pin = pinning;
    const appSettings = { cacheTtlSec: settings.cacheTtlSec };
    const startVersion = async (version: Version): Promise<{ app: LaunchedApp; pinned: boolean }> => {
      const a = await startAppOn(stack, appSettings, settings.workers, { appRoot: trees[version] });
      app = a;
      return { app: a, pinned: pin.applied && pin.pinApp([a.pid, ...a.workers.map((w) => w.pid)]) };
    };
    const stopApp = async () => {
      const a = app;
      app = undefined;
      await a?.stop();
    };
    const input = <S extends Scenario>(scenario: S, baseUrl: string, seed: number): TrialInput & { scenario: S } => ({
      tier: stack.stack.tier,
      scenario,
      scenarioSeed: seed,
      stack: stack.stack,
      baseUrl,
      populations: { photos: stack.manifest.photoIds, users: stack.manifest.userIds },
      sessionSeed: stack.manifest.seed,
      logicalShards: stack.manifest.logicalShards,
      signal,
      progress: () => {},
    });

    // 3. The load: half the baseline's capacity, per scenario.
    const loads: ScenarioLoad[] = [];
    if (settings.rate !== undefined) {
      for (const name of config.scenarios) loads.push({ scenario: name, method: 'given', closedLoopProbe: null, capacity: null, sweepSteps: [], sweepStoppedBecause: null, gateRate: settings.rate, note: `--rate ${settings.rate} given: capacity not measured`, freshTrialChecks: [] });
    } else {
      const { app: a } = await startVersion('A');
      try {
        for (const name of config.scenarios) {
          checkAborted(signal);
          const scenario = gated[name]!;
          const probe = await runTrial(input(closedLoop(scenario, settings.closedConnections, settings.closedWindowSec, settings.closedWarmupSec), a.baseUrl, settings.scenarioSeed + 7));
          const probeRate = trialMetrics(probe)['ok.rate'] ?? 0;
          log(`capacity of A on ${name}: closed loop ${perSec(probeRate)}; sweep from ${perSec(probeRate * 0.4)} (windows of ${settings.sweepWindowSec}s, at most ${settings.sweepWindows})`);
          const sweep = await sweepTrial({
            ...input(scenario, a.baseUrl, settings.scenarioSeed + 100),
            slo: settings.slo,
            appPid: a.pid,
            log,
            startRate: Math.max(10, Math.round(probeRate * 0.4)),
            budget: { windowSec: settings.sweepWindowSec, maxWindows: settings.sweepWindows, growth: 1.3, bisections: 2, repeats: 1, targetWidth: 0.2 },
            warmupMaxSec: 4,
          });
          const est = sweep.maxSustainable;
          let gateRate: number;
          let note: string;
          if (est) {
            gateRate = Math.max(1, Math.round(est.rate * settings.loadShare));
            note = `${Math.round(settings.loadShare * 100)}% of the baseline's capacity under the SLO`; // the capacity itself is loads[].capacity, shown beside it
          } else {
            gateRate = Math.max(1, Math.round(probeRate * 0.4 * settings.loadShare));
            note = `the SLO broke at the sweep's first rate (${perSec(probeRate * 0.4)}): the gate runs at ${Math.round(settings.loadShare * 100)}% of that`;
          }
          log(`load of ${name}: ${gateRate} req/s (${note}${est ? `, ${sustainableText(est)}` : ''}; sweep stopped: ${sweep.stoppedBecause ?? 'n/a'})`);
          loads.push({ scenario: name, method: 'sweep', closedLoopProbe: probeRate, capacity: est, sweepSteps: sweep.steps, sweepStoppedBecause: sweep.stoppedBecause ?? null, gateRate, note, freshTrialChecks: [] });
        }
      } finally {
        await stopApp();
      }
    }
    phase('capacity');

    // 4. Warm-up trial and blocks.
    let plan = planGate(config.abbaBlocks, settings.orderSeed, 'A');
    log(`blocks: ${plan.orders.join(' ')} (order seed ${settings.orderSeed}), after a discarded warm-up trial of A; ${plan.trials.length} trials in all`);
    const trials: TrialRecord[] = [];
    const openTrials = new Map<string, Trial[]>(config.scenarios.map((s) => [s, []]));
    /** One scenario of one trial: a fresh app process of the version, the open-model window, the closed loop, the process stopped. */
    const measureScenario = async (version: Version, name: string): Promise<{ m: ScenarioMeasurement; open: Trial }> => {
      const scenario = gated[name]!;
      const rate = loads.find((l) => l.scenario === name)!.gateRate;
      const t0 = performance.now();
      const { app: a, pinned } = await startVersion(version);
      const appStartSeconds = Math.round((performance.now() - t0) / 100) / 10;
      try {
        const cpu0 = processTreeCpuSeconds(a.pid);
        const open = await runTrial(input(openAt(scenario, rate, settings.windowSec, settings.warmupSec), a.baseUrl, settings.scenarioSeed));
        const cpu1 = processTreeCpuSeconds(a.pid);
        const closed = await runTrial(input(closedLoop(scenario, settings.closedConnections, settings.closedWindowSec, settings.closedWarmupSec), a.baseUrl, settings.scenarioSeed + 7), { flushCache: false });
        const cpu2 = processTreeCpuSeconds(a.pid);
        const [om, cm] = [trialMetrics(open), trialMetrics(closed)];
        const perRequest = (from: number | null, to: number | null, sent: number | undefined) => (from === null || to === null || !sent ? null : Math.round(((to - from) / sent) * 1e6));
        const limited = [open, closed].filter((t) => t.generator.limited);
        const m: ScenarioMeasurement = {
          appPid: a.pid,
          appStartSeconds,
          pinned,
          gated: gatedMetrics(om, cm),
          open: om,
          closed: cm,
          generatorLimited: limited.length > 0,
          generatorLimitReasons: limited.flatMap((t) => t.generator.limitReasons),
          generatorCpuShare: { open: Math.round(open.generator.cpuShare * 100) / 100, closed: Math.round(closed.generator.cpuShare * 100) / 100 },
          appCpuUsPerRequest: { open: perRequest(cpu0, cpu1, open.generator.sent), closed: perRequest(cpu1, cpu2, closed.generator.sent) },
          checksFailed: [open, closed].flatMap((t) => t.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`)),
        };
        return { m, open };
      } finally {
        await stopApp();
      }
    };
    const runPlanned = async (planned: PlannedTrial): Promise<void> => {
      checkAborted(signal);
      const trialStart = performance.now();
      const startedAt = new Date().toISOString();
      const scenarios: Record<string, ScenarioMeasurement> = {};
      const where = planned.block === null ? 'warm-up, discarded' : `block ${planned.block + 1} ${planned.slot}`;
      for (const name of config.scenarios) {
        checkAborted(signal);
        let { m, open } = await measureScenario(planned.version, name);
        // The capacity was measured on one warm process; a trial is a fresh one on a flushed cache (fresh-trial.ts).
        const load = loads.find((l) => l.scenario === name)!;
        if (planned.block === null && load.method === 'sweep') {
          for (let halvings = 0; ; halvings++) {
            const check = freshTrialCheck(load.gateRate, m.open, settings.slo);
            load.freshTrialChecks.push(check);
            if (check.nextRate === null || halvings === FRESH_TRIAL_HALVINGS || load.gateRate === 1) break;
            log(`  ${name}: a fresh trial broke the SLO at ${load.gateRate} req/s (p99 ${check.p99Ms ?? 'n/a'} ms); the gate's rate is halved to ${check.nextRate} req/s`);
            load.note += `; halved to ${check.nextRate} req/s: a fresh trial's open window broke the SLO at ${load.gateRate} req/s (p99 ${check.p99Ms ?? 'n/a'} ms)`;
            load.gateRate = check.nextRate;
            ({ m, open } = await measureScenario(planned.version, name));
          }
        }
        scenarios[name] = m;
        if (planned.version === 'B' && planned.block !== null) openTrials.get(name)!.push(open);
        const rate = loads.find((l) => l.scenario === name)!.gateRate;
        log(
          `trial ${planned.index}/${plan.trials.length - 1} ${planned.version} (${where}) ${name}: ${rate} req/s p50 ${ms(m.open['latency.p50'])} p90 ${ms(m.open['latency.p90'])} p99 ${ms(m.open['latency.p99'])}; closed loop ${perSec(m.closed['ok.rate'])}` +
            `${m.generatorLimited ? ' (generator limited)' : ''}${m.checksFailed.length ? ' (CHECKS FAILED)' : ''}`,
        );
      }
      const all = Object.values(scenarios);
      trials.push({ ...planned, discarded: planned.block === null, startedAt, seconds: Math.round((performance.now() - trialStart) / 100) / 10, appStartSeconds: Math.round(all.reduce((n, m) => n + m.appStartSeconds, 0) * 10) / 10, pinned: all.every((m) => m.pinned), loadAverage: load1(), scenarios });
    };
    for (const planned of plan.trials) await runPlanned(planned);
    // More blocks while the budget allows one (time only, never the results: anotherBlockFits).
    const blockSeconds = () => plan.orders.map((_, b) => trials.filter((t) => t.block === b).reduce((sum, t) => sum + t.seconds, 0));
    const elapsedSec = () => (performance.now() - t0) / 1000;
    while (plan.orders.length < MAX_ABBA_BLOCKS && anotherBlockFits(elapsedSec(), blockSeconds(), settings.budgetSec)) {
      plan = planGate(plan.orders.length + 1, settings.orderSeed, 'A'); // the same seed draws the same orders first
      const block = plan.orders.length - 1;
      log(`block ${block + 1} (${plan.orders[block]}): added, ${Math.round(elapsedSec())} s of the ${settings.budgetSec} s budget used and the longest block took ${Math.round(Math.max(...blockSeconds().slice(0, block)))} s`);
      for (const planned of plan.trials.filter((t) => t.block === block)) await runPlanned(planned);
    }
    phase('trials');

    // 5. The decision.
    const runs: ScenarioTrials[] = config.scenarios.map((name) => {
      const measured = new Map(trials.map((t) => [t.index, t.scenarios[name]!.gated] as const));
      const blocks = blocksOf(plan, measured);
      return { scenario: name, blocks, ...(config.absolute[name] ? { candidate: mergedTrialMetrics(openTrials.get(name)!) } : {}) };
    });
    // The blocks actually run (the config's, or more within the budget): pairs and intervals are of what was measured.
    const report = evaluateGate({ ...config, abbaBlocks: plan.orders.length }, runs);
    const checksFailed = trials.flatMap((t) => Object.entries(t.scenarios).flatMap(([name, m]) => m.checksFailed.map((c) => `trial ${t.index} ${t.version} ${name}: ${c}`)));
    const notes: string[] = [];
    const limited = trials.flatMap((t) => Object.entries(t.scenarios).filter(([, m]) => m.generatorLimited).map(([name]) => `trial ${t.index} ${name}`));
    if (limited.length) notes.push(`the generator was limited in ${limited.join(', ')}: requests left it late or its event loop lagged (its cores were saturated), so those trials' latency may include the generator's`);
    if (!pinning.applied) notes.push(`${pinning.note}: app and generator shared the cores`);
    const busiest = Math.max(loadStart, ...trials.map((t) => t.loadAverage));
    if (busiest > cores)
      notes.push(
        // The load average counts this gate's own app, generator and servers (about 3 on 2 cores here when
        // nothing else runs), so it cannot tell other work apart; the figure at the start says more of that.
        `a 1-minute load average up to ${busiest} on ${cores} cores (this gate's own app, generator and servers count in it with any other work; it was ${loadStart} when the gate started): processes waited for a core, so trials moved more and intervals are wider`,
      );
    for (const v of [versions.baseline, versions.candidate]) if (v.sameLockfile === false) notes.push(`${v.label}'s package-lock.json differs from this checkout's: its app ran on this checkout's node_modules`);
    if (checksFailed.length) notes.push(`${checksFailed.length} after-trial check(s) failed: the gate exits 99 whatever its verdict`);
    const exitCode = checksFailed.length ? 99 : report.exitCode;
    const { config: _c, baseline: _b, candidate: _d, ...rest } = settings;
    const finished = new Date();
    const record: GateRecord = {
      kind: 'tierbench-gate',
      schemaVersion: 1,
      command: ctx.command,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      wallSeconds: Math.round((performance.now() - t0) / 100) / 10,
      phases,
      verdict: report.verdict,
      exitCode,
      checksFailed,
      configSource: settings.configSource,
      config,
      settings: rest,
      versions: { baseline: versions.baseline, candidate: versions.candidate },
      seeds: { dataset: settings.seed, scenario: settings.scenarioSeed, order: settings.orderSeed },
      environment: { cores, node: process.version, pinning: { applied: pinning.applied, appCores: pinning.appCores, generatorCores: pinning.generatorCores, note: pinning.note }, loadAverage: { start: loadStart, end: load1() } },
      dataset: { profile: stack.manifest.profile, seed: stack.manifest.seed, logicalShards: stack.manifest.logicalShards, digest: stack.manifest.digest, source: stack.source, counts: stack.manifest.counts },
      loads,
      plan: { orderSeed: plan.orderSeed, orders: plan.orders, warmupVersion: 'A' },
      metricSources: METRIC_SOURCES,
      trials,
      report,
      notes,
    };
    return { record };
  } finally {
    await (app as LaunchedApp | undefined)?.stop().catch(() => {});
    pinning?.restore();
    await launched?.down().catch((err: unknown) => log(`warning: stopping the stack: ${(err as Error).message}`));
    versions.remove();
  }
}
