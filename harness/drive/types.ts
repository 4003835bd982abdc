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
   * A user's session token, sent as `authorization: Bearer <token>` by operations with an actor
   * (required if any has one). Must be deterministic, e.g. harness/seed/sessions.ts sessionToken
   * bound to the dataset seed, so the same seed gives the same request stream.
   */
  sessionToken?: (userId: string) => string;
  /** Aborting stops the run early; in-flight requests are counted as inFlightAtStop. */
  signal?: AbortSignal;
}

export type DrivePhase = 'warmup' | 'measure';

/**
 * Events a drive emits (autocannon-style: the run loop emits, printers and samplers listen).
 * - 'phase'  (phase: DrivePhase, atMs: number)           a phase starts (Date.now() ms)
 * - 'second' (phase: DrivePhase, point: TimeseriesPoint)  once per elapsed second of a phase
 */
export type DriveEvents = EventEmitter;

export interface DriveOutput {
  operations: Record<string, OperationResult>;
  /** cacheHitRate is null here: the caller fills it from memcached's own stats. */
  timeseries: TimeseriesPoint[];
  generator: GeneratorStats;
  timing: { warmupStartedAt: string; measureStartedAt: string; measureEndedAt: string; measuredMs: number };
  /** True when the signal aborted the run before the schedule finished. */
  aborted: boolean;
}
