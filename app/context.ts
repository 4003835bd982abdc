import type { MemcachedClient } from './adapters/memcached.ts';
import type { FanoutQueue } from './adapters/queue.ts';
import type { RedisClient } from './adapters/redis.ts';
import type { AppConfig } from './config.ts';
import type { TierRouter } from './tiers/types.ts';

/** What every service needs: the tier's PostgreSQL routing, Redis, Memcached and the fan-out queue. */
export interface AppContext {
  config: AppConfig;
  router: TierRouter;
  redis: RedisClient;
  memcached: MemcachedClient;
  queue: FanoutQueue;
}
