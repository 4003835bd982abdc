import { createPgPool, pgQuery } from '../../app/adapters/postgres.ts';
import { HARNESS_MARK } from '../metrics/statements.ts';
import { waitForReplicas } from './replication.ts';

/** The relations worth loading: the app's tables and indexes, outside PostgreSQL's own schemas. */
const RELATIONS_SQL = `${HARNESS_MARK} SELECT c.oid::regclass::text AS rel
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'i') AND c.relpersistence = 'p'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  ORDER BY c.relkind DESC, c.oid`;

/**
 * Loads every app table and index of every PostgreSQL node (primaries and replicas) into its
 * shared buffers with pg_prewarm, so a measurement starts on warm nodes, as a production node that
 * has served for hours is. Without it a node restored from a snapshot (or a replica just made by
 * pg_basebackup) reads its pages in while the first windows run: perf:tiers' replicas sweep broke
 * its SLO at 888 req/s early on and held 1,915 req/s twenty windows later, and where in that
 * warm-up a sweep's knee fell moved the reads ratio between 1.23 and 1.77. A node whose data are
 * larger than shared_buffers keeps what was loaded last. Returns the megabytes loaded per node.
 */
export async function prewarmPostgres(primaryUrls: readonly string[], replicaUrls: readonly string[]): Promise<number[]> {
  // The extension is created on the primaries; the replicas get it by replaying their WAL.
  for (const url of primaryUrls) await onNode(url, (pool) => pgQuery(pool, `${HARNESS_MARK} CREATE EXTENSION IF NOT EXISTS pg_prewarm`));
  if (primaryUrls[0] !== undefined) await waitForReplicas(primaryUrls[0], replicaUrls);
  return Promise.all([...primaryUrls, ...replicaUrls].map((url) => onNode(url, prewarmNode)));
}

async function prewarmNode(pool: ReturnType<typeof createPgPool>): Promise<number> {
  const rels = await pgQuery<{ rel: string }>(pool, RELATIONS_SQL);
  let blocks = 0;
  for (const { rel } of rels) {
    const [row] = await pgQuery<{ blocks: string }>(pool, `${HARNESS_MARK} SELECT pg_prewarm($1::regclass)::text AS blocks`, [rel]);
    blocks += Number(row?.blocks ?? 0);
  }
  const [bs] = await pgQuery<{ bs: string }>(pool, `${HARNESS_MARK} SELECT current_setting('block_size') AS bs`);
  return (blocks * Number(bs?.bs ?? 8192)) / 2 ** 20;
}

async function onNode<T>(url: string, work: (pool: ReturnType<typeof createPgPool>) => Promise<T>): Promise<T> {
  const pool = createPgPool(url, 1, 'tierbench-prewarm');
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}
