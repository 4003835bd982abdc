/** Scenarios are data: an operation mix, key distributions and a load shape (executor). */

export type KeyDistribution =
  /** YCSB-style scrambled Zipf over a population: hot keys scattered, not in id order. */
  | { kind: 'zipf'; population: Population; theta: number }
  | { kind: 'uniform'; population: Population };

/** Which id list of the dataset manifest a key is drawn from. */
export type Population = 'photos' | 'users';

export interface OperationSpec {
  /** Stable name used in results (e.g. "getPhoto"). */
  name: string;
  /** Relative weight in the mix. */
  weight: number;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with one `{key}` placeholder, e.g. "/photos/{key}". */
  path: string;
  key: KeyDistribution;
  /** Answers counted as OK; default: 200-299. */
  okStatuses?: number[];
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

export type Executor = ConstantArrivalRate;

export interface Threshold {
  /** e.g. "getPhoto.p99" in microseconds, or "errorRate". */
  metric: string;
  max: number;
}

export interface Scenario {
  name: string;
  description: string;
  operations: OperationSpec[];
  executor: Executor;
  thresholds: Threshold[];
}
