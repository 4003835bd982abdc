import { createRedis, redisInfo } from '../../app/adapters/redis.ts';
import { StackError } from '../errors.ts';

/**
 * Redis' persistence on the stacks tierbench starts: the append-only file, fsynced once a second
 * (`appendfsync everysec`). Sessions, counters, home feeds, activity feeds and the fan-out queue
 * live only in Redis; without persistence a restart loses every session (each user signed out)
 * and every queued job (uploads never reach their followers). Instagram kept persistence on a
 * replica only; with one Redis node here, the node itself keeps it. What it costs: a write() per
 * event loop and an fsync a second in a background thread, the rewrite's fork when the file has
 * doubled, and at a restart the time to load the file (the outage a Redis restart is). A crash
 * (kill -9) loses at most the last second of writes; a clean stop (SIGTERM) loses nothing.
 *
 * The file is turned on once the dataset is in (a seed primes millions of keys: writing them to
 * an append-only file as well would only slow the seed): Redis then writes its whole data set as
 * the file's base, in a child process, and appends from there.
 */
export const REDIS_PERSISTENCE = { appendonly: 'yes', appendfsync: 'everysec' } as const;

export async function enableRedisPersistence(url: string, timeoutMs = 600_000): Promise<void> {
  const client = createRedis(url);
  try {
    await client.config('SET', 'appendfsync', REDIS_PERSISTENCE.appendfsync);
    await client.config('SET', 'appendonly', REDIS_PERSISTENCE.appendonly);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await redisInfo(client);
      if (info.aof_enabled === '1' && info.aof_rewrite_in_progress === '0' && info.aof_rewrite_scheduled === '0') {
        if (info.aof_last_bgrewrite_status !== 'ok') throw new StackError(`Redis could not write its append-only file (aof_last_bgrewrite_status ${info.aof_last_bgrewrite_status})`);
        return;
      }
      if (Date.now() > deadline) throw new StackError(`Redis did not finish writing its append-only file within ${timeoutMs / 1000}s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.disconnect();
  }
}

/** The append-only file settings a running Redis has. */
export interface RedisAof {
  appendonly: boolean;
  /** always, everysec or no: how often the file is fsynced. */
  appendfsync: string;
}

/** Reads a running Redis' append-only file settings; throws when it does not answer. */
export async function readRedisPersistence(url: string, timeoutMs = 2000): Promise<RedisAof> {
  const client = createRedis(url, timeoutMs);
  try {
    const [, aof] = (await client.config('GET', 'appendonly')) as [string, string];
    const [, fsync] = (await client.config('GET', 'appendfsync')) as [string, string];
    return { appendonly: aof === 'yes', appendfsync: fsync };
  } finally {
    client.disconnect();
  }
}
