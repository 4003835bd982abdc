/**
 * results.json, schemaVersion 2: the contract between drive, report and gate.
 * Latencies are integer microseconds. Ids and other 64-bit values are strings.
 * Readers take version 1 files through upgradeResults (results/upgrade.ts).
 *
 * Changes from version 1:
 * - every scheduled request has one outcome (ok, error by status class, timeout, dropped,
 *   unfinished) and counts in the all-requests corrected histogram (`latency.all`);
 * - per operation, encoded histograms per outcome class and second (`perSecond`), from which
 *   the timeseries is derived;
 * - the generator's own send lateness as a histogram, its workers and the evidence it was limited;
 * - backends sampled every second (`backends.series`) with window deltas from those samples.
 */
export const SCHEMA_VERSION = 2 as const;

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

/**
 * How a scheduled request ended. Errors are classed by HTTP status ("4xx", "5xx", ...; a status
 * outside the operation's okStatuses) or "network" (no status: refused, reset).
 */
export type OutcomeClass = 'ok' | 'timeout' | 'dropped' | 'unfinished' | ErrorClass;
export type ErrorClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'network';
export const ERROR_CLASSES: readonly ErrorClass[] = ['4xx', '5xx', 'network', '1xx', '2xx', '3xx'];
export const OUTCOME_CLASSES: readonly OutcomeClass[] = ['ok', ...ERROR_CLASSES, 'timeout', 'dropped', 'unfinished'];

export interface OperationCounts {
  /** Requests the schedule asked for in the measured window. scheduled = sent + dropped. */
  scheduled: number;
  /** Handed to the HTTP client. sent = ok + errors + timeouts + unfinished. */
  sent: number;
  /**
   * Not sent: maxInFlight requests (on connections or waiting for one) were outstanding at their
   * intended time. Overload protection; the system under test did not keep up.
   */
  dropped: number;
  ok: number;
  /** Answers outside okStatuses and connection failures; by class in errorsByClass. */
  errors: number;
  errorsByClass: Partial<Record<ErrorClass, number>>;
  /** No complete answer within timeoutMs of the intended send (waiting for a connection included). */
  timeouts: number;
  /** Sent, and neither answered nor timed out when the trial stopped (only when interrupted). */
  unfinished: number;
  /** Answers by HTTP status ("200", "404", ...), "network" and "timeout". */
  byStatus: Record<string, number>;
  /** OK answers without what the operation expects in them (operation.expect): stale reads. */
  expectFailed?: number;
  /**
   * Follow-ups of this operation that were not issued (absent when none), by reason in skippedBy.
   * Not part of scheduled: a skipped follow-up never came due. For an operation issued only as a
   * follow-up, scheduled + skipped = the scheduled requests of the operations that name it in
   * `then` (each as often as it names it): none vanishes.
   */
  skipped?: number;
  skippedBy?: Partial<Record<FollowUpSkipReason, number>>;
}

/**
 * Why a follow-up was not issued: its parent did not end OK (error, timeout, dropped, unfinished);
 * the parent's answer lacked a value the follow-up uses; it was due after the end of the window; or
 * the run was interrupted before it was due.
 */
export type FollowUpSkipReason = 'parentFailed' | 'captureMissing' | 'afterWindow' | 'stopped';
export const FOLLOW_UP_SKIP_REASONS: readonly FollowUpSkipReason[] = ['parentFailed', 'captureMissing', 'afterWindow', 'stopped'];

export interface OperationResult {
  counts: OperationCounts;
  latency: {
    /**
     * Every scheduled request, from its intended send time: answers and timeouts at their latency,
     * a dropped or unfinished request at the time it had waited (at least). Leads every report.
     */
    all: HistogramSummary;
    /** OK answers only, from the intended send time (no coordinated omission). */
    ok: HistogramSummary;
    /** OK answers only, from the actual socket write: kept beside `ok` to show the difference. */
    okUncorrected: HistogramSummary;
  };
  /**
   * perSecond[s][class]: encoded corrected histogram of the requests due in second s of the window
   * (by intended time) that ended in that outcome class. Merge them for any view; never average.
   */
  perSecond: Array<Partial<Record<OutcomeClass, string>>>;
}

/** Derived from the per-second histograms (by intended second) and the answers' arrival times. */
export interface TimeseriesPoint {
  /** Seconds since the start of the measured window (0, 1, 2, ...). */
  second: number;
  /** Requests due in this second, and how they ended. */
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  unfinished: number;
  /** Answers (any status) that arrived during this second: the throughput the app delivered. */
  answered: number;
  /** All-requests corrected latency of the requests due in this second; null when none. */
  p50Us: number | null;
  p99Us: number | null;
  p999Us: number | null;
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
  /** Statements the node executed (pg_stat_statements, exact); null where it is not loaded. */
  queries?: number | null;
  /** Of those, INSERT, UPDATE and DELETE statements. */
  writes?: number | null;
  /** CPU seconds of the node's processes over the window, or null where it could not be read. */
  cpuSeconds: number | null;
  /** Where cpuSeconds came from: the node's cgroup (exact) or a /proc scan (misses exited backends). */
  cpuSource?: 'cgroup' | 'proc' | null;
  /** The node's CPU quota in CPUs under the capacity model, or null when unconstrained. */
  cpuQuota?: number | null;
  /** Replicas: WAL bytes not yet replayed at the end of the window. */
  replicaLagBytes: number | null;
  /** Replicas: seconds since the last replayed transaction committed, at the end of the window. */
  replicaLagSeconds: number | null;
}

/** One backend sample's change over one second of the measured window. */
export interface BackendSecond {
  second: number;
  memcached: { getHits: number; getMisses: number; evictions: number; hitRate: number | null } | null;
  redis: { commands: number; keyspaceHits: number; keyspaceMisses: number; usedMemoryBytes: number } | null;
  /** By node name. */
  postgres: Record<string, { commits: number; rows: number; blksHit: number; blksRead: number; queries: number | null; writes: number | null; cpuSeconds: number | null; replicaLagBytes: number | null; replicaLagSeconds: number | null }>;
  /** Fan-out jobs waiting and being worked on at the end of the second. */
  queue: { waiting: number; active: number } | null;
}

export interface GeneratorStats {
  /** The open model's offered rate (for a ramp, the mean over the window); null for a closed loop. */
  targetRate: number | null;
  /** Requests the generator handed to the HTTP client over the time it actually took to do so. */
  achievedRate: number;
  scheduled: number;
  sent: number;
  dropped: number;
  /** From the window's start until the generator had issued its last request (not the nominal window). */
  elapsedMs: number;
  /** Generator threads that ran the schedule, each a slice of it. */
  workers: number;
  /** Intended send time to the moment the generator issued the request: the generator's own delay. */
  sendLateness: HistogramSummary;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** CPU seconds of the generator's process over the window (all its threads). */
  cpuSeconds: number;
  /** cpuSeconds as a share of one core over the window. */
  cpuShare: number;
  /** Event-loop utilization of each generator worker over the window (1 = never idle). */
  workerUtilization: number[];
  /** True when the evidence about the generator itself says it could not keep the schedule. */
  limited: boolean;
  /** That evidence, in words; empty when not limited. */
  limitReasons: string[];
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** What an executor (a trial's, or one stream's) offered besides its rate. */
export interface ExecutorShape {
  /** The measured window (a ramp: the sum of its stages). */
  durationSec: number;
  /** Warm-up before the window. */
  warmupSec: number;
  connections: number;
  maxInFlight: number;
  timeoutMs: number;
  /** Ramps only: the rate at the start (and during warm-up), then each stage's length and end rate. */
  startRate?: number;
  stages?: Array<{ durationSec: number; targetRate: number }>;
}

/** One stream of a multi-stream trial: its executor and where it sits in the window. */
export interface StreamShape extends ExecutorShape {
  name: string;
  executor: 'constant-arrival-rate' | 'ramping-arrival-rate';
  /** The constant rate, or a ramp's mean offered rate over its own window. */
  rate: number;
  /** Seconds into the measured window at which the stream's own window starts. */
  startSec: number;
  /** The stream's operations (names in the trial's operations map). */
  operations: string[];
}

/**
 * A trial's load. Several streams: durationSec runs until the last ends, warmupSec is the longest,
 * connections and maxInFlight are summed, timeoutMs is the longest.
 */
export interface LoadShape extends ExecutorShape {
  executor: 'constant-arrival-rate' | 'ramping-arrival-rate' | 'closed-loop' | 'multi-stream';
  /**
   * Offered arrival rate over the window: the constant rate; for a ramp, its mean (requests offered
   * / durationSec); for several streams, all their requests / durationSec; null for a closed loop
   * (its latency is from the actual send: uncorrected).
   */
  rate: number | null;
  /** Multi-stream trials only: each stream's shape. */
  streams?: StreamShape[];
}

/** Something that happened at a moment of the window (a flush, a fault), marked on every chart. */
export interface TrialEvent {
  /** Seconds since the start of the measured window. */
  atSecond: number;
  kind: string;
  label: string;
}

/** The SLO a sweep holds a scenario to (DESIGN.md, measurement rule 9). */
export interface Slo {
  /** p99 of all requests (corrected) must stay under this. */
  p99Ms: number;
  /** Share of requests that may end in an error or a timeout (0.01 = 1%). */
  errorBudget: number;
  /** Share of requests that may be dropped at maxInFlight. */
  dropBudget: number;
}

/** One open-model window of a sweep at one offered rate. */
export interface SweepStep {
  /** Offered (target) rate, requests per second. */
  rate: number;
  /** Repetition of this rate (0, 1, ...): windows near the knee are repeated. */
  repeat: number;
  durationSec: number;
  achievedRate: number;
  p50Us: number | null;
  p99Us: number | null;
  p999Us: number | null;
  errorRate: number;
  dropRate: number;
  holdsSlo: boolean;
  /** CPU seconds per second of each PostgreSQL node over the window, by node name. */
  nodeCpu: Record<string, number | null>;
  /** The generator's own evidence for this window. */
  generatorLimited: boolean;
  /** Why it was called limited (harness/drive/monitor.ts); absent in results written before it was recorded. */
  generatorLimitReasons?: string[];
  /**
   * Seconds the sweep waited after this window for the tier's nodes and the app to fall quiet
   * (harness/sweep/settle.ts), and what was still busy when it gave up waiting; absent in results
   * written before the wait was added.
   */
  settleSec?: number;
  settleBusy?: string;
}

/** What a sweep found: the highest offered rate that holds the SLO, with an interval. */
export interface SweepResult {
  slo: Slo;
  steps: SweepStep[];
  /** null when not even the lowest rate held the SLO. */
  /** lowerBound: no window above the rate broke the SLO, so the tier holds at least this much. */
  maxSustainable: { rate: number; low: number; high: number; method: string; lowerBound?: true } | null;
  /** Adaptive warm-up before the first step, and its length. */
  warmupSec: number;
  /** Which resource saturated first at the knee: "app CPU", "pg-shard-2 CPU quota", "generator", ... */
  saturatedFirst: string | null;
  /** Why the search stopped where it did, in words (absent in files written before it was kept). */
  stoppedBecause?: string;
}

/**
 * Fan-out on write, for scenarios with uploads: how long until an upload reached every follower's
 * feed. Optional: filled where the trial tracked its uploads' fan-out.
 */
export interface TrialFanout {
  /** Per tracked upload: from its answer to the moment it was in every follower's feed, microseconds. */
  lag: HistogramSummary;
  /** Uploads whose fan-out was tracked (their lag is in `lag`, unless incomplete). */
  uploads: number;
  /** Of those, uploads not yet in every follower's feed when the trial stopped waiting (not in `lag`). */
  incomplete: number;
}

/** A PostgreSQL node's statements and CPU seconds per second over some seconds, and over the seconds before them. */
export interface NodeLoad {
  node: string;
  queriesPerSecBefore: number | null;
  queriesPerSec: number | null;
  cpuPerSecBefore: number | null;
  cpuPerSec: number | null;
}

/** After a cache flush in the window: how long the cache took to recover, and what the spike cost. */
export interface CacheRecovery {
  /** When the flush happened, seconds into the window. */
  atSecond: number;
  /** Memcached get hit rate over the seconds before the flush. */
  hitRateBefore: number | null;
  /** Seconds from the flush until the per-second hit rate was back to 90% of hitRateBefore; null if never in the window. */
  recoverySec: number | null;
  /** Over the spike (the flush's second until recovery, or the window's end). */
  spike: {
    fromSecond: number;
    toSecond: number;
    /** All requests due in the spike's seconds, p99 (corrected), µs. */
    p99Us: number | null;
    /** Per PostgreSQL node: statements and CPU seconds per second, during the spike and before it. */
    nodes: NodeLoad[];
  };
}

/** Requests due in some seconds of a fault (by intended second), and how they ended. */
export interface FaultRequests {
  /** Seconds of the window counted, first and last (inclusive); null when none. */
  seconds: [number, number] | null;
  scheduled: number;
  ok: number;
  /** Answers outside okStatuses and connection failures (dropped requests count here too). */
  errors: number;
  timeouts: number;
  /** Per operation: only operations with requests in those seconds. */
  byOperation: Record<string, { scheduled: number; ok: number; errors: number; timeouts: number; errorsByClass: Partial<Record<ErrorClass, number>> }>;
}

/** A Redis restart: what came back, measured just before the stop and once it answered again. */
export interface RedisRestart {
  /** The persistence the server ran with when stopped (`appendonly everysec`, or `none`). */
  persistence: string;
  keysBefore: number | null;
  keysAfter: number | null;
  /** Fan-out jobs waiting and being worked on. */
  queueBefore: { waiting: number; active: number } | null;
  queueAfter: { waiting: number; active: number } | null;
  /** Of a sample of seeded users: how many had a session, a built home feed and a follower counter, before and after. */
  sample: { users: number; sessions: [number, number]; feeds: [number, number]; followerCounters: [number, number] } | null;
}

/** A fan-out worker killed: the jobs it held and what became of them (read after the trial). */
export interface WorkerKill {
  pid: number;
  /** Jobs it was working on when killed; 0 when it held none within the wait (midJob false). */
  jobsHeld: number;
  midJob: boolean;
  /** Of those, finished after the kill (by another worker, once the lock expired: bullmq's stalled-job check). */
  jobsFinished: number;
  /** Seconds from the kill until the last of them finished; null when none held or one never finished. */
  lastFinishedAfterSec: number | null;
  /** The replacement's pid; null if it did not start. */
  replacementPid: number | null;
}

/**
 * A fault injected in the window (a scenario's timed action: a node stopped or killed, a worker
 * killed, replication paused) and what it cost: the outage, requests during and after it, the
 * recovery. Times are seconds into the measured window.
 */
export interface TrialFault {
  /** The action: stop-node, kill-node, kill-worker, pause-replication. */
  kind: string;
  /** What it acted on: a node's name, "fan-out worker", "replication". */
  target: string;
  /** The signal sent, the replay paused. */
  startedAt: number;
  /** The node answering again, the replacement worker ready, replay resumed; null if it never came back. */
  endedAt: number | null;
  /** endedAt − startedAt. */
  outageSec: number | null;
  /** A node started again: from its start to its answering (Redis loading its file, PostgreSQL recovering). */
  startupSec?: number | null;
  /** Requests due from startedAt's second to endedAt's. */
  during: FaultRequests;
  /** Requests due after endedAt's second to the window's end. */
  after: FaultRequests;
  /**
   * Seconds from endedAt to the end of the last second in which over 1% of the requests due failed
   * (errors or timeouts); 0 when none did after it; null when the window ended still failing.
   */
  errorsRecoveredSec: number | null;
  /** Per PostgreSQL node: statements and CPU seconds per second over the fault's whole seconds against the 5 s before it. */
  nodes: NodeLoad[];
  /** Memcached get hit rate over the 5 s before the fault, and the seconds from endedAt until a second's was back to 90% of it (null: not in the window). */
  cache?: { hitRateBefore: number | null; recoverySec: number | null };
  /** A replica stopped or killed: when app reads reached it again, its lag then, when its lag was under 1 MiB again. */
  replica?: { rejoinedAt: number | null; lagBytesAtRejoin: number | null; caughtUpAt: number | null };
  /** Replication paused: the largest lag of a replica during the pause, when every replica was under 1 MiB again, and stale reads by operation with an expectation (counts.expectFailed) over the window. */
  replication?: { maxLagBytes: number | null; maxLagSeconds: number | null; caughtUpAt: number | null; staleReads: Record<string, { ok: number; stale: number }> };
  redis?: RedisRestart;
  worker?: WorkerKill;
  /** The action failed (a node that would not start again): why. */
  error?: string;
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
    /** After the window: how long answers to requests due in it were still awaited. */
    drainMs: number;
  };
  operations: Record<string, OperationResult>;
  timeseries: TimeseriesPoint[];
  backends: {
    memcached: MemcachedDelta;
    redis: RedisDelta;
    postgres: PostgresNodeStats[];
    /** Once a second over the measured window, off the generator's event loop. */
    series: BackendSecond[];
    /** Write statements per logical shard schema over the window ("s0003" -> n): the skew. */
    shardWrites: Record<string, number>;
  };
  generator: GeneratorStats;
  events: TrialEvent[];
  checks: CheckResult[];
  /** The scenario's thresholds as evaluated at the end of the trial (absent when it has none). */
  thresholds?: CheckResult[];
  /** Where the trial ran a sweep (bench run --sweep): its steps and maximum sustainable rate. */
  sweep?: SweepResult;
  /** Where the scenario uploads: fan-out lag over the window. */
  fanout?: TrialFanout;
  /** Where the scenario flushed the cache in the window: the recovery and the spike. */
  cacheRecovery?: CacheRecovery;
  /** Where the scenario injected faults (a node stopped, a worker killed, ...): each, with outage and recovery. */
  faults?: TrialFault[];
  /** The app as it ran: server processes behind its port, fan-out worker processes, cache TTL. */
  app?: { processes: number; fanoutWorkers: number; cacheTtlSec: number; readYourWrites?: 'writer-pinned' | 'none' };
  /** Where this tier's data came from (tiers of one run may differ: one seeded, one restored). */
  datasetSource?: 'seeded' | 'snapshot' | 'stack';
}

/** A maximum sustainable rate with its interval; lowerBound: the sweep found no knee above it. */
export interface Sustainable {
  rate: number;
  low: number;
  high: number;
  lowerBound?: true;
}

/** One row of the headline: a tier's figures for one scenario. */
export interface HeadlineRow {
  tier: string;
  scenario: string;
  /** Highest offered rate holding the SLO, with its interval; null when no rate swept held it. */
  maxSustainable: Sustainable | null;
  /** Latency at the common rate (the scenario's own rate, run on every tier), all requests, corrected. */
  atCommonRate: { p50Us: number; p99Us: number; p999Us: number } | null;
  errorRate: number;
  cacheHitRate: number | null;
  checksPassed: boolean;
}

/** The answer of a multi-tier run: how much load each tier holds under the SLO, for scenarios swept on every tier that ran them. */
export interface Headline {
  slo: Slo;
  /** By scenario: the scenario's own rate where every tier ran the same (else null), at which latencies are compared. */
  commonRate: Record<string, number | null>;
  rows: HeadlineRow[];
  /** One sentence per scenario naming the winner and by how much. */
  sentences: string[];
}

export interface ResultsFile {
  schemaVersion: typeof SCHEMA_VERSION;
  /** Set when this was read from an older file: what that version did not measure is absent. */
  upgradedFrom?: number;
  run: {
    id: string;
    startedAt: string;
    finishedAt: string;
    gitSha: string | null;
    command: string;
    seeds: { dataset: number; scenario: number };
    /** The resolved configuration (flags, BENCH_* variables, --config file, defaults) and the app's settings. */
    config?: Record<string, unknown>;
    /** True when the working tree had uncommitted changes. */
    gitDirty?: boolean;
    /** The machine's 1-minute load average at the start and the end of the run (it is shared). */
    loadAverage?: { start: number; end: number };
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
  /** Multi-tier runs: the headline (DESIGN.md, results file). */
  headline?: Headline;
}
