/** Scenarios are data: an operation mix, key distributions and a load shape (executor). */

export type KeyDistribution =
  /**
   * Zipf popularity, P(rank r) proportional to (r+1)^-theta, exact for any theta >= 0 (0 is
   * uniform; 0.99 is YCSB's default; theta >= 1 is steeper). Scrambled: the hot ranks are scattered
   * over the id space by a fixed permutation, not the first (oldest) ids.
   */
  | { kind: 'zipf'; population: Population; theta: number }
  | { kind: 'uniform'; population: Population }
  /**
   * Every key once before any key twice: a walk through a fixed scattered permutation of the
   * population (zipf's scrambler) from a random start, wrapping after n draws. YCSB's sequential
   * order, scattered over the id space. A read that must miss a cache flushed at the window's start
   * stays a miss whatever the rate (uniform draws repeat: at r req/s for w s over n keys about
   * r·w/2n of them hit).
   */
  | { kind: 'shuffled'; population: Population }
  /**
   * The newest ids, skewed toward the newest (YCSB's "latest": Zipf over recency). The populations
   * are in creation order, newest last, so rank 0 is the last id, rank 1 the one before, ...
   */
  | { kind: 'latest'; population: Population; theta: number }
  /**
   * YCSB's hotspot: hotRequestFraction of the draws go to hotKeyFraction of the keys (uniform within
   * the hot set and within the rest). The hot set is scattered over the id space like zipf's.
   */
  | { kind: 'hotspot'; population: Population; hotKeyFraction: number; hotRequestFraction: number }
  /**
   * Always the same key (a storm on one photo): a literal id, or a run-time var the harness fills
   * before the trial, e.g. "{stormPhoto}" (declared in the scenario's vars). Draws nothing.
   */
  | { kind: 'fixed'; value: string };

/** Which id list of the dataset manifest a key is drawn from. */
export type Population = 'photos' | 'users';

/** A request issued after another's OK answer. */
export interface FollowUp {
  /** An operation of the same stream with weight 0 (issued only as a follow-up). */
  operation: string;
  /** Its intended time is the answer's arrival + delayMs (0 allowed). */
  delayMs: number;
}

export interface OperationSpec {
  /** Stable name used in results and threshold keys (e.g. "getPhoto"); letters, digits, _ and -. */
  name: string;
  /**
   * Relative weight in the mix; 0 for an operation issued only as a follow-up (named in another's
   * `then`), never drawn by the mix.
   */
  weight: number;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /**
   * Request path; may hold `{key}`, `{actor}` and `{seq}`, declared vars (`{stormPhoto}`) and, in a
   * follow-up, values captured before it (`{photoId}`), each URL-encoded, e.g. "/photos/{key}",
   * "/users/{actor}/feed". Any other `{...}` is a validation error.
   */
  path: string;
  /** The id the request is about; required when the path or body uses `{key}`. */
  key?: KeyDistribution;
  /**
   * The user making the request (normally from the `users` population). When present, the request
   * carries `authorization: Bearer <token>` with that user's seeded session (DriveInput.sessionSeed),
   * and the path and body may use `{actor}`.
   */
  actor?: KeyDistribution;
  /**
   * JSON body template, sent with `content-type: application/json`. String values may hold the
   * path's placeholders ({seq} is the request's sequence number within its phase, 0, 1, 2, ...;
   * a follow-up's is its first request's), e.g. `{ objectKey: 'photos/{actor}/{seq}.jpg' }`;
   * numbers and booleans are sent as they are.
   */
  body?: Record<string, string | number | boolean>;
  /** Answers counted as OK; default: 200-299. */
  okStatuses?: number[];
  /**
   * Values to read from this operation's OK answer (a JSON body), by name: a dot path into it, e.g.
   * { photoId: 'photo.id' } ('photos.0.id' for an array element). Its follow-ups, and theirs, use
   * them as {photoId}. Only the answers of operations that capture are read; others are discarded.
   */
  capture?: Record<string, string>;
  /**
   * Requests issued after this one's OK answer, each at (answer time + delayMs), by the worker
   * that got the answer. A follow-up without its own key or actor uses this request's (the same
   * user carries on); its {seq} is the first request's. If this request fails (error, timeout,
   * dropped, unfinished), its follow-ups are not issued and are counted as skipped.
   */
  then?: FollowUp[];
  /**
   * What an OK answer must hold to be a fresh one: its body includes this text (a template, e.g.
   * '{photoId}' from a parent's capture, or 'comment {seq}'). An OK answer without it stays OK and
   * is counted in counts.expectFailed (a stale read: the user did not see their own write).
   */
  expect?: { bodyIncludes: string };
}

export interface ConstantArrivalRate {
  kind: 'constant-arrival-rate';
  /** Requests per second, spread evenly (open model, as wrk2 and k6's executor). */
  rate: number;
  durationSec: number;
  warmupSec: number;
  /** HTTP connections to the app. */
  connections: number;
  /** Requests outstanding at once before further sends are dropped (and counted). */
  maxInFlight: number;
  timeoutMs: number;
}

/** One stage of a ramp: the rate moves linearly to targetRate over durationSec. */
export interface RampStage {
  durationSec: number;
  /** Requests per second at the end of the stage (0 allowed). */
  targetRate: number;
}

/**
 * Open model with a rate that changes (k6's `ramping-arrival-rate`): from startRate, each stage moves
 * the rate linearly from where the previous one ended to its targetRate. Request i is due when the
 * cumulative arrivals reach i (the exact inverse of their integral: no drift). The measured window
 * is the sum of the stages; the warm-up runs at startRate.
 */
export interface RampingArrivalRate {
  kind: 'ramping-arrival-rate';
  startRate: number;
  stages: RampStage[];
  warmupSec: number;
  connections: number;
  maxInFlight: number;
  timeoutMs: number;
}

/**
 * Closed model (as wrk and autocannon): each connection sends its next request when the last
 * answer arrives. For maximum throughput; its latency is from the actual send (uncorrected): a
 * closed loop slows down with the app, so it cannot see what an open model would.
 */
export interface ClosedLoop {
  kind: 'closed-loop';
  connections: number;
  durationSec: number;
  warmupSec: number;
  timeoutMs: number;
}

export type ArrivalRateExecutor = ConstantArrivalRate | RampingArrivalRate;
export type Executor = ArrivalRateExecutor | ClosedLoop;
export type ExecutorKind = Executor['kind'];

/**
 * One load shape of a multi-stream scenario: its own operation mix and executor, drawn from an rng
 * of its own (scenario seed + stream name), so adding or changing one stream leaves the others'
 * requests as they were. All streams share the trial's measured window.
 */
export interface StreamSpec {
  /** Unique within the scenario; letters, digits, _ and -. */
  name: string;
  operations: OperationSpec[];
  /** An arrival-rate executor (a closed loop paces itself and cannot share a window with others). */
  executor: ArrivalRateExecutor;
  /**
   * Seconds into the measured window at which this stream's own window starts (default 0), e.g.
   * a storm 20 s into a background load. The trial's window ends with the last stream's.
   */
  startSec?: number;
}

/**
 * A step the harness takes before the trial (after the app started), giving a var its value:
 * pick a user (e.g. the most-followed: a celebrity), or make a request as a user and capture a
 * value of its answer (e.g. the celebrity's new photo, for a like storm).
 */
export type SetupStep =
  | { var: string; pick: 'most-followed-user'; rank?: number }
  | { var: string; request: { as: string; method: 'POST' | 'PUT'; path: string; body?: Record<string, string>; capture: string } };

/**
 * A node a fault acts on, by its name in the stack (and in results): memcached, redis, pg-primary,
 * pg-replica-1 ... (replicas tier), pg-shard-0 ... (sharded tier).
 */
export type FaultNode = 'memcached' | 'redis' | 'pg-primary' | `pg-replica-${number}` | `pg-shard-${number}`;

/**
 * Something the harness does at a moment of the measured window, marked on every chart as events.
 * Faults (all but the flush) also become trial.faults: the outage, the errors during and after it,
 * the recovery. A fault ends within the window (validation checks it fits), and is ended early if
 * the window does: the node is always started again before the checks after the trial.
 */
export type TimedAction =
  /** Every cached user and photo gone at once (trial.cacheRecovery). */
  | { atSec: number; do: 'flush-memcached' }
  /**
   * A node stopped cleanly (SIGTERM; PostgreSQL: a fast shutdown; Redis writes its append-only
   * file first), then started again forSec later (0: at once, a restart) on the same data and port.
   */
  | { atSec: number; do: 'stop-node'; node: FaultNode; forSec: number }
  /** The same with SIGKILL to the node's processes: a crash (PostgreSQL recovers from its WAL). */
  | { atSec: number; do: 'kill-node'; node: FaultNode; forSec: number }
  /**
   * A fan-out worker killed (SIGKILL) while it holds a job (it waits up to 5 s for one, then kills
   * one anyway and says so); a replacement worker starts forSec later.
   */
  | { atSec: number; do: 'kill-worker'; forSec: number }
  /** Every replica stops replaying WAL (pg_wal_replay_pause) for forSec, then resumes. */
  | { atSec: number; do: 'pause-replication'; forSec: number };

export type ActionKind = TimedAction['do'];

/** App settings a scenario runs with (the app is started fresh for each trial). */
export interface ScenarioAppSettings {
  /** replicas tier: a session that wrote reads from the primary for a while ('writer-pinned', the default) or not at all ('none', a control). */
  readYourWrites?: 'writer-pinned' | 'none';
}

interface ScenarioCommon {
  name: string;
  description: string;
  /** Tiers the scenario applies to (default: every tier); a run skips it elsewhere, saying so. */
  tiers?: string[];
  /** Steps before the trial that give the vars their values. */
  setup?: SetupStep[];
  /** Things done at set moments of the window (a cache flush, ...). */
  actions?: TimedAction[];
  app?: ScenarioAppSettings;
  /**
   * k6-style absolute thresholds checked at the end of each trial, e.g. "getPhoto.p99 < 50ms",
   * "errors.rate < 1%" (syntax and metric keys: harness/thresholds/parse.ts and metrics.ts). A
   * failed threshold fails the run with exit code 99.
   */
  thresholds: string[];
  /**
   * Run-time values the harness provides before the trial (e.g. a photo id chosen by a set-up
   * step), by name, each with what it is: usable as {name} in paths, bodies and `fixed` keys. The
   * drive refuses to start without a value for each, or with a value for one not declared here.
   */
  vars?: Record<string, string>;
}

/** One load shape: an operation mix and its executor. */
export interface SingleStreamScenario extends ScenarioCommon {
  operations: OperationSpec[];
  executor: Executor;
  streams?: undefined;
}

/** Several load shapes in one measured window (e.g. a background load plus a burst). */
export interface MultiStreamScenario extends ScenarioCommon {
  streams: StreamSpec[];
  operations?: undefined;
  executor?: undefined;
}

export type Scenario = SingleStreamScenario | MultiStreamScenario;
