import { Redis } from 'ioredis';

/** The only module that talks to Redis. */

export type RedisClient = Redis;

export function createRedis(url: string): RedisClient {
  // Auto-pipelining: commands issued in the same tick share one socket write (fewer syscalls under load).
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true, enableAutoPipelining: true });
  client.on('error', () => {});
  return client;
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
