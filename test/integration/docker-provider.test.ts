import { describe, expect, it } from 'vitest';
import { mcPing } from '../../app/adapters/memcached.ts';
import { pgPing } from '../../app/adapters/postgres.ts';
import { redisPing } from '../../app/adapters/redis.ts';
import { dockerProvider, dockerUnavailable } from '../../harness/stack/docker.ts';
import { runBench } from '../helpers/bench-process.ts';
import { makeTempBase } from '../helpers/temp.ts';

const why = await dockerUnavailable();

describe.skipIf(why !== null)(`docker provider${why ? ` — SKIPPED: ${why}` : ''}`, () => {
  it('starts the sharded topology as containers with per-node quotas, and removes them', async () => {
    const stack = await dockerProvider.up({ tier: 'sharded', pgShards: 2, log: () => {} });
    try {
      expect(stack.nodes.map((n) => n.role)).toEqual(['pg-shard-0', 'pg-shard-1', 'redis', 'memcached']);
      for (const n of stack.nodes) expect(await (n.role === 'redis' ? redisPing(n.url) : n.role === 'memcached' ? mcPing(n.url) : pgPing(n.url))).toBe(true);
      expect(stack.capacity.applied).toBe(true);
    } finally {
      await stack.down();
    }
  }, 300_000);
});

describe('docker provider without an engine', () => {
  it.skipIf(why === null)('says so with exit 3 and points to --stack local', async () => {
    const base = makeTempBase();
    try {
      const run = runBench(['run', '--tier', 'cache', '--stack', 'docker', '--profile', 'tiny'], base.dir, process.cwd());
      expect((await run.exit).code).toBe(3);
      expect(run.stderr()).toMatch(/no Docker engine answers.*--stack local/);
    } finally {
      base.remove();
    }
  }, 60_000);
});
