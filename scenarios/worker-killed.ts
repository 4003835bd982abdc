import type { Scenario } from './types.ts';
import { uploads } from './uploads.ts';

/**
 * uploads (a celebrity posting every 4 s over ordinary uploads and feed reads) with a fan-out
 * worker killed (SIGKILL) 8 s into the 20 s window while it holds a job, and a replacement started
 * 5 s later. The job's lock expires (5 s) and the other worker takes it again (jobs are
 * acknowledged after they finish, chunks are idempotent): every upload still reaches every
 * follower's feed (checked after the trial). Reported: whether the worker was mid-job, when the
 * jobs it held finished, and the fan-out lag (trial.fanout) with the retry in it.
 */
export const workerKilled: Scenario = {
  ...uploads,
  name: 'worker-killed',
  description: 'uploads with a fan-out worker killed mid-job 8 s into the 20 s window and a replacement 5 s later; the held jobs retried, fan-out lag with the retry',
  actions: [{ atSec: 8, do: 'kill-worker', forSec: 5 }],
  thresholds: ['errors.rate < 1%'],
};
