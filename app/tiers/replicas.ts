import { createAppPgPool, type PgPool } from '../adapters/postgres.ts';
import type { AppConfig } from '../config.ts';
import { currentRequest } from '../request-context.ts';
import type { TierRouter } from './types.ts';

/** Queries a pool is running or holding in its queue. */
const outstanding = (pool: PgPool): number => pool.totalCount - pool.idleCount + pool.waitingCount;

/**
 * replicas: one primary takes every write; reads go to the R streaming replicas, each to the one
 * with the fewest outstanding queries (round-robin among equals), except for a session that wrote
 * in the last readYourWritesMs (writer-pinned read-your-writes: its reads go to the primary, so it
 * sees its own writes whatever the replicas' lag). Plain round-robin sends half the reads to a
 * replica that has stalled (a checkpoint, a CPU quota used up), and in a closed loop those reads
 * hold the clients while the other replica idles.
 */
export function replicasTier(config: AppConfig): TierRouter {
  const primary = createAppPgPool(config.postgres.primaries[0]!, config.pgPoolSize, 'tierbench-app');
  const replicas: PgPool[] = (config.postgres.replicas ?? []).map((url, i) => createAppPgPool(url, config.pgPoolSize, `tierbench-app-replica-${i + 1}`));
  let next = 0;
  return {
    name: 'replicas',
    readPool: () => {
      if (replicas.length === 0 || currentRequest()?.readFromPrimary) return primary;
      next = (next + 1) % replicas.length;
      let best = replicas[next]!;
      for (let i = 1; i < replicas.length; i++) {
        const candidate = replicas[(next + i) % replicas.length]!;
        if (outstanding(candidate) < outstanding(best)) best = candidate;
      }
      return best;
    },
    writePool: () => primary,
    close: async () => {
      await Promise.all([primary, ...replicas].map((p) => p.end()));
    },
  };
}
