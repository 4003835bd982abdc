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

/** What a pg_stat_statements entry is, from its text: the logical shard it names, whether it writes there, whether it is the harness's own. */
export interface StatementKind {
  /** "s0003" for a statement on shard schema s0003; null when it names none. */
  shard: string | null;
  write: boolean;
  harness: boolean;
}

const SHARD = /\bs([0-9]{4})\./;
const WRITE = /(INSERT INTO|UPDATE|DELETE FROM) s[0-9]{4}\./;

export function statementKind(text: string): StatementKind {
  const shard = SHARD.exec(text)?.[1];
  return { shard: shard === undefined ? null : `s${shard}`, write: WRITE.test(text), harness: text.includes(HARNESS_MARK) };
}

/** Calls per node, as a snapshot counts them: all but the harness's, those that write, and those that write per shard schema. */
export interface StatementCounts {
  queries: number | null;
  /** Write statements on the shard schemas, in all and per schema ("s0003" -> calls). */
  writes: number | null;
  shardWrites: Record<string, number>;
}

/** Each pool's entries, by queryid, as far as their texts have been read. */
const kindsByPool = new WeakMap<PgPool, Map<string, StatementKind>>();

/**
 * Reads the texts of the entries not classified yet. Reading texts is what costs: pg_stat_statements
 * then loads its whole query-text file. On a node holding all 64 shard schemas (2,630 entries, about
 * 450 kB of text) one reading with texts cost the node 14-22 ms of CPU, one by queryid alone 4-6 ms
 * (npm run perf:sampler). Read every second, that was 7-11% of a 0.2-CPU node's quota, spent in one
 * burst that used up most of a 100 ms CFS period's share, so the node stalled for the rest of that
 * period once a second; a sharded node, with a quarter of the schemas, paid about a quarter of it.
 */
async function learnKinds(pool: PgPool, kinds: Map<string, StatementKind>, ids: readonly string[]): Promise<void> {
  const rows = await pgQuery<{ queryid: string; query: string | null }>(
    pool,
    `${HARNESS_MARK} SELECT DISTINCT queryid::text AS queryid, query FROM pg_stat_statements WHERE queryid = ANY($1::bigint[])`,
    [ids],
  );
  for (const r of rows) if (r.query !== null) kinds.set(r.queryid, statementKind(r.query));
}

/**
 * The node's statement calls (pg_stat_statements), each entry classified once by its text and then
 * counted by queryid only (pg_stat_statements(false) reads shared memory, not the text file). An
 * entry whose text could not be read yet counts as a query that writes nowhere, and is read again
 * next time. null counts where the extension is not loaded.
 */
export async function statementCounts(pool: PgPool): Promise<StatementCounts> {
  try {
    const rows = await pgQuery<{ queryid: string; calls: string }>(
      pool,
      `${HARNESS_MARK} SELECT queryid::text AS queryid, sum(calls)::text AS calls FROM pg_stat_statements(false) WHERE queryid IS NOT NULL GROUP BY queryid`,
    );
    let kinds = kindsByPool.get(pool);
    if (!kinds) kindsByPool.set(pool, (kinds = new Map()));
    const unknown = rows.filter((r) => !kinds.has(r.queryid)).map((r) => r.queryid);
    if (unknown.length > 0) await learnKinds(pool, kinds, unknown);
    return countByKind(rows.map((r) => ({ calls: Number(r.calls), kind: kinds.get(r.queryid) ?? null })));
  } catch {
    return { queries: null, writes: null, shardWrites: {} };
  }
}

/** Sums calls by kind; an entry of unknown kind counts as a query only. Pure. */
export function countByKind(entries: ReadonlyArray<{ calls: number; kind: StatementKind | null }>): StatementCounts {
  let queries = 0;
  let writes = 0;
  const shardWrites: Record<string, number> = {};
  for (const { calls, kind } of entries) {
    if (kind?.harness) continue;
    queries += calls;
    if (!kind?.write) continue;
    writes += calls;
    if (kind.shard !== null) shardWrites[kind.shard] = (shardWrites[kind.shard] ?? 0) + calls;
  }
  return { queries, writes, shardWrites };
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
