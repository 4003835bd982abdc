import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { PgPool } from '../../app/adapters/postgres.ts';
import { APP_DEFAULTS, type AppConfig } from '../../app/config.ts';
import { AppError } from '../../app/errors.ts';
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
      expect(router.pools().length).toBeGreaterThan(0);
      for (const pool of router.pools()) {
        const options = (pool as unknown as { options: { min: number; max: number } }).options;
        expect(options.max).toBe(APP_DEFAULTS.pgPoolSize);
        expect(options.min).toBe(options.max);
      }
    } finally {
      await router.close();
    }
  });
});

/** Each pool's query replaced: it records the call and answers with the pool's name, or fails as told. */
function fake(pools: readonly PgPool[], names: string[]) {
  const calls: string[] = [];
  const failing = new Set<string>();
  pools.forEach((pool, i) => {
    const name = names[i]!;
    (pool as unknown as { query: unknown }).query = async () => {
      calls.push(name);
      if (failing.has(name)) throw Object.assign(new Error(`connect ECONNREFUSED (${name})`), { code: 'ECONNREFUSED' });
      return { rows: [{ node: name }] };
    };
  });
  return { calls, failing };
}

const base = { ...APP_DEFAULTS, host: '127.0.0.1', port: 0, redis: 'redis://127.0.0.1:1', memcached: '127.0.0.1:1', logicalShards: 8 };

describe('which tiers pin writers (read-your-writes)', () => {
  const pinsWriters = async (tier: string, readYourWritesMs: number): Promise<boolean> => {
    const router = createTierRouter({ ...base, tier, readYourWritesMs, postgres: { primaries: ['postgres://u@127.0.0.1:1/db'], replicas: ['postgres://u@127.0.0.1:2/db'] } });
    await router.close();
    return router.pinsWriters;
  };

  it('the replicas tier, unless readYourWritesMs is 0; no other tier', async () => {
    expect(APP_DEFAULTS.readYourWritesMs).toBeGreaterThan(0);
    expect(await pinsWriters('replicas', APP_DEFAULTS.readYourWritesMs)).toBe(true);
    expect(await pinsWriters('replicas', 0)).toBe(false);
    for (const tier of tierNames.filter((t) => t !== 'replicas')) expect(await pinsWriters(tier, APP_DEFAULTS.readYourWritesMs), tier).toBe(false);
  });
});

describe('replicas tier read routing', () => {
  const router = createTierRouter({ ...base, tier: 'replicas', postgres: { primaries: ['postgres://u@127.0.0.1:1/db'], replicas: ['postgres://u@127.0.0.1:2/db', 'postgres://u@127.0.0.1:3/db'] } });
  afterAll(() => router.close());
  const [, a, b] = router.pools();
  const f = fake(router.pools(), ['primary', 'a', 'b']);
  const queue = (pool: unknown, waiting: number) => Object.defineProperty(pool, 'waitingCount', { get: () => waiting, configurable: true });
  const reads = async (n: number) => {
    f.calls.length = 0;
    for (let i = 0; i < n; i++) await router.readPool(3).query('SELECT 1');
    return [...f.calls];
  };
  beforeEach(() => {
    queue(a, 0);
    queue(b, 0);
    f.failing.clear();
  });

  it('alternates between idle replicas and never reads from the primary', async () => {
    const picks = await reads(6);
    expect(picks.filter((p) => p === 'a')).toHaveLength(3);
    expect(picks.filter((p) => p === 'b')).toHaveLength(3);
    expect(router.writePool(0)).toBe(router.pools()[0]);
  });

  it('sends reads to the replica with fewer queries outstanding', async () => {
    queue(a, 5);
    queue(b, 1);
    expect(await reads(6)).toEqual(Array(6).fill('b'));
    queue(b, 9);
    expect(await reads(6)).toEqual(Array(6).fill('a'));
  });

  it('runs a read again on the other replica when one fails, and leaves the failed one alone', async () => {
    f.failing.add('a');
    queue(b, 3); // a would be picked first
    expect(await reads(1)).toEqual(['a', 'b']);
    expect(router.downNodes()).toEqual(['replica 1']);
    queue(b, 9);
    expect(await reads(4)).toEqual(Array(4).fill('b'));
    // Both down: the primary serves the reads.
    f.failing.add('b');
    expect(await reads(2)).toEqual(['b', 'primary', 'primary']);
    expect(router.downNodes()).toEqual(['replica 1', 'replica 2']);
  });
});

describe('sharded tier when a node is down', () => {
  const router = createTierRouter({ ...base, tier: 'sharded', postgres: { primaries: ['postgres://u@127.0.0.1:1/db', 'postgres://u@127.0.0.1:2/db'] } });
  afterAll(() => router.close());
  const f = fake(router.pools(), ['shard-node-0', 'shard-node-1']);

  it('fails requests for its shards at once with SHARD_UNAVAILABLE naming the shard; other shards serve', async () => {
    f.failing.add('shard-node-1');
    expect(router.writeNode(2)).toBe(0);
    expect(router.writeNode(6)).toBe(1);
    const err = await router.readPool(6).query('SELECT 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'SHARD_UNAVAILABLE', status: 503, message: expect.stringMatching(/^logical shard 6 is on PostgreSQL node 1 \(pg-shard-1\), which is not answering/) });
    expect(router.downNodes()).toEqual(['pg-shard-1']);
    // Now it fails fast, without trying the node; shard 7 is named in its own.
    f.calls.length = 0;
    await expect(router.writePool(7).query('SELECT 1')).rejects.toMatchObject({ code: 'SHARD_UNAVAILABLE', message: expect.stringContaining('logical shard 7 ') });
    await expect(router.writePool(7).connect()).rejects.toMatchObject({ code: 'SHARD_UNAVAILABLE' });
    expect(f.calls).toEqual([]);
    expect((await router.readPool(2).query('SELECT 1')).rows).toEqual([{ node: 'shard-node-0' }]);
  });

  it('passes other errors through unchanged', async () => {
    (router.pools()[0] as unknown as { query: unknown }).query = async () => {
      throw Object.assign(new Error('duplicate key'), { code: '23505' });
    };
    await expect(router.writePool(0).query('INSERT')).rejects.toMatchObject({ code: '23505' });
    expect(router.downNodes()).not.toContain('pg-shard-0');
  });
});
