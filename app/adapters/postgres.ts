import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import copyStreams from 'pg-copy-streams';

/** The only module that talks to PostgreSQL (app, seeder and samplers go through it). */

export type PgPool = pg.Pool;

/**
 * What the app's queries need of a pool: a pool itself, or a stand-in a tier's router hands out
 * (one that picks a replica per query and moves to another when one fails, one that answers at
 * once that a shard's node is down). pg.Pool is one.
 */
export interface PgTarget {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(queryTextOrConfig: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>>;
  connect(): Promise<pg.PoolClient>;
}

/**
 * `settings` are session settings for every connection (e.g. { synchronous_commit: 'off' });
 * `waitMs`, when set, is how long a query may wait for a connection (or a new connection take)
 * before failing with pg-pool's "timeout exceeded when trying to connect".
 */
export function createPgPool(url: string, max = 10, applicationName = 'tierbench', settings: Record<string, string> = {}, min = 0, waitMs?: number): PgPool {
  const options = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  const pool = new pg.Pool({ connectionString: url, max, min, application_name: applicationName, ...(options ? { options } : {}), ...(waitMs ? { connectionTimeoutMillis: waitMs } : {}) });
  // An idle client that loses its server (stack going down) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/**
 * The app's pool: fixed-size once grown, as an app server's pool is. pg-pool otherwise closes a
 * connection idle for 10 s, and its replacement pays again for a new backend, its catalog caches
 * and its prepared statements in every shard schema.
 *
 * A query waits at most APP_POOL_WAIT_MS for a connection, then fails (503 BACKEND_UNAVAILABLE):
 * an app server sheds load it cannot serve in time rather than queueing without bound. Without the
 * bound, an overloaded window left thousands of queries queued behind the node after their clients
 * had given up (a generator's 2 s timeout), and the app ran them all: perf:tiers' sweeps broke the
 * SLO at rates well below a knee they had held a window before, paying for the window that overloaded.
 */
export function createAppPgPool(url: string, size: number, applicationName: string): PgPool {
  return createPgPool(url, size, applicationName, {}, size, APP_POOL_WAIT_MS);
}

/** Under the load generators' 2 s request timeout, so a request that waited this long can still fail in time. */
export const APP_POOL_WAIT_MS = 1000;

export async function pgQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  pool: PgTarget,
  text: string,
  values?: unknown[],
): Promise<R[]> {
  const res = await pool.query<R>(text, values);
  return res.rows;
}

/** Runs several statements separated by ';' as one simple query. */
export async function pgExec(pool: PgTarget, sql: string): Promise<void> {
  await pool.query(sql);
}

/** Answers whether a server accepts a connection and a trivial query. */
export async function pgPing(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Streams ready-made binary COPY data into a table. With `freeze` (for big loads into a freshly
 * made table) it runs COPY ... FREEZE in one transaction with a TRUNCATE, as pgbench -i does: rows
 * land frozen and all-visible, so no later pass rewrites pages to set hint bits. Returns when the
 * server has committed them.
 */
export async function pgCopyBinary(pool: PgPool, table: string, columns: readonly string[], chunks: Iterable<Buffer>, freeze: boolean): Promise<void> {
  const client = await checkOut(pool);
  let broken: Error | undefined;
  try {
    if (freeze) await client.query(`BEGIN; TRUNCATE ${table}`);
    const copy = `COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT binary${freeze ? ', FREEZE' : ''})`;
    await pipeline(Readable.from(chunks), client.query(copyStreams.from(copy)));
    if (freeze) await client.query('COMMIT');
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * A pooled connection for several statements. pg-pool takes its error listener off a client it
 * hands out, so a server ending the connection between two statements (a node stopped or killed)
 * emitted an unhandled 'error' and took the process down: perf:seed did on SIGTERM, mid-COPY. Here
 * the next statement fails instead; a clean release() takes the listener off again.
 */
async function checkOut(pool: PgTarget): Promise<pg.PoolClient> {
  const client = await pool.connect();
  const ignore = () => {};
  client.on('error', ignore);
  const release = client.release.bind(client);
  client.release = (err?: Error | boolean) => {
    // A client released broken is being ended: a late error from its socket must still be caught.
    if (!err) client.off('error', ignore);
    release(err);
  };
  return client;
}

export type TxQuery = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/** Runs fn in one transaction on one pooled connection; rolls back if it throws. */
export async function pgTransaction<T>(pool: PgTarget, fn: (q: TxQuery) => Promise<T>): Promise<T> {
  const client = await checkOut(pool);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(async (text, values) => (await client.query(text, values)).rows);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is not given back to the pool.
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * PostgreSQL could not be reached or cannot serve now (shutting down, starting, out of connections
 * or memory, a statement cancelled or timed out): load or an outage, not a bug (a 503).
 */
export function isPgUnavailable(err: unknown): boolean {
  if (isPgUnreachable(err)) return true;
  const code = pgErrorCode(err) ?? '';
  // 53*: insufficient resources; 57P04/57P05: database dropped, idle session timeout; 57014: query cancelled.
  if (/^(53|57P0)/.test(code) || code === '57014') return true;
  // pg-pool waited connectionTimeoutMillis for a client: the pool is busy, not the server gone.
  return err instanceof Error && /timeout exceeded when trying to connect/i.test(err.message);
}

/**
 * The server itself is out of reach: no connection can be made or kept (refused, reset, timed out,
 * dropped), or it is shutting down or starting up (57P01-57P03). Not an answer from a live server
 * under load (out of memory or connections, a cancelled statement): that one is still there.
 */
export function isPgUnreachable(err: unknown): boolean {
  const code = pgErrorCode(err) ?? '';
  if (/^08/.test(code) || /^57P0[1-3]$/.test(code) || /^E(CONNREFUSED|CONNRESET|TIMEDOUT|PIPE|HOSTUNREACH)$/.test(code)) return true;
  return err instanceof Error && /Connection terminated|not connected|Client has encountered a connection error/i.test(err.message);
}

/** SQLSTATE of a PostgreSQL error, e.g. '23505' for a unique violation. */
export function pgErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** A named (prepared) statement: parsed and planned once per connection, then only bound and run. */
export async function pgPrepared<R extends pg.QueryResultRow = pg.QueryResultRow>(
  pool: PgTarget,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const res = await pool.query<R>({ name, text, values });
  return res.rows;
}
