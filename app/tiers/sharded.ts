import type pg from 'pg';
import { createAppPgPool, type PgPool, type PgTarget } from '../adapters/postgres.ts';
import type { AppConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { nodeOfShard } from '../schema/shard-map.ts';
import { NodeHealth } from './node-health.ts';
import type { TierRouter } from './types.ts';

/**
 * A shard's way to its node. While the node is down, every query and transaction for the shard
 * fails at once with SHARD_UNAVAILABLE naming the shard (a 503), and so does one that finds the
 * node unreachable: requests for the other nodes' shards are served as usual.
 */
function shardTarget(shard: number, node: number, pool: PgPool, health: NodeHealth): PgTarget {
  const unavailable = () => new AppError('SHARD_UNAVAILABLE', `logical shard ${shard} is on PostgreSQL node ${node} (${health.label}), which is not answering; other shards are served`);
  const guard = <T>(work: () => Promise<T>): Promise<T> => {
    if (health.down) return Promise.reject(unavailable());
    return work().catch((err: unknown) => {
      throw health.failed(err) ? unavailable() : err;
    });
  };
  return {
    query: <R extends pg.QueryResultRow>(text: string | pg.QueryConfig, values?: unknown[]) => guard(() => pool.query<R>(text, values)),
    connect: () => guard(() => pool.connect()),
  };
}

/** sharded: P primaries hold the logical shards by the shard map; every read and write goes to the owner. */
export function shardedTier(config: AppConfig): TierRouter {
  const pools = config.postgres.primaries.map((url, i) => createAppPgPool(url, config.pgPoolSize, `tierbench-app-shard-${i}`));
  const health = pools.map((pool, i) => new NodeHealth(`pg-shard-${i}`, pool));
  const nodeOf = (shard: number) => nodeOfShard(shard, config.logicalShards, pools.length);
  const targets: Array<PgTarget | undefined> = [];
  const owner = (shard: number): PgTarget => (targets[shard] ??= shardTarget(shard, nodeOf(shard), pools[nodeOf(shard)]!, health[nodeOf(shard)]!));
  return {
    name: 'sharded',
    pinsWriters: false,
    readPool: owner,
    writePool: owner,
    writeNode: nodeOf,
    downNodes: () => health.filter((h) => h.down).map((h) => h.label),
    pools: () => pools,
    close: async () => {
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}
