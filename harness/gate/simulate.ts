/**
 * Seeded synthetic gate runs, to measure the gate's false-fail rate and power before it ever
 * runs on real trials. Deterministic: the same spec and seed give the same trials.
 *
 * Noise model of one trial's metric (log scale), for a trial at position pos = 0..3 of block b:
 *   ln(value) = ln(base) + dir·(drift_b + trend_b·(pos − 1.5)) + σ·(√c·z_trial·dir + √(1−c)·z) + dir·ln(1 + s)·[B]
 * dir = +1 for latency, −1 for throughput (what slows latency down lowers throughput); drift_b is
 * shared by the four trials of a block (another job on the machine), trend_b a drift within it;
 * z_trial is shared by the metrics of a trial (a slow trial is slow everywhere), z is the metric's
 * own; s is the candidate's slowdown. Latencies are rounded to 3 significant digits like HDR
 * buckets, so equal values (zero log-ratios) and ties happen as they do in real results.
 */
import { createRng, type Rng } from '../drive/rng.ts';
import type { FlatMetrics } from '../thresholds/metrics.ts';
import type { GateConfig } from './config.ts';
import { evaluateGate, type GateReport, type ScenarioTrials } from './gate.ts';
import { RATIO_METRICS, type RatioMetricName } from './metrics.ts';
import { normalFromUniforms } from './normal.ts';
import type { AbbaBlock } from './pairs.ts';

export interface NoiseModel {
  /** Per-trial log-scale standard deviation of each simulated ratio metric (others are absent). */
  trialSigma: Partial<Record<RatioMetricName, number>>;
  /** Each metric's typical value (µs for latency, requests per second for throughput). */
  base: Partial<Record<RatioMetricName, number>>;
  /** Log-scale standard deviation of the drift shared by the four trials of a block. */
  blockDriftSigma: number;
  /** Log-scale standard deviation of the per-trial linear trend within a block. */
  trendSigma: number;
  /** Share of each metric's trial variance common to all metrics of the trial (0..1). */
  commonShare: number;
}

/**
 * Noise as seen on a shared 2-core CI machine, trial to trial (30 s trials, fresh app process):
 * throughput ±3%, p50 ±5%, p90 ±8%, p99 ±15% (one standard deviation), a ±10% drift shared by a
 * block, a ±2% per-trial trend inside it, half the variance shared across a trial's metrics.
 */
export const REALISTIC_NOISE: NoiseModel = {
  trialSigma: { throughput: 0.03, p50: 0.05, p90: 0.08, p99: 0.15 },
  base: { throughput: 500, p50: 2_000, p90: 5_000, p99: 20_000 },
  blockDriftSigma: 0.1,
  trendSigma: 0.02,
  commonShare: 0.5,
};

export interface SimulationSpec {
  scenarios: readonly string[];
  abbaBlocks: number;
  /** The candidate's slowdown s: latency × (1 + s), throughput ÷ (1 + s); 0 for an A/A run. */
  slowdown: number;
  noise: NoiseModel;
  /**
   * The slowdown moves latency only, throughput stays (an open-model trial below saturation
   * completes what it is offered); default false: throughput drops by 1 / (1 + s) too.
   */
  latencyOnly?: boolean;
  /** Mean errors per trial (Poisson) in both versions; 0 (default) for a healthy app. */
  errorsPerTrial?: number;
}

const normal = (rng: Rng): number => normalFromUniforms(rng.nextFloat(), rng.nextFloat());

/** Rounds to 3 significant digits, like an HDR histogram bucket value. */
function hdrRound(x: number): number {
  const step = 10 ** Math.max(0, Math.floor(Math.log10(x)) - 2);
  return Math.round(x / step) * step;
}

/** Knuth's Poisson sampler (small means). */
function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.nextFloat(); p > limit; p *= rng.nextFloat()) k++;
  return k;
}

function simulateTrial(rng: Rng, spec: SimulationSpec, shift: number, candidate: boolean): FlatMetrics {
  const { noise } = spec;
  const common = normal(rng);
  const out: FlatMetrics = { 'errors.count': poisson(rng, spec.errorsPerTrial ?? 0), 'timeouts.count': 0, 'dropped.count': 0 };
  for (const metric of RATIO_METRICS) {
    const sigma = noise.trialSigma[metric.name];
    const base = noise.base[metric.name];
    if (sigma === undefined || base === undefined) continue;
    const dir = metric.worseWhen === 'higher' ? 1 : -1;
    const own = Math.sqrt(noise.commonShare) * common * dir + Math.sqrt(1 - noise.commonShare) * normal(rng);
    const slowed = candidate && !(spec.latencyOnly && dir < 0);
    const log = Math.log(base) + dir * shift + sigma * own + (slowed ? dir * Math.log(1 + spec.slowdown) : 0);
    out[metric.key] = dir > 0 ? hdrRound(Math.exp(log)) : Math.exp(log);
  }
  return out;
}

function simulateBlock(rng: Rng, spec: SimulationSpec): AbbaBlock {
  const drift = spec.noise.blockDriftSigma * normal(rng);
  const trend = spec.noise.trendSigma * normal(rng);
  const at = (pos: number, candidate: boolean): FlatMetrics => simulateTrial(rng, spec, drift + trend * (pos - 1.5), candidate);
  return { a1: at(0, false), b1: at(1, true), b2: at(2, true), a2: at(3, false) };
}

/** One simulated gate run: every scenario's ABBA blocks. */
export function simulateRuns(rng: Rng, spec: SimulationSpec): ScenarioTrials[] {
  return spec.scenarios.map((scenario) => ({ scenario, blocks: Array.from({ length: spec.abbaBlocks }, () => simulateBlock(rng, spec)) }));
}

/**
 * Simulates and decides `count` independent gates.
 * @param seed seeds the whole sequence (stream "gate-simulation")
 */
export function simulateGates(config: GateConfig, spec: SimulationSpec, count: number, seed: number): GateReport[] {
  const rng = createRng(seed, 'gate-simulation');
  return Array.from({ length: count }, () => evaluateGate(config, simulateRuns(rng, spec)));
}

/** Share of reports with the given overall verdict. */
export function verdictRate(reports: readonly GateReport[], verdict: GateReport['verdict']): number {
  return reports.filter((r) => r.verdict === verdict).length / reports.length;
}
