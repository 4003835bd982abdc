import type { MemcachedClient } from './adapters/memcached.ts';
import type { FanoutQueue } from './adapters/queue.ts';
import type { RedisClient } from './adapters/redis.ts';
import type { AppConfig } from './config.ts';
import type { OutboxState } from './services/outbox.ts';
import type { TierRouter } from './tiers/types.ts';

/** What every service needs: the tier's PostgreSQL routing, Redis, Memcached, the fan-out queue and the outbox. */
export interface AppContext {
  config: AppConfig;
  router: TierRouter;
  redis: RedisClient;
  memcached: MemcachedClient;
  queue: FanoutQueue;
  outbox: OutboxState;
}
