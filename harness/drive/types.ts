import type { EventEmitter } from 'node:events';
import type { Scenario } from '../../scenarios/types.ts';
import type { GeneratorStats, OperationResult, TimeseriesPoint } from '../results/types.ts';

/** Id lists the load generator samples keys from (from the dataset manifest). Decimal strings. */
export type Populations = Record<'photos' | 'users', readonly string[]>;

export interface DriveInput {
  /** e.g. "http://127.0.0.1:40123" (loopback only). */
  baseUrl: string;
  scenario: Scenario;
  /** Scenario seed: same seed + same populations => the same request stream. */
  seed: number;
  populations: Populations;
  /**
   * Dataset seed of the seeded users' session tokens (harness/seed/sessions.ts), sent as
   * `authorization: Bearer <token>` by operations with an actor (required if any has one).
   */
  sessionSeed?: number;
  /**
   * Run-time values for the scenario's declared vars (e.g. { stormPhoto: '7019...' } from a set-up
   * step), used as {stormPhoto} in templates and fixed keys. Checked by varsProblems before start.
   */
  vars?: Record<string, string>;
  /** Generator threads (each a slice of the stream); default: autoWorkers(rate). */
  workers?: number;
  /** Aborting stops the run early; outstanding requests end as unfinished. */
  signal?: AbortSignal;
  /** Test seam: busy-waits one generator thread's event loop at a moment of the window. */
  blockGenerator?: { afterWindowStartMs: number; forMs: number };
}

export type DrivePhase = 'warmup' | 'measure';

/**
 * Events a drive emits (autocannon-style: the run loop emits, printers and samplers listen).
 * - 'schedule' (startUs: number, windowStartUs: number)        the start is set (monotonic µs), before any request
 * - 'phase'  (phase: DrivePhase, atMs: number, atUs: number)  a phase starts (wall ms, monotonic µs)
 * - 'second' ('measure', progress: ProgressSecond)            each second of the window, as it passes
 */
export type DriveEvents = EventEmitter;

export interface DriveOutput {
  operations: Record<string, OperationResult>;
  /** cacheHitRate is null here: the caller fills it from memcached's own stats. */
  timeseries: TimeseriesPoint[];
  generator: GeneratorStats;
  timing: { warmupStartedAt: string; measureStartedAt: string; measureEndedAt: string; measuredMs: number; drainMs: number };
  /** Monotonic µs at which the measured window started (samplers align to it). */
  windowStartUs: number;
  /** True when the signal aborted the run before the schedule finished. */
  aborted: boolean;
  /** Every path written to (warm-up included) and which methods succeeded or failed (drive/write-log.ts). */
  writes: Array<[string, number]>;
}
