import { summarize, newHistogram } from '../metrics/histograms.ts';
import {
  SCHEMA_VERSION,
  type ErrorClass,
  type GeneratorStats,
  type HistogramSummary,
  type OperationCounts,
  type OperationResult,
  type ResultsFile,
  type TimeseriesPoint,
  type Trial,
} from './types.ts';

/** What a version 1 file held where version 2 differs (everything else is the same). */
interface V1Counts {
  scheduled: number;
  sent: number;
  dropped: number;
  ok: number;
  errors: number;
  timeouts: number;
  inFlightAtStop: number;
  byStatus: Record<string, number>;
}
interface V1Operation {
  counts: V1Counts;
  latency: { corrected: HistogramSummary; uncorrected: HistogramSummary };
}
interface V1Point {
  second: number;
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  p50Us: number | null;
  p99Us: number | null;
  maxUs: number | null;
  cacheHitRate: number | null;
}
interface V1Generator {
  targetRate: number;
  achievedRate: number;
  scheduled: number;
  sent: number;
  dropped: number;
  cpuSeconds: number;
  cpuShare: number;
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  saturated: boolean;
  saturationReasons: string[];
}
type V1Trial = Omit<Trial, 'operations' | 'timeseries' | 'generator' | 'backends' | 'events' | 'timing'> & {
  operations: Record<string, V1Operation>;
  timeseries: V1Point[];
  generator: V1Generator;
  backends: Omit<Trial['backends'], 'series' | 'shardWrites'>;
  timing: Omit<Trial['timing'], 'drainMs'>;
};

export class ResultsVersionError extends Error {}

/** "503" -> "5xx"; "network" stays. */
export function errorClassOf(statusKey: string): ErrorClass | null {
  if (statusKey === 'network') return 'network';
  const n = Number(statusKey);
  if (!Number.isInteger(n) || n < 100 || n > 599) return null;
  return `${Math.floor(n / 100)}xx` as ErrorClass;
}

function upgradeCounts(c: V1Counts, okStatuses: ReadonlySet<string>): OperationCounts {
  const errorsByClass: OperationCounts['errorsByClass'] = {};
  for (const [key, n] of Object.entries(c.byStatus)) {
    const cls = okStatuses.has(key) ? null : errorClassOf(key);
    if (cls) errorsByClass[cls] = (errorsByClass[cls] ?? 0) + n;
  }
  return { scheduled: c.scheduled, sent: c.sent, dropped: c.dropped, ok: c.ok, errors: c.errors, errorsByClass, timeouts: c.timeouts, unfinished: c.inFlightAtStop, byStatus: c.byStatus };
}

function upgradeOperation(op: V1Operation): OperationResult {
  // Version 1 counted an answer OK by its status; 2xx ones are the OK ones in every v1 scenario.
  const okStatuses = new Set(Object.keys(op.counts.byStatus).filter((k) => /^2\d\d$/.test(k)));
  return {
    counts: upgradeCounts(op.counts, okStatuses),
    // Version 1 kept OK answers only: its "all requests" view is that, and says so (upgradedFrom).
    latency: { all: op.latency.corrected, ok: op.latency.corrected, okUncorrected: op.latency.uncorrected },
    perSecond: [],
  };
}

function upgradePoint(p: V1Point): TimeseriesPoint {
  return { ...p, dropped: p.scheduled - p.sent, timeouts: 0, unfinished: 0, answered: p.ok + p.errors, p999Us: null };
}

function upgradeGenerator(g: V1Generator, measuredMs: number): GeneratorStats {
  return {
    targetRate: g.targetRate,
    achievedRate: g.achievedRate,
    scheduled: g.scheduled,
    sent: g.sent,
    dropped: g.dropped,
    elapsedMs: measuredMs,
    workers: 1,
    sendLateness: summarize(newHistogram()),
    eventLoopDelayP99Ms: g.eventLoopLagP99Ms,
    eventLoopDelayMaxMs: g.eventLoopLagMaxMs,
    cpuSeconds: g.cpuSeconds,
    cpuShare: g.cpuShare,
    workerUtilization: [],
    limited: g.saturated,
    limitReasons: g.saturationReasons,
  };
}

function upgradeTrial(t: V1Trial): Trial {
  const operations = Object.fromEntries(Object.entries(t.operations).map(([name, op]) => [name, upgradeOperation(op)]));
  return {
    ...t,
    timing: { ...t.timing, drainMs: 0 },
    operations,
    timeseries: t.timeseries.map(upgradePoint),
    generator: upgradeGenerator(t.generator, t.timing.measuredMs),
    backends: { ...t.backends, series: [], shardWrites: {} },
    events: [],
  };
}

/**
 * Any results file this version can read, as the current schema. Version 1 files are upgraded
 * (what they did not measure is left empty, and `upgradedFrom` says so); newer ones are refused.
 */
export function upgradeResults(data: unknown): ResultsFile {
  const version = typeof data === 'object' && data !== null ? (data as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (version === SCHEMA_VERSION) return data as ResultsFile;
  if (version === 1) {
    const v1 = data as Omit<ResultsFile, 'schemaVersion' | 'trials'> & { trials: V1Trial[] };
    return { ...v1, schemaVersion: SCHEMA_VERSION, upgradedFrom: 1, trials: v1.trials.map(upgradeTrial) };
  }
  throw new ResultsVersionError(`not a tierbench results file this version reads (schemaVersion ${JSON.stringify(version)}; accepted: 1, ${SCHEMA_VERSION})`);
}
