import { createPgPool, type PgPool } from '../adapters/postgres.ts';
import type { AppConfig } from '../config.ts';
import { currentRequest } from '../request-context.ts';
import type { TierRouter } from './types.ts';

/**
 * replicas: one primary takes every write; reads go round-robin to R streaming replicas, except
 * for a session that wrote in the last readYourWritesMs (writer-pinned read-your-writes: its reads
 * go to the primary, so it sees its own writes whatever the replicas' lag).
 */
export function replicasTier(config: AppConfig): TierRouter {
  const primary = createPgPool(config.postgres.primaries[0]!, config.pgPoolSize, 'tierbench-app', {}, true);
  const replicas: PgPool[] = (config.postgres.replicas ?? []).map((url, i) => createPgPool(url, config.pgPoolSize, `tierbench-app-replica-${i + 1}`, {}, true));
  let next = 0;
  return {
    name: 'replicas',
    readPool: () => {
      if (replicas.length === 0 || currentRequest()?.readFromPrimary) return primary;
      next = (next + 1) % replicas.length;
      return replicas[next]!;
    },
    writePool: () => primary,
    close: async () => {
      await Promise.all([primary, ...replicas].map((p) => p.end()));
    },
  };
}
