import { Redis, type Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** The script SET_IF_NEWER, defined on every client createRedis makes. */
    setIfNewer(key: string, versionKey: string, value: string, version: string): Result<number, Context>;
  }
}

/** The only module that talks to Redis. */

export type RedisClient = Redis;

/**
 * `commandTimeoutMs` bounds a call to a Redis that accepts connections but does not answer (a
 * stopped or overloaded server); without it such a call waits for ever. `failWhileLoading`: see
 * enableReadyCheck below.
 */
export function createRedis(url: string, commandTimeoutMs?: number, opts: { failWhileLoading?: boolean } = {}): RedisClient {
  // Auto-pipelining: commands issued in the same tick share one socket write (fewer syscalls under load).
  const client = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // failWhileLoading (the app): a Redis loading its data after a restart answers LOADING at once
    // (a 503), and serves the moment it is done. With the ready check, ioredis holds every command
    // until its next poll of the load: the app's calls timed out after commandTimeout, and serving
    // resumed seconds after Redis did. Harness clients keep the check (they wait for a snapshot's load).
    enableReadyCheck: !opts.failWhileLoading,
    enableAutoPipelining: true,
    ...(commandTimeoutMs ? { commandTimeout: commandTimeoutMs } : {}),
  });
  client.on('error', () => {});
  client.defineCommand('setIfNewer', { numberOfKeys: 2, lua: SET_IF_NEWER });
  return client;
}

/**
 * Redis did not answer or said it cannot serve now (loading, read-only, out of memory...): the
 * store is unavailable, which is load or an outage, not a bug. ioredis gives up with
 * MaxRetriesPerRequestError while it cannot reconnect.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return /^(Connection is closed|Command timed out|Stream isn't writeable)|^(LOADING|MASTERDOWN|READONLY|BUSY|TRYAGAIN|CLUSTERDOWN|MISCONF|OOM)\b/.test(err.message);
}

type Pipeline = ReturnType<RedisClient['pipeline']>;

/** Runs a pipeline and throws its first failed command's error (exec itself resolves with them). */
export async function execPipeline(pipeline: Pipeline): Promise<Array<unknown>> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed) throw failed[0];
  return results.map(([, value]) => value);
}

/**
 * Sets a value only if its version is newer than the one stored beside it (versions are decimal
 * integers without leading zeros, compared by length then text: they exceed Lua's 2^53).
 */
const SET_IF_NEWER = `
local old = redis.call('GET', KEYS[2])
local new = ARGV[2]
if old and (#old > #new or (#old == #new and old >= new)) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], new)
return 1`;

export async function redisSetIfNewer(client: RedisClient, key: string, versionKey: string, value: string, version: string): Promise<boolean> {
  return (await client.setIfNewer(key, versionKey, value, version)) === 1;
}

export async function redisPing(url: string, loadingCounts = false): Promise<boolean> {
  // No ready check: while Redis loads an RDB, PING answers LOADING and the caller polls again
  // (ioredis' own ready check would wait on its own schedule).
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch (err) {
    return loadingCounts && err instanceof Error && err.message.startsWith('LOADING');
  } finally {
    client.disconnect();
  }
}

/** INFO fields as numbers/strings, from all sections. */
export async function redisInfo(client: RedisClient): Promise<Record<string, string>> {
  const text = await client.info('all');
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
