/**
 * results.json, schemaVersion 1: the contract between drive, report and gate.
 * Latencies are integer microseconds. Ids and other 64-bit values are strings.
 */
export const SCHEMA_VERSION = 1 as const;

export const PERCENTILES = [50, 75, 90, 95, 99, 99.9, 99.99] as const;
/** Keys of HistogramSummary.percentiles, e.g. "p50", "p99.9". */
export type PercentileKey = `p${(typeof PERCENTILES)[number]}`;

export interface HistogramSummary {
  count: number;
  minUs: number;
  meanUs: number;
  maxUs: number;
  percentilesUs: Record<PercentileKey, number>;
  /** HdrHistogram V2 compressed encoding, base64 (hdr-histogram-js encodeIntoCompressedBase64). */
  encoded: string;
}

export interface OperationCounts {
  /** Requests the schedule asked for in the measured window. scheduled = sent + dropped. */
  scheduled: number;
  sent: number;
  /** Not sent because maxInFlight requests were already outstanding at their intended time. */
  dropped: number;
  ok: number;
  /** Non-2xx answers and connection failures. ok + errors + timeouts + inFlightAtStop = sent. */
  errors: number;
  timeouts: number;
  inFlightAtStop: number;
  /** Answers by HTTP status ("200", "404", ...) or "network" for failures without a status. */
  byStatus: Record<string, number>;
}

export interface OperationResult {
  counts: OperationCounts;
  latency: {
    /** From the intended send time (no coordinated omission). OK answers only. */
    corrected: HistogramSummary;
    /** From the actual send time, kept beside it to show the difference. OK answers only. */
    uncorrected: HistogramSummary;
  };
}

export interface TimeseriesPoint {
  /** Seconds since the start of the measured window (0, 1, 2, ...). */
  second: number;
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  /** Corrected latency of OK answers completed in this second. null when none completed. */
  p50Us: number | null;
  p99Us: number | null;
  maxUs: number | null;
  /** Memcached get hit rate in this second from its own stats; null if no gets happened. */
  cacheHitRate: number | null;
}

export interface MemcachedDelta {
  getHits: number;
  getMisses: number;
  /** getHits / (getHits + getMisses) over the measured window; null if there were no gets. */
  hitRate: number | null;
  sets: number;
  deletes: number;
  evictions: number;
  currItemsAtEnd: number;
}

export interface RedisDelta {
  commandsProcessed: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  usedMemoryBytesAtEnd: number;
}

export interface PostgresNodeStats {
  node: string;
  role: string;
  /** Logical shards held, as "first-last" ranges. */
  shards: string;
  xactCommit: number;
  xactRollback: number;
  tupReturned: number;
  tupFetched: number;
  tupInserted: number;
  tupUpdated: number;
  tupDeleted: number;
  blksHit: number;
  blksRead: number;
  /** CPU seconds of the node's processes over the window, or null where it could not be read. */
  cpuSeconds: number | null;
  /** Replicas: WAL bytes not yet replayed at the end of the window. */
  replicaLagBytes: number | null;
  /** Replicas: seconds since the last replayed transaction committed, at the end of the window. */
  replicaLagSeconds: number | null;
}

export interface GeneratorStats {
  targetRate: number;
  achievedRate: number;
  scheduled: number;
  sent: number;
  dropped: number;
  cpuSeconds: number;
  /** Generator CPU as a share of one core over the window. */
  cpuShare: number;
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  saturated: boolean;
  /** Why the generator marked itself saturated; empty when not. */
  saturationReasons: string[];
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface LoadShape {
  executor: 'constant-arrival-rate';
  rate: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  maxInFlight: number;
  timeoutMs: number;
}

export interface Trial {
  tier: string;
  scenario: string;
  description: string;
  load: LoadShape;
  timing: {
    warmupStartedAt: string;
    measureStartedAt: string;
    measureEndedAt: string;
    measuredMs: number;
  };
  operations: Record<string, OperationResult>;
  timeseries: TimeseriesPoint[];
  backends: {
    memcached: MemcachedDelta;
    redis: RedisDelta;
    postgres: PostgresNodeStats[];
  };
  generator: GeneratorStats;
  checks: CheckResult[];
}

export interface ResultsFile {
  schemaVersion: typeof SCHEMA_VERSION;
  run: {
    id: string;
    startedAt: string;
    finishedAt: string;
    gitSha: string | null;
    command: string;
    seeds: { dataset: number; scenario: number };
  };
  environment: {
    cores: number;
    cpuModel: string;
    memoryBytes: number;
    os: string;
    node: string;
    stackProvider: string;
    servers: Record<string, string>;
    /** The node capacity model as applied, or "unconstrained: <why>" (DESIGN.md, node capacity model). */
    capacityModel: { applied: boolean; description: string; perNode?: { cpus: number; memoryBytes: number } };
  };
  dataset: {
    profile: string;
    seed: number;
    logicalShards: number;
    counts: Record<string, number>;
    seedSeconds: number;
    /** sha256 over every generated row (same profile and seed, same digest). */
    digest?: string;
    /** Where this run's data came from: seeded now, restored from a snapshot, or already on the stack. */
    source?: 'seeded' | 'snapshot' | 'stack';
  };
  trials: Trial[];
}
