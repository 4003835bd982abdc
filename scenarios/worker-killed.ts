import type { Scenario } from './types.ts';
import { uploads } from './uploads.ts';

const [uploadsStream, celebrity, reads] = uploads.streams!;

/**
 * Uploads with fan-out (10/s by users drawn uniformly, the most-followed user posting every 5 s,
 * feed reads at 100/s, after a 30 s warm-up that fills the cache the feeds are hydrated from)
 * with a fan-out worker killed (SIGKILL) 12 s into a 30 s window while it holds a job, and a replacement started 5 s later. The job's lock expires (5 s) and the other
 * worker takes it again (jobs are acknowledged after they finish, chunks are idempotent): every
 * upload still reaches every follower's feed (checked after the trial). Reported: whether the
 * worker was mid-job, when the jobs it held finished, and the fan-out lag (trial.fanout) with the
 * retry in it. The uploads scenario's streams, longer and after a longer warm-up (the cache warm
 * before the kill), the uploads at 10/s and the celebrity every 5 s so a job is in progress when
 * the worker is killed.
 */
export const workerKilled: Scenario = {
  name: 'worker-killed',
  description: 'uploads at 10/s with a celebrity posting every 5 s, with a fan-out worker killed mid-job 12 s into a 30 s window and a replacement 5 s later; the held jobs retried, fan-out lag with the retry',
  streams: [
    { ...uploadsStream!, executor: { kind: 'constant-arrival-rate', rate: 10, durationSec: 30, warmupSec: 30, connections: 8, maxInFlight: 10_000, timeoutMs: 5000 } },
    { ...celebrity!, executor: { kind: 'constant-arrival-rate', rate: 0.2, durationSec: 30, warmupSec: 0, connections: 2, maxInFlight: 100, timeoutMs: 5000 } },
    { ...reads!, executor: { kind: 'constant-arrival-rate', rate: 100, durationSec: 30, warmupSec: 30, connections: 16, maxInFlight: 10_000, timeoutMs: 2000 } },
  ],
  ...(uploads.vars ? { vars: uploads.vars } : {}),
  ...(uploads.setup ? { setup: uploads.setup } : {}),
  actions: [{ atSec: 12, do: 'kill-worker', forSec: 5 }],
  thresholds: ['errors.rate < 1%'],
};
