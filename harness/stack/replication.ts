import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { StackError } from '../errors.ts';
import { HARNESS_MARK } from '../metrics/statements.ts';

/** Replay lag of each replica behind the primary: WAL bytes not replayed, and seconds behind (0 when caught up). */
export async function replicaLag(primaryUrl: string, replicaUrls: readonly string[]): Promise<Array<{ bytes: number; seconds: number | null }>> {
  const pools = [primaryUrl, ...replicaUrls].map((u) => createPgPool(u, 1, 'tierbench-lag'));
  try {
    const lag = await replicaLagOn(pools[0]!, pools.slice(1));
    return lag.map((l, i) => {
      if (!l) throw new StackError(`replica ${replicaUrls[i]} could not be read`);
      return l;
    });
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
}

/**
 * replicaLag on connections the caller keeps (a sampler reading it every second); a replica that
 * cannot be read (down in a fault scenario) is null, the others are still read.
 */
export async function replicaLagOn(primary: PgPool, replicas: readonly PgPool[]): Promise<Array<{ bytes: number; seconds: number | null } | null>> {
  const [head] = await pgQuery<{ lsn: string }>(primary, `${HARNESS_MARK} SELECT pg_current_wal_lsn()::text AS lsn`);
  return Promise.all(
    replicas.map(async (pool) => {
      const [r] = await pgQuery<{ bytes: string | null; seconds: number | null }>(
        pool,
        `${HARNESS_MARK} SELECT pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::text AS bytes,
                extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS seconds`,
        [head!.lsn],
      );
      const bytes = Math.max(0, Number(r?.bytes ?? 0));
      // Caught up means no lag, however long ago the last transaction was.
      return { bytes, seconds: bytes === 0 ? 0 : (r?.seconds ?? null) };
    }).map((p) => p.catch(() => null)),
  );
}

/** Waits until every replica has replayed what the primary had written when called. */
export async function waitForReplicas(primaryUrl: string, replicaUrls: readonly string[], timeoutMs = 120_000): Promise<void> {
  if (replicaUrls.length === 0) return;
  const primary = createPgPool(primaryUrl, 1, 'tierbench-lag');
  const replicas = replicaUrls.map((u) => createPgPool(u, 1, 'tierbench-lag'));
  try {
    const [head] = await pgQuery<{ lsn: string }>(primary, 'SELECT pg_current_wal_lsn()::text AS lsn');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const caught = await Promise.all(
        replicas.map(async (pool) => (await pgQuery<{ ok: boolean }>(pool, 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [head!.lsn]))[0]?.ok === true),
      );
      if (caught.every(Boolean)) return;
      if (Date.now() > deadline) throw new StackError(`replicas did not catch up with the primary within ${timeoutMs / 1000}s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await Promise.all([primary, ...replicas].map((p) => p.end()));
  }
}
