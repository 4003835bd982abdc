import { offeredRateOf } from '../../scenarios/streams.ts';
import type { Scenario, SingleStreamScenario } from '../../scenarios/types.ts';
import { drive } from '../drive/run.ts';
import { mergeEncoded } from '../metrics/histograms.ts';
import { processTreeCpuSeconds } from '../metrics/proc-cpu.ts';
import type { Slo, SweepResult, SweepStep } from '../results/types.ts';
import { holdsSlo } from '../sweep/estimate.ts';
import { DEFAULT_SWEEP, runSweep } from '../sweep/search.ts';
import { isFault } from '../../scenarios/actions.ts';
import { measureWindow, type TrialInput } from './trial.ts';
import { ownSeat, type Seat } from '../sweep/turns.ts';
import { DEFAULT_SETTLE, settle, type WatchedCpu } from '../sweep/settle.ts';
import { nodeCpu } from '../metrics/backends.ts';

export interface SweepInput extends TrialInput {
  scenario: SingleStreamScenario;
  slo: Slo;
  /** The app process, whose CPU tells whether it saturated first. */
  appPid: number;
  /** Highest rate to try. */
  maxRate?: number;
  /** First rate of the ramp (default: half the scenario's rate, or 50 for a closed loop). */
  startRate?: number;
  /**
   * A smaller (or larger) budget than a full sweep's: window length, growth of the ramp, bisections,
   * repeats at the knee, interval width and window count (default DEFAULT_SWEEP); bench gate uses a
   * short one to find the rate it gates at.
   */
  budget?: Partial<SweepBudget>;
  /** Longest adaptive warm-up, seconds (default 60). */
  warmupMaxSec?: number;
  log: (line: string) => void;
  /**
   * A seat among sweeps of other tiers run at the same time (perf:tiers): each warm-up slice and
   * window waits its turn, so no two overlap and they alternate, and the sweep stops only once all
   * would. Its owner leaves it when the tier is done. Default: the sweep's own.
   */
  seat?: Seat;
}

/** A scenario a sweep can take: one load shape (its operation mix is offered at rising rates). */
export function sweepable(scenario: Scenario): scenario is SingleStreamScenario {
  return notSweptBecause(scenario) === null;
}

/** Why a scenario is not swept, in words; null when it is. */
export function notSweptBecause(scenario: Scenario): string | null {
  if (scenario.streams !== undefined) return `${scenario.name} has several load shapes (a sweep offers one mix at rising rates)`;
  // Every window of a sweep would inject the fault again, at a moment its short windows may not reach.
  if (scenario.actions?.some(isFault)) return `${scenario.name} injects faults (a sweep measures the steady state at each rate)`;
  return null;
}

/** The parts of a sweep plan a caller may shrink. */
export type SweepBudget = { -readonly [K in keyof typeof DEFAULT_SWEEP]: number };

/** The scenario at another constant rate, for one window. */
function atRate(scenario: SingleStreamScenario, rate: number, durationSec: number, warmupSec: number): SingleStreamScenario {
  const e = scenario.executor;
  const maxInFlight = e.kind === 'closed-loop' ? 10_000 : e.maxInFlight;
  // Enough connections for the rate at a few ms each; a closed loop's become the open model's.
  const connections = Math.max(e.connections, Math.min(256, Math.ceil(rate / 200)));
  return { ...scenario, executor: { kind: 'constant-arrival-rate', rate, durationSec, warmupSec, connections, maxInFlight: Math.max(maxInFlight, connections), timeoutMs: e.timeoutMs } };
}

const WARMUP_SLICE_S = 4;
const WARMUP_MAX_S = 60;

/**
 * Warm-up before the first step: slices at the start rate until p99 stops improving by more than
 * 5% (caches, pools, plans and compiled code warm), as perf:tiers warms until throughput stops
 * climbing. Returns its length in seconds.
 */
async function adaptiveWarmup(input: SweepInput, rate: number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  let spent = 0;
  while (spent < (input.warmupMaxSec ?? WARMUP_MAX_S) && !input.signal.aborted) {
    const out = await (input.seat ?? ownSeat).take(() => drive({ baseUrl: input.baseUrl, scenario: atRate(input.scenario, rate, WARMUP_SLICE_S, 0), seed: input.scenarioSeed + 1000 + spent, populations: input.populations, sessionSeed: input.sessionSeed, signal: input.signal }));
    spent += WARMUP_SLICE_S;
    const p99 = mergeEncoded(Object.values(out.operations).map((o) => o.latency.all.encoded)).getValueAtPercentile(99);
    input.log(`  sweep warm-up ${spent}s at ${rate} req/s: p99 ${(p99 / 1000).toFixed(1)} ms`);
    if (p99 >= best * 0.95) break;
    best = Math.min(best, p99);
  }
  return spent;
}

/** One sweep step from a measured window: the all-requests figures, SLO verdict and node CPU. */
async function step(input: SweepInput, rate: number, repeat: number, index: number, windowSec: number): Promise<{ step: SweepStep; appCpuShare: number }> {
  const appBefore = processTreeCpuSeconds(input.appPid) ?? 0;
  const { out, backends } = await measureWindow({ ...input, scenario: atRate(input.scenario, rate, windowSec, 1), scenarioSeed: input.scenarioSeed + 1 + index, progress: () => {} });
  const appCpuShare = ((processTreeCpuSeconds(input.appPid) ?? 0) - appBefore) / (windowSec + 1);
  const ops = Object.values(out.operations);
  const all = mergeEncoded(ops.map((o) => o.latency.all.encoded));
  const sum = (f: (c: (typeof ops)[number]['counts']) => number) => ops.reduce((n, o) => n + f(o.counts), 0);
  const scheduled = Math.max(1, sum((c) => c.scheduled));
  const has = all.totalCount > 0;
  const seconds = out.timing.measuredMs / 1000;
  const s: SweepStep = {
    rate,
    repeat,
    durationSec: windowSec,
    achievedRate: out.generator.achievedRate,
    p50Us: has ? all.getValueAtPercentile(50) : null,
    p99Us: has ? all.getValueAtPercentile(99) : null,
    p999Us: has ? all.getValueAtPercentile(99.9) : null,
    errorRate: sum((c) => c.errors + c.timeouts + c.unfinished) / scheduled,
    dropRate: sum((c) => c.dropped) / scheduled,
    holdsSlo: false,
    nodeCpu: Object.fromEntries(backends.postgres.map((n) => [n.node, n.cpuSeconds === null ? null : n.cpuSeconds / seconds])),
    generatorLimited: out.generator.limited,
    generatorLimitReasons: out.generator.limitReasons,
  };
  s.holdsSlo = holdsSlo(s, input.slo);
  const ms = (us: number | null) => (us === null ? '-' : (us / 1000).toFixed(1));
  input.log(`  sweep ${String(rate).padStart(6)} req/s: p99 ${ms(s.p99Us)} ms, errors ${(s.errorRate * 100).toFixed(2)}%, dropped ${(s.dropRate * 100).toFixed(2)}%: ${s.holdsSlo ? 'holds' : 'BREAKS'} the SLO${s.generatorLimited ? ` (generator limited: ${out.generator.limitReasons.join('; ')})` : ''}`);
  return { step: s, appCpuShare };
}

/** Which resource was nearest its limit at the first window that broke the SLO. */
function saturatedFirst(steps: ReadonlyArray<{ step: SweepStep; appCpuShare: number }>, quotas: Record<string, number | null>): string | null {
  const first = steps.find((s) => !s.step.holdsSlo) ?? steps[steps.length - 1];
  if (!first) return null;
  if (first.step.generatorLimited) return 'the load generator';
  const candidates: Array<[string, number]> = [['the app process CPU (one core)', first.appCpuShare]];
  for (const [node, cpu] of Object.entries(first.step.nodeCpu)) {
    const quota = quotas[node];
    if (cpu !== null && quota) candidates.push([`${node} CPU quota (${quota} CPU)`, cpu / quota]);
  }
  const [name, use] = candidates.sort((a, b) => b[1] - a[1])[0]!;
  return `${name}, ${(use * 100).toFixed(0)}% used at ${first.step.rate} req/s`;
}

/** What settles between windows: each PostgreSQL node against its quota, the app process tree against one core. */
function watchedCpus(input: SweepInput): WatchedCpu[] {
  const nodes = input.stack.nodes.flatMap((n): WatchedCpu[] => (n.cpuQuota ? [{ name: n.name, limitCpus: n.cpuQuota, cpuSeconds: () => nodeCpu(n).cpuSeconds }] : []));
  return [...nodes, { name: 'the app', limitCpus: 1, cpuSeconds: () => processTreeCpuSeconds(input.appPid) }];
}

/** The sweep of one scenario on one tier: adaptive warm-up, then the search for the knee. */
export async function sweepTrial(input: SweepInput): Promise<SweepResult> {
  const startRate = Math.max(10, Math.round(input.startRate ?? (offeredRateOf(input.scenario) ?? 200) / 2));
  const warmupSec = await adaptiveWarmup(input, startRate);
  const measured: Array<{ step: SweepStep; appCpuShare: number }> = [];
  const budget: SweepBudget = { ...DEFAULT_SWEEP, ...input.budget };
  const watched = watchedCpus(input);
  const seat = input.seat ?? ownSeat;
  const outcome = await runSweep({ slo: input.slo, startRate, maxRate: input.maxRate ?? 50_000, ...budget, signal: input.signal, mayStop: seat.mayStop }, async (rate, repeat) => {
    // The wait is part of the window's turn: what it left behind never runs in another tier's window.
    const m = await seat.take(async () => {
      const measuredStep = await step(input, rate, repeat, measured.length, budget.windowSec);
      const settled = await settle(watched, DEFAULT_SETTLE, undefined, input.signal);
      measuredStep.step.settleSec = settled.waitedSec;
      if (settled.busy) measuredStep.step.settleBusy = settled.busy;
      if (settled.waitedSec > 1 || !settled.quiet) input.log(`  sweep waited ${settled.waitedSec.toFixed(1)}s for the tier to fall quiet${settled.busy ? ` and gave up: ${settled.busy}` : ''}`);
      return measuredStep;
    });
    measured.push(m);
    return m.step;
  });
  input.log(`  sweep stopped: ${outcome.stoppedBecause}`);
  const quotas = Object.fromEntries(input.stack.nodes.map((n) => [n.name, n.cpuQuota ?? null]));
  return {
    slo: input.slo,
    steps: outcome.steps,
    maxSustainable: outcome.estimate,
    warmupSec,
    saturatedFirst: saturatedFirst(measured, quotas),
    stoppedBecause: outcome.stoppedBecause,
  };
}
