import { createAppPgPool } from '../adapters/postgres.ts';
import type { AppConfig } from '../config.ts';
import type { TierRouter } from './types.ts';

/** cache: one primary holds every logical shard and serves every read and write. */
export function cacheTier(config: AppConfig): TierRouter {
  const primary = createAppPgPool(config.postgres.primaries[0]!, config.pgPoolSize, 'tierbench-app');
  return {
    name: 'cache',
    pinsWriters: false,
    readPool: () => primary,
    writePool: () => primary,
    writeNode: () => 0,
    downNodes: () => [],
    pools: () => [primary],
    close: () => primary.end(),
  };
}
