import memjs from 'memjs';

/** The only module that talks to Memcached. */

export type MemcachedClient = memjs.Client;

export function createMemcached(servers: string): MemcachedClient {
  return memjs.Client.create(servers, { retries: 1, timeout: 1, conntimeout: 1, logger: { log: () => {} } });
}

export async function mcGet(client: MemcachedClient, key: string): Promise<Buffer | null> {
  const { value } = await client.get(key);
  return value;
}

/**
 * Many keys in one round trip. memjs has no multi-get command, so the GETs are written together on
 * the server's one connection (pipelined) and answered in one round trip; missing keys are absent.
 */
export async function mcGetMulti(client: MemcachedClient, keys: readonly string[]): Promise<Map<string, Buffer>> {
  const values = await Promise.all(keys.map((k) => client.get(k).then((r) => r.value)));
  const out = new Map<string, Buffer>();
  keys.forEach((k, i) => {
    const v = values[i];
    if (v) out.set(k, v);
  });
  return out;
}

export async function mcSet(client: MemcachedClient, key: string, value: string, ttlSeconds: number): Promise<void> {
  await client.set(key, value, { expires: ttlSeconds });
}

export async function mcDelete(client: MemcachedClient, key: string): Promise<void> {
  await client.delete(key);
}

/** memcached's own `stats` of the first server answering, values as strings. */
export function mcStats(client: MemcachedClient): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let done = false;
    client.stats((err, _server, stats) => {
      if (done) return;
      done = true;
      if (err || !stats) reject(err ?? new Error('memcached returned no stats'));
      else resolve(stats);
    });
  });
}

export async function mcPing(servers: string): Promise<boolean> {
  const client = createMemcached(servers);
  try {
    await mcStats(client);
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

export async function mcFlush(client: MemcachedClient): Promise<void> {
  await client.flush();
}
