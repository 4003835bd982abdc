import type pg from 'pg';
import { createAppPgPool, type PgPool, type PgTarget } from '../adapters/postgres.ts';
import type { AppConfig } from '../config.ts';
import { currentRequest } from '../request-context.ts';
import { NodeHealth } from './node-health.ts';
import type { TierRouter } from './types.ts';

/** Queries a pool is running or holding in its queue. */
const outstanding = (pool: PgPool): number => pool.totalCount - pool.idleCount + pool.waitingCount;

interface Replica {
  pool: PgPool;
  health: NodeHealth;
}

/**
 * replicas: one primary takes every write; reads go to the R streaming replicas, each to the one
 * with the fewest outstanding queries (round-robin among equals), except for a session that wrote
 * in the last readYourWritesMs (writer-pinned read-your-writes: its reads go to the primary, so it
 * sees its own writes whatever the replicas' lag). Plain round-robin sends half the reads to a
 * replica that has stalled (a checkpoint, a CPU quota used up), and in a closed loop those reads
 * hold the clients while the other replica idles.
 *
 * A replica whose connections fail (killed, shut down, restarting) is marked down and skipped;
 * the read that found it down is run again on another replica, or on the primary when none is
 * left, so losing a replica costs latency, not errors. A second later reads try it again
 * (NodeHealth): once it answers, having caught up with the primary's WAL as a streaming replica
 * does, it takes its share again.
 */
export function replicasTier(config: AppConfig): TierRouter {
  const primary = createAppPgPool(config.postgres.primaries[0]!, config.pgPoolSize, 'tierbench-app');
  const replicas: Replica[] = (config.postgres.replicas ?? []).map((url, i) => {
    const pool = createAppPgPool(url, config.pgPoolSize, `tierbench-app-replica-${i + 1}`);
    return { pool, health: new NodeHealth(`replica ${i + 1}`, pool) };
  });
  let next = 0;

  /** The replica with the fewest outstanding queries among those up and not yet tried; null if none. */
  const pick = (tried: ReadonlySet<Replica> | null): Replica | null => {
    next = (next + 1) % replicas.length;
    let best: Replica | null = null;
    for (let i = 0; i < replicas.length; i++) {
      const candidate = replicas[(next + i) % replicas.length]!;
      if (candidate.health.down || tried?.has(candidate)) continue;
      if (best === null || outstanding(candidate.pool) < outstanding(best.pool)) best = candidate;
    }
    return best;
  };

  async function read<R extends pg.QueryResultRow>(text: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>> {
    // Made on a first failure only: nearly every read succeeds on its first replica.
    let tried: Set<Replica> | null = null;
    for (;;) {
      const replica = pick(tried);
      if (!replica) return primary.query<R>(text, values);
      try {
        return await replica.pool.query<R>(text, values);
      } catch (err) {
        // Reads are safe to run again: on another replica, or the primary.
        if (!replica.health.failed(err)) throw err;
        (tried ??= new Set()).add(replica);
      }
    }
  }

  const replicaReads: PgTarget = {
    query: read,
    // Transactions are never run on a read pool; one would get a replica without failing over.
    connect: () => (pick(null)?.pool ?? primary).connect(),
  };

  return {
    name: 'replicas',
    // readYourWritesMs 0 turns pinning off (the control of the read-after-write scenario).
    pinsWriters: config.readYourWritesMs > 0,
    readPool: () => (replicas.length === 0 || currentRequest()?.readFromPrimary ? primary : replicaReads),
    writePool: () => primary,
    writeNode: () => 0,
    downNodes: () => replicas.filter((r) => r.health.down).map((r) => r.health.label),
    pools: () => [primary, ...replicas.map((r) => r.pool)],
    close: async () => {
      await Promise.all([primary, ...replicas.map((r) => r.pool)].map((p) => p.end()));
    },
  };
}
