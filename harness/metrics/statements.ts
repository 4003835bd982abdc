import { pgExec, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';

/**
 * Exact per-node query counts from pg_stat_statements. PostgreSQL's cumulative statistics
 * (pg_stat_database, pg_stat_user_tables) are flushed by each backend at most once a second, and
 * by an idle one only after up to 10 s (PGSTAT_IDLE_INTERVAL): reading them right after a burst
 * undercounts. pg_stat_statements counts each statement in shared memory as it finishes.
 */

/**
 * Marks the harness's own statements (samplers, lag reads) so per-node counts leave them out:
 * pg_stat_statements keeps a statement's comments in its text.
 */
export const HARNESS_MARK = '/* tierbench-harness */';

/** Settings that load pg_stat_statements (a node must be started with them). */
export const STATEMENT_STATS_SETTINGS: Record<string, string> = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'top',
  'pg_stat_statements.max': '10000',
};

/** Creates the extension in the node's database (a primary; replicas get it through WAL). */
export async function enableStatementStats(pool: PgPool): Promise<void> {
  await pgExec(pool, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}

/**
 * Calls of the statements whose text matches `like` (SQL LIKE, e.g. '%.photos %'), summed over
 * every entry (each shard schema's statements are entries of their own); the harness's own
 * statements (HARNESS_MARK) are left out. null where the extension is not loaded.
 */
export async function statementCalls(pool: PgPool, like = '%'): Promise<number | null> {
  try {
    const [row] = await pgQuery<{ n: string | null }>(
      pool,
      `${HARNESS_MARK} SELECT sum(calls)::text AS n FROM pg_stat_statements WHERE query LIKE $1 AND query NOT LIKE '%tierbench-harness%'`,
      [like],
    );
    return Number(row?.n ?? 0);
  } catch {
    return null;
  }
}
