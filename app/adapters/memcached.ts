import type { Socket } from 'node:net';
import memjs from 'memjs';

/** The only module that talks to Memcached. */

export type MemcachedClient = memjs.Client;

/**
 * A client that gives up quickly: one try per call within `timeoutMs`, and after a failure the
 * node is skipped for a second (memjs' failover: calls fail at once with "No servers available"),
 * so a node that hangs costs one timeout a second, not one per call.
 */
export function createMemcached(servers: string, timeoutMs = 1000): MemcachedClient {
  const seconds = timeoutMs / 1000;
  const client = memjs.Client.create(servers, {
    retries: 1,
    timeout: seconds,
    conntimeout: seconds,
    failover: true,
    failoverTime: 1,
    keepAlive: true,
    logger: { log: () => {} },
  });
  for (const server of client.servers) batchWrites(server as unknown as ServerInternals);
  return client;
}

/** What batchWrites uses of a memjs Server (memjs 1.3: lib/memjs/server.js). */
interface ServerInternals {
  write(blob: Buffer): void;
  _socket?: Socket;
  connected: boolean;
}

/**
 * One socket write per event-loop turn instead of one per request, as ioredis' auto-pipelining
 * does: the first request of a turn corks the server's socket and the turn's check phase uncorks
 * it, so the GETs and fills of every HTTP request read in that turn leave in one writev. A write
 * here is a loopback send, which costs the app about as much CPU as the rest of a cached read
 * (perf:app's profile); memjs writes each request at once.
 */
function batchWrites(server: ServerInternals): void {
  const write = server.write.bind(server);
  let corked = false;
  server.write = (blob: Buffer) => {
    const socket = server._socket;
    if (!corked && socket && server.connected) {
      corked = true;
      socket.cork();
      setImmediate(() => {
        corked = false;
        socket.uncork();
      });
    }
    write(blob);
  };
}

export async function mcGet(client: MemcachedClient, key: string): Promise<Buffer | null> {
  const { value } = await client.get(key);
  return value;
}

export async function mcSet(client: MemcachedClient, key: string, value: string, ttlSeconds: number): Promise<void> {
  await client.set(key, value, { expires: ttlSeconds });
}

/** Stores only if the key is absent; false if it exists. */
export async function mcAdd(client: MemcachedClient, key: string, value: string, ttlSeconds: number): Promise<boolean> {
  return client.add(key, value, { expires: ttlSeconds });
}

export async function mcDelete(client: MemcachedClient, key: string): Promise<void> {
  await client.delete(key);
}

// Binary-protocol opcodes and statuses memjs does not wrap: GET's CAS token and SET with a CAS.
const OP_GET = 0x00;
const OP_SET = 0x01;
const STATUS_OK = 0x0000;
const STATUS_NOT_FOUND = 0x0001;
const STATUS_EXISTS = 0x0002;

/** One request through memjs' own connection, timeout and failover handling (Client#perform). */
function perform(client: MemcachedClient, opcode: number, key: string, extras: Buffer | string, value: Buffer | string, cas?: Buffer): Promise<memjs.Response> {
  client.incrSeq();
  const seq = client.seq;
  const request = memjs.Utils.makeRequestBuffer(opcode, key, extras, value, seq);
  if (cas) cas.copy(request, 16); // the header's CAS field
  return new Promise((resolve, reject) => client.perform(key, request, seq, (err, response: memjs.Response) => (err ? reject(err) : resolve(response))));
}

/** An item with its CAS token (memcached's `gets`); null when absent. */
export interface CasItem {
  value: Buffer;
  cas: Buffer;
}

export async function mcGets(client: MemcachedClient, key: string): Promise<CasItem | null> {
  const res = await perform(client, OP_GET, key, '', '');
  if (res.header.status === STATUS_NOT_FOUND) return null;
  if (res.header.status !== STATUS_OK) throw new Error(`memcached GET ${key}: status ${res.header.status}`);
  return { value: res.val, cas: Buffer.from(res.header.cas) };
}

/**
 * Many `gets` in one round trip. memjs has no multi-get command, so the GETs are written together
 * on the server's one connection (pipelined) and answered in one round trip; missing keys are absent.
 */
export async function mcGetsMulti(client: MemcachedClient, keys: readonly string[]): Promise<Map<string, CasItem>> {
  const items = await Promise.all(keys.map((k) => mcGets(client, k)));
  const out = new Map<string, CasItem>();
  keys.forEach((k, i) => {
    const item = items[i];
    if (item) out.set(k, item);
  });
  return out;
}

/** SET only if the item still has this CAS token (memcached's `cas`): false if it changed or went away. */
export async function mcCas(client: MemcachedClient, key: string, value: string, ttlSeconds: number, cas: Buffer): Promise<boolean> {
  const extras = Buffer.alloc(8); // flags 0, then the expiry
  extras.writeUInt32BE(ttlSeconds, 4);
  const res = await perform(client, OP_SET, key, extras, value, cas);
  if (res.header.status === STATUS_OK) return true;
  if (res.header.status === STATUS_EXISTS || res.header.status === STATUS_NOT_FOUND) return false;
  throw new Error(`memcached CAS ${key}: status ${res.header.status}`);
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
