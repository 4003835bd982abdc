import { parentPort, workerData } from 'node:worker_threads';
import { createMemcached } from '../../app/adapters/memcached.ts';
import { createPgPool } from '../../app/adapters/postgres.ts';
import { createRedis } from '../../app/adapters/redis.ts';
import { createFanoutQueue } from '../../app/adapters/queue.ts';
import { monotonicUs } from '../drive/clock.ts';
import { replicaLagOn } from '../stack/replication.ts';
import { memcachedSnapshot, postgresSnapshot, redisSnapshot, type BackendSample } from './backends.ts';
import { statementCounts } from './statements.ts';
import type { FromSampler, SamplerTask, ToSampler } from './sampler-protocol.ts';

/**
 * The backend sampler: its own thread, so reading every node once a second never delays the
 * generator. Samples are taken at the window's start and at each whole second after it, on the
 * same monotonic clock as the schedule, so their deltas cover exactly the measured window.
 */
const task = (workerData as { data: SamplerTask }).data;
const port = parentPort!;
const post = (m: FromSampler): void => port.postMessage(m);

const memcached = task.memcachedUrl ? createMemcached(task.memcachedUrl) : null;
const redis = task.redisUrl ? createRedis(task.redisUrl) : null;
const queue = task.redisUrl ? createFanoutQueue(task.redisUrl) : null;
const pools = task.postgres.map((n) => createPgPool(n.url, 1, 'tierbench-sampler'));
const lagPools = task.lag ? [createPgPool(task.lag.primaryUrl, 1, 'tierbench-lag'), ...task.lag.replicaUrls.map((u) => createPgPool(u, 1, 'tierbench-lag'))] : null;

/** How long a part of a sample may take: a store that hangs (its client waiting to reconnect) must not hold the others' readings back. */
const PART_TIMEOUT_MS = 3_000;

/** A part that cannot be read (a node down in a fault scenario, or not answering in time) is null; the others still count. */
const orNull = <T,>(p: Promise<T>): Promise<T | null> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), PART_TIMEOUT_MS)));
  return Promise.race([p.catch(() => null), late]).finally(() => clearTimeout(timer));
};

async function sample(): Promise<BackendSample> {
  const atUs = monotonicUs();
  const [mc, rs, pg, lag, q] = await Promise.all([
    memcached ? orNull(memcachedSnapshot(memcached)) : null,
    redis ? orNull(redisSnapshot(redis)) : null,
    Promise.all(pools.map((pool, i) => orNull(postgresSnapshot(pool, task.postgres[i]!)))),
    lagPools ? orNull(replicaLagOn(lagPools[0]!, lagPools.slice(1))) : null,
    queue ? orNull(queue.counts()) : null,
  ]);
  return { atUs, memcached: mc, redis: rs, postgres: pg, lag, queue: q };
}

async function close(): Promise<void> {
  memcached?.close();
  redis?.disconnect();
  await queue?.close().catch(() => {});
  await Promise.all([...pools, ...(lagPools ?? [])].map((p) => p.end().catch(() => {})));
}

let timer: NodeJS.Timeout | undefined;
port.on('message', (m: ToSampler) => {
  if (m.type === 'stop') {
    clearTimeout(timer);
    void close().then(() => post({ type: 'done' }));
    return;
  }
  let index = 0;
  const next = (): void => {
    const dueUs = m.windowStartUs + index * 1e6;
    timer = setTimeout(() => {
      const i = index++;
      void sample().then(
        (s) => post({ type: 'sample', index: i, sample: s }),
        (err: unknown) => post({ type: 'error', message: String(err) }),
      );
      if (index < m.samples) next();
    }, Math.max(0, (dueUs - monotonicUs()) / 1000));
  };
  next();
});
// Reads every node's statement texts once, before the window: afterwards a sample counts calls
// by queryid alone, which costs a node far less than the texts do (harness/metrics/statements.ts).
void Promise.all(pools.map((pool) => orNull(statementCounts(pool)))).finally(() => post({ type: 'ready' }));
