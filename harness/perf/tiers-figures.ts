import type { PERF_TIERS } from '../config/perf-tiers-options.ts';
import type { Slo, SweepResult } from '../results/types.ts';
import { bootstrapRatio, type RatioInterval } from './ratio.ts';

export type Tier = (typeof PERF_TIERS)[number];
export type Workload = 'reads' | 'writes';

/** The sweeps the two ratios are made of. */
const RATIO_SWEEPS: Record<Workload, readonly Tier[]> = { reads: ['cache', 'replicas'], writes: ['cache', 'sharded'] };

/**
 * The tiers a workload is swept on: all of them, or with --ratios-only those its ratio needs, and
 * none when --tiers leaves out one of those (a lone sweep gives no ratio).
 */
export function tiersOf(workload: Workload, settings: { tiers: readonly Tier[]; ratiosOnly: boolean }): Tier[] {
  if (!settings.ratiosOnly) return [...settings.tiers];
  const needed = RATIO_SWEEPS[workload];
  return needed.every((t) => settings.tiers.includes(t)) ? [...needed] : [];
}

export const TARGETS = { replicasReadRatio: 1.7, shardedWriteRatio: 3 } as const;

/** A tier's figure for a workload: the sweep's maximum sustainable rate and its 95% interval. */
export interface Figure {
  rate: number;
  low: number;
  high: number;
  /** The SLO never broke: the rate is only a lower bound (give the sweep more windows). */
  lowerBound?: true;
}

/** What perf:tiers prints as its last stdout line. */
export interface TiersFigures {
  /** CPU quota per PostgreSQL node, per workload. */
  nodeCpus: Record<Workload, number>;
  nodeMemoryBytes: number;
  profile: string;
  /** The SLO of each comparison (both tiers of a ratio are held to the same one). */
  slo: Record<Workload, Slo>;
  readsPerSec: Partial<Record<Tier, Figure | null>>;
  writesPerSec: Partial<Record<Tier, Figure | null>>;
  /** replicas / cache, uncached reads; null without both sweeps or a sustainable rate in each. */
  replicasReadRatio: RatioInterval | null;
  /** sharded / cache, new likes. */
  shardedWriteRatio: RatioInterval | null;
  targets: typeof TARGETS;
  wallSec: number;
}

export type SweepsByTier = Partial<Record<Tier, Partial<Record<Workload, Pick<SweepResult, 'steps' | 'maxSustainable'>>>>>;

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** The windows a sweep's estimate was made from: generator-limited ones never count. */
export const judgedWindows = (sweep: Pick<SweepResult, 'steps'>) => sweep.steps.filter((s) => !s.generatorLimited);

/** A sweep's figure, rounded; null when no rate held the SLO. */
export function figureOf(sweep: Pick<SweepResult, 'maxSustainable'>): Figure | null {
  const e = sweep.maxSustainable;
  if (!e) return null;
  return { rate: round(e.rate, 1), low: round(e.low, 1), high: round(e.high, 1), ...(e.lowerBound ? { lowerBound: true as const } : {}) };
}

function ratioOf(sweeps: SweepsByTier, workload: Workload, numerator: Tier, slo: Slo): RatioInterval | null {
  const a = sweeps[numerator]?.[workload];
  const b = sweeps.cache?.[workload];
  if (!a || !b) return null;
  const r = bootstrapRatio(judgedWindows(a), judgedWindows(b), slo);
  if (!r) return null;
  // A sweep without a knee holds at least its figure: the ratio is then only a bound, or unknown.
  const bound = a.maxSustainable?.lowerBound ? (b.maxSustainable?.lowerBound ? 'unknown' : 'at least') : b.maxSustainable?.lowerBound ? 'at most' : undefined;
  return { ratio: round(r.ratio, 3), low: round(r.low, 3), high: round(r.high, 3), ...(bound ? { bound } : {}) };
}

/** The figures of one comparison from its sweeps (by tier, then workload). */
export function tiersFigures(settings: { nodeCpus: Record<Workload, number>; nodeMemoryBytes: number; profile: string; slo: Record<Workload, Slo> }, sweeps: SweepsByTier, wallSec: number): TiersFigures {
  const figures = (w: Workload) =>
    Object.fromEntries(Object.entries(sweeps).flatMap(([tier, byWorkload]) => (byWorkload?.[w] ? [[tier, figureOf(byWorkload[w])]] : []))) as Partial<Record<Tier, Figure | null>>;
  return {
    nodeCpus: settings.nodeCpus,
    nodeMemoryBytes: settings.nodeMemoryBytes,
    profile: settings.profile,
    slo: settings.slo,
    readsPerSec: figures('reads'),
    writesPerSec: figures('writes'),
    replicasReadRatio: ratioOf(sweeps, 'reads', 'replicas', settings.slo.reads),
    shardedWriteRatio: ratioOf(sweeps, 'writes', 'sharded', settings.slo.writes),
    targets: TARGETS,
    wallSec: Math.round(wallSec),
  };
}
