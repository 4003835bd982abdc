import { Queue, Worker, type Job } from 'bullmq';

/** The only module that talks to the job queue (bullmq on Redis). */

export interface FanoutJob {
  photoId: string;
  ownerId: string;
  /** Follower id after which this chunk starts; "0" for the first chunk. */
  cursor: string;
}

export interface FanoutQueue {
  /** Queues a chunk; the same (photo, cursor) is queued once. Returns the job id. */
  enqueue(job: FanoutJob): Promise<string>;
  /** Waiting + active + delayed jobs. */
  depth(): Promise<number>;
  /** Jobs waiting (delayed and prioritized included) and being worked on. */
  counts(): Promise<{ waiting: number; active: number }>;
  close(): Promise<void>;
}

export const FANOUT_QUEUE = 'fanout';

function connection(redisUrl: string) {
  const u = new URL(redisUrl);
  return { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
}

export const fanoutJobId = (job: FanoutJob): string => `fanout-${job.photoId}-${job.cursor}`;

export function createFanoutQueue(redisUrl: string): FanoutQueue {
  const queue = new Queue<FanoutJob>(FANOUT_QUEUE, {
    connection: connection(redisUrl),
    defaultJobOptions: {
      attempts: 20,
      backoff: { type: 'exponential', delay: 200 },
      removeOnComplete: 10_000,
      removeOnFail: 10_000,
    },
  });
  queue.on('error', () => {});
  return {
    async enqueue(job) {
      const added = await queue.add('chunk', job, { jobId: fanoutJobId(job) });
      return added.id ?? fanoutJobId(job);
    },
    async depth() {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(c).reduce((a, b) => a + b, 0);
    },
    async counts() {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return { waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0 };
    },
    close: () => queue.close(),
  };
}

export interface WorkerOptions {
  concurrency: number;
  /** A job whose worker stopped renewing its lock (killed) is retried after this long. */
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/** Consumes fan-out chunks; a job is acknowledged only after `process` resolves. */
export function startFanoutWorker(redisUrl: string, process: (job: FanoutJob) => Promise<unknown>, opts: WorkerOptions): { close(): Promise<void> } {
  const worker = new Worker<FanoutJob>(FANOUT_QUEUE, (job: Job<FanoutJob>) => process(job.data), {
    connection: connection(redisUrl),
    concurrency: opts.concurrency,
    lockDuration: opts.lockDurationMs,
    stalledInterval: opts.stalledIntervalMs,
    maxStalledCount: 100,
  });
  worker.on('error', () => {});
  return { close: () => worker.close() };
}
