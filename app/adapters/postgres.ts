import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import copyStreams from 'pg-copy-streams';

/** The only module that talks to PostgreSQL (app, seeder and samplers go through it). */

export type PgPool = pg.Pool;

export function createPgPool(url: string, max = 10, applicationName = 'tierbench'): PgPool {
  const pool = new pg.Pool({ connectionString: url, max, application_name: applicationName });
  // An idle client that loses its server (stack going down) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

export async function pgQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  pool: PgPool,
  text: string,
  values?: unknown[],
): Promise<R[]> {
  const res = await pool.query<R>(text, values);
  return res.rows;
}

/** Runs several statements separated by ';' as one simple query. */
export async function pgExec(pool: PgPool, sql: string): Promise<void> {
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

/** Text-format COPY cell: NULL as \N, escapes for backslash, tab and newlines. */
function copyCell(value: string | number | bigint | null): string {
  if (value === null) return '\\N';
  const text = String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}

export type CopyRow = ReadonlyArray<string | number | bigint | null>;

/** Streams rows into a table with COPY FROM STDIN (text format), on one pooled connection. */
export async function pgCopyRows(
  pool: PgPool,
  table: string,
  columns: readonly string[],
  rows: Iterable<CopyRow>,
): Promise<number> {
  const client = await pool.connect();
  let count = 0;
  try {
    const sink = client.query(copyStreams.from(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
    function* lines(): Generator<string> {
      let batch = '';
      for (const row of rows) {
        batch += row.map(copyCell).join('\t') + '\n';
        count++;
        if (batch.length > 1 << 16) {
          yield batch;
          batch = '';
        }
      }
      if (batch) yield batch;
    }
    await pipeline(Readable.from(lines()), sink);
    return count;
  } finally {
    client.release();
  }
}

export type TxQuery = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/** Runs fn in one transaction on one pooled connection; rolls back if it throws. */
export async function pgTransaction<T>(pool: PgPool, fn: (q: TxQuery) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(async (text, values) => (await client.query(text, values)).rows);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** SQLSTATE of a PostgreSQL error, e.g. '23505' for a unique violation. */
export function pgErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** A named (prepared) statement: parsed and planned once per connection, then only bound and run. */
export async function pgPrepared<R extends pg.QueryResultRow = pg.QueryResultRow>(
  pool: PgPool,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const res = await pool.query<R>({ name, text, values });
  return res.rows;
}
