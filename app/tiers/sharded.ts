import { createAppPgPool } from '../adapters/postgres.ts';
import type { AppConfig } from '../config.ts';
import { nodeOfShard } from '../schema/shard-map.ts';
import type { TierRouter } from './types.ts';

/** sharded: P primaries hold the logical shards by the shard map; every read and write goes to the owner. */
export function shardedTier(config: AppConfig): TierRouter {
  const pools = config.postgres.primaries.map((url, i) => createAppPgPool(url, config.pgPoolSize, `tierbench-app-shard-${i}`));
  const owner = (shard: number) => pools[nodeOfShard(shard, config.logicalShards, pools.length)]!;
  return {
    name: 'sharded',
    readPool: owner,
    writePool: owner,
    close: async () => {
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}
