import { instagramDay } from './instagram-day.ts';
import type { ConstantArrivalRate, OperationSpec } from './types.ts';

/**
 * The load the fault scenarios inject their fault into: instagram-day's mix (about 110 reads per
 * write, so the checks after the trial have likes, follows, comments and uploads to compare) at
 * half its rate, after a 30 s warm-up, so that every tier holds it with the cache warm before the
 * fault. At instagram-day's own 300 req/s after 10 s, the small profile's cold cache sent every
 * tier into timeouts before any fault (node CPU quotas of 0.5 here), and a fault's figures would
 * have measured that overload instead. The window (45 s) leaves 20 s after a 10 s fault that
 * starts at 15 s, for the recovery.
 */
export const FAULT_LOAD: { operations: OperationSpec[]; executor: ConstantArrivalRate } = {
  operations: instagramDay.operations!,
  executor: { kind: 'constant-arrival-rate', rate: 150, durationSec: 45, warmupSec: 30, connections: 32, maxInFlight: 10_000, timeoutMs: 2000 },
};

/** When the fault starts, seconds into the window, and how long it lasts. */
export const FAULT_AT_SEC = 15;
export const FAULT_FOR_SEC = 10;
