import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemcached, mcGet } from '../../app/adapters/memcached.ts';
import { APP_POOL_WAIT_MS, createAppPgPool, createPgPool, isPgUnavailable, isPgUnreachable, pgQuery, pgTransaction } from '../../app/adapters/postgres.ts';
import { nodeByRole } from '../../harness/stack/types.ts';
import { apiClient } from '../helpers/api-client.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { eventually } from '../helpers/eventually.ts';

/**
 * Stores failing under the real app: Memcached gone means load on PostgreSQL, not an outage;
 * Redis gone is 503 BACKEND_UNAVAILABLE, never a 500. The nodes are stopped by signal: SIGSTOP
 * (a node that answers nothing, so calls time out) and SIGKILL (connections refused).
 */
let t: TestStack;
let api: ReturnType<typeof apiClient>['call'];
beforeAll(async () => {
  t = await startTestStack({ tier: 'cache', logicalShards: 8, workers: 1 });
  api = apiClient(t.app.baseUrl).call;
}, 120_000);
afterAll(async () => t?.stop());

const signal = (role: 'memcached' | 'redis', sig: NodeJS.Signals) => process.kill(nodeByRole(t.stack, role).pid!, sig);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

describe('Memcached failing: reads fall back to PostgreSQL, writes still land', () => {
  const reader = () => t.manifest.userIds[3]!;
  const token = () => t.tokenOf(reader());

  it('serves photos, profiles and feeds while Memcached answers nothing, and drops no invalidation', async () => {
    const photo = t.manifest.photoIds[11]!;
    const other = t.manifest.photoIds[12]!;
    const user = t.manifest.userIds[4]!;
    // Cached before the stop: the comment made during it must still show once Memcached is back.
    expect((await api('GET', `/photos/${photo}`, { token: token() })).status).toBe(200);
    expect((await api('GET', `/users/${user}`, { token: token() })).status).toBe(200);
    const mc = createMemcached(t.memcachedUrl);
    let cachedBefore: string | undefined;
    await eventually('the photo page to be cached', async () => (cachedBefore = (await mcGet(mc, `photo:${photo}`))?.toString()) !== undefined);
    signal('memcached', 'SIGSTOP');
    try {
      for (const path of [`/photos/${photo}`, `/photos/${other}`, `/users/${user}`, `/users/${reader()}/feed`]) {
        const { value, ms } = await timed(() => api('GET', path, { token: token() }));
        expect(value.status, `${path}: ${JSON.stringify(value.body)}`).toBe(200);
        expect(ms, path).toBeLessThan(2_000);
      }
      const comment = await api('POST', `/photos/${photo}/comments`, { token: token(), body: { text: 'while memcached slept' } });
      expect(comment.status, JSON.stringify(comment.body)).toBe(201);
      const page = await api('GET', `/photos/${photo}`, { token: token() });
      expect(page.body.latestComments[0]?.text).toBe('while memcached slept');
    } finally {
      signal('memcached', 'SIGCONT');
    }
    // The page cached before the stop is invalidated once Memcached answers again (by the outbox
    // sweeper: the write's own attempt failed), and reads through the cache show the comment.
    try {
      await eventually('the stale page to leave the cache', async () => (await mcGet(mc, `photo:${photo}`).catch(() => undefined))?.toString() !== cachedBefore);
    } finally {
      mc.close();
    }
    for (let i = 0; i < 3; i++) {
      const page = await api('GET', `/photos/${photo}`, { token: token() });
      expect(page.body.latestComments[0]?.text).toBe('while memcached slept');
      await new Promise((r) => setTimeout(r, 600));
    }
  });

  it('serves reads with Memcached killed (connections refused)', async () => {
    signal('memcached', 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    for (const path of [`/photos/${t.manifest.photoIds[13]}`, `/users/${t.manifest.userIds[5]}`, `/users/${reader()}/feed`]) {
      const res = await api('GET', path, { token: token() });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    expect((await api('POST', `/photos/${t.manifest.photoIds[13]}/comments`, { token: token(), body: { text: 'no memcached at all' } })).status).toBe(201);
  });
});

describe('Redis failing: 503 BACKEND_UNAVAILABLE, never 500', () => {
  const path = () => `/photos/${t.manifest.photoIds[20]}`;
  const token = () => t.tokenOf(t.manifest.userIds[6]!);

  it('answers 503 while Redis answers nothing, and 200 again once it does', async () => {
    signal('redis', 'SIGSTOP');
    try {
      const { value, ms } = await timed(() => api('GET', path(), { token: token() }));
      expect(value).toMatchObject({ status: 503, body: { error: { code: 'BACKEND_UNAVAILABLE' } } });
      expect(ms).toBeLessThan(5_000);
    } finally {
      signal('redis', 'SIGCONT');
    }
    await eventually('Redis to serve again', async () => (await api('GET', path(), { token: token() })).status === 200);
  });

  it('answers 503 with Redis killed (connections refused, ioredis gives up retrying)', async () => {
    signal('redis', 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 3; i++) {
      const res = await api('GET', path(), { token: token() });
      expect(res, JSON.stringify(res.body)).toMatchObject({ status: 503, body: { error: { code: 'BACKEND_UNAVAILABLE' } } });
    }
  });
});

describe('PostgreSQL busy: a query waits a bounded time for a connection, then fails as unavailable', () => {
  it(`fails a query queued behind a busy pool after about ${APP_POOL_WAIT_MS} ms, not once the pool frees up`, async () => {
    // The app's pool, one connection, held by a 3 s statement: the next query queues behind it.
    const pool = createAppPgPool(nodeByRole(t.stack, 'pg-primary').url, 1, 'tierbench-test-wait');
    try {
      const holder = pool.query('SELECT pg_sleep(3)');
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      const err = await pool.query('SELECT 1').then(
        () => null,
        (e: unknown) => e,
      );
      const ms = Date.now() - started;
      expect(err, 'the queued query ran once the pool freed up: nothing bounds the wait').toBeInstanceOf(Error);
      expect(ms).toBeGreaterThanOrEqual(APP_POOL_WAIT_MS - 50);
      expect(ms).toBeLessThan(APP_POOL_WAIT_MS + 1_000);
      // 503 BACKEND_UNAVAILABLE, and the node is busy, not gone: a replica is not marked down for it.
      expect(isPgUnavailable(err)).toBe(true);
      expect(isPgUnreachable(err)).toBe(false);
      await holder;
    } finally {
      await pool.end();
    }
  });
});

describe('a PostgreSQL connection ended between two statements of a transaction', () => {
  // pg-pool leaves a checked-out client without an error listener: before checkOut() added one,
  // the server's FATAL arriving while no statement ran was an unhandled 'error' that crashed the process.
  it('fails the transaction instead of crashing the process', async () => {
    const url = nodeByRole(t.stack, 'pg-primary').url;
    const pool = createAppPgPool(url, 1, 'tierbench-test-tx');
    const admin = createPgPool(url, 1, 'tierbench-test-admin');
    try {
      const tx = pgTransaction(pool, async (q) => {
        const [row] = await q<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await pgQuery(admin, 'SELECT pg_terminate_backend($1)', [row!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return q('SELECT 1');
      });
      await expect(tx).rejects.toThrow();
      expect(await pgQuery(pool, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
      await admin.end();
    }
  });
});
