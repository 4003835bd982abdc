import type { Scenario } from '../../scenarios/types.ts';
import type { ThreadHealth } from './monitor.ts';
import type { OpenModelOutput, ProgressSecond, Slice } from './open-model.ts';
import type { Populations } from './types.ts';

/** What a generator thread is given (structured-cloned into it). */
export interface GeneratorTask {
  baseUrl: string;
  scenario: Scenario;
  seed: number;
  populations: Populations;
  /** Dataset seed whose session tokens the actors use (harness/seed/sessions.ts). */
  sessionSeed?: number;
  /** Run-time values of the scenario's vars. */
  vars?: Record<string, string>;
  slice: Slice;
  /** This thread's connections and share of maxInFlight, per stream (scenarioStreams order). */
  connections: number[];
  maxInFlight: number[];
  /** Test seam: busy-waits the thread's event loop, to show the generator is then called limited. */
  blockGenerator?: { afterWindowStartMs: number; forMs: number };
}

export type ToGenerator = { type: 'start'; startUs: number } | { type: 'abort' };

export type FromGenerator =
  | { type: 'ready' }
  | { type: 'second'; progress: ProgressSecond }
  | { type: 'done'; output: OpenModelOutput; health: ThreadHealth }
  | { type: 'error'; name: string; message: string };
