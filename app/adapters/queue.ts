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
  /** Jobs being worked on, and the name of the worker holding each (WorkerOptions.name). */
  active(): Promise<Array<{ id: string; worker: string | null }>>;
  /** Where some jobs are now: their state, when they finished (ms), how often they were found stalled. */
  jobs(ids: readonly string[]): Promise<Array<{ id: string; state: string; finishedOn: number | null; stalled: number; attempts: number }>>;
  close(): Promise<void>;
}

export const FANOUT_QUEUE = 'fanout';

function connection(redisUrl: string) {
  const u = new URL(redisUrl);
  return { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
}

/** The name a fan-out worker process gives itself (and its jobs). */
export const workerName = (pid: number): string => `pid-${pid}`;

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
    async active() {
      return (await queue.getActive()).map((j) => ({ id: j.id ?? '', worker: j.processedBy ?? null }));
    },
    async jobs(ids) {
      return Promise.all(
        ids.map(async (id) => {
          const job = await queue.getJob(id);
          if (!job) return { id, state: 'gone', finishedOn: null, stalled: 0, attempts: 0 };
          return { id, state: await job.getState(), finishedOn: job.finishedOn ?? null, stalled: job.stalledCounter ?? 0, attempts: job.attemptsStarted ?? 0 };
        }),
      );
    },
    close: () => queue.close(),
  };
}

export interface WorkerOptions {
  /** Recorded on the jobs it takes (FanoutQueue.active), e.g. "pid-1234". */
  name?: string;
  concurrency: number;
  /** A job whose worker stopped renewing its lock (killed) is retried after this long. */
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/** Consumes fan-out chunks; a job is acknowledged only after `process` resolves. */
export function startFanoutWorker(redisUrl: string, process: (job: FanoutJob) => Promise<unknown>, opts: WorkerOptions): { close(): Promise<void> } {
  const worker = new Worker<FanoutJob>(FANOUT_QUEUE, (job: Job<FanoutJob>) => process(job.data), {
    connection: connection(redisUrl),
    ...(opts.name ? { name: opts.name } : {}),
    concurrency: opts.concurrency,
    lockDuration: opts.lockDurationMs,
    stalledInterval: opts.stalledIntervalMs,
    maxStalledCount: 100,
  });
  worker.on('error', () => {});
  return { close: () => worker.close() };
}
