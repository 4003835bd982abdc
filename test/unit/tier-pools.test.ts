import { afterAll, describe, expect, it } from 'vitest';
import { APP_DEFAULTS, type AppConfig } from '../../app/config.ts';
import { createTierRouter, tierNames } from '../../app/tiers/index.ts';

// Pools are made without connecting, so no server is needed. A pool that closes idle connections
// makes every pause in traffic cost a reconnect plus catalog and prepared-statement warm-up per
// shard schema: perf:app's uncached reads ran at about half speed that way.
describe('tier pools', () => {
  const config = (tier: string): AppConfig => ({
    ...APP_DEFAULTS,
    tier,
    host: '127.0.0.1',
    port: 0,
    postgres: { primaries: ['postgres://u@127.0.0.1:1/db', 'postgres://u@127.0.0.1:2/db'], replicas: ['postgres://u@127.0.0.1:3/db'] },
    redis: 'redis://127.0.0.1:1',
    memcached: '127.0.0.1:1',
    logicalShards: 8,
  });

  it.each(tierNames)('%s keeps every pooled connection while idle (min = max)', async (tier) => {
    const router = createTierRouter(config(tier));
    try {
      const pools = new Set([0, 7].flatMap((shard) => [router.readPool(shard), router.readPool(shard), router.writePool(shard)]));
      expect(pools.size).toBeGreaterThan(0);
      for (const pool of pools) {
        const options = (pool as unknown as { options: { min: number; max: number } }).options;
        expect(options.max).toBe(APP_DEFAULTS.pgPoolSize);
        expect(options.min).toBe(options.max);
      }
    } finally {
      await router.close();
    }
  });
});

describe('replicas tier read routing', () => {
  const router = createTierRouter({
    ...APP_DEFAULTS,
    tier: 'replicas',
    host: '127.0.0.1',
    port: 0,
    postgres: { primaries: ['postgres://u@127.0.0.1:1/db'], replicas: ['postgres://u@127.0.0.1:2/db', 'postgres://u@127.0.0.1:3/db'] },
    redis: 'redis://127.0.0.1:1',
    memcached: '127.0.0.1:1',
    logicalShards: 8,
  });
  afterAll(() => router.close());
  const [a, b] = [router.readPool(0), router.readPool(0)];
  const queue = (pool: unknown, waiting: number) => Object.defineProperty(pool, 'waitingCount', { get: () => waiting, configurable: true });

  it('alternates between idle replicas and never reads from the primary', () => {
    expect(a).not.toBe(b);
    expect(a).not.toBe(router.writePool(0));
    const picks = Array.from({ length: 6 }, () => router.readPool(3));
    expect(picks.filter((p) => p === a)).toHaveLength(3);
    expect(picks.filter((p) => p === b)).toHaveLength(3);
  });

  it('sends reads to the replica with fewer queries outstanding', () => {
    queue(a, 5);
    queue(b, 1);
    expect(Array.from({ length: 6 }, () => router.readPool(3)).every((p) => p === b)).toBe(true);
    queue(b, 9);
    expect(Array.from({ length: 6 }, () => router.readPool(3)).every((p) => p === a)).toBe(true);
  });
});
