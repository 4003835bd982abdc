import { Redis } from 'ioredis';

/** The only module that talks to Redis. */

export type RedisClient = Redis;

export function createRedis(url: string): RedisClient {
  // Auto-pipelining: commands issued in the same tick share one socket write (fewer syscalls under load).
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true, enableAutoPipelining: true });
  client.on('error', () => {});
  return client;
}

export async function redisPing(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
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
