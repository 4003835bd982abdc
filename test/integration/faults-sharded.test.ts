import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { shardOf } from '../../app/schema/ids.ts';
import { nodeOfShard } from '../../app/schema/shard-map.ts';
import { shardDown } from '../../scenarios/shard-down.ts';
import { apiClient } from '../helpers/api-client.ts';
import { failedChecks, faultTrial, shortened } from '../helpers/fault-trial.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The sharded tier with a shard primary stopped: requests for its logical shards are 503
 * SHARD_UNAVAILABLE naming the shard, the rest is served, and after it restarts the checks find
 * nothing lost (the outbox finishes what waited for it).
 */
let t: TestStack;
const L = 8;
beforeAll(async () => {
  t = await startTestStack({ tier: 'sharded', pgShards: 2, logicalShards: L, workers: 1 });
}, 120_000);
afterAll(async () => t?.stop());

const nodeOf = (id: string) => nodeOfShard(shardOf(BigInt(id)), L, 2);

describe('a shard primary stopped', () => {
  it('fails its shards fast with SHARD_UNAVAILABLE naming the shard, and serves the others', async () => {
    const api = apiClient(t.app.baseUrl).call;
    const reader = t.manifest.userIds.find((u) => nodeOf(u) === 0)!;
    const down = t.manifest.photoIds.find((p) => nodeOf(p) === 1)!;
    const up = t.manifest.photoIds.find((p) => nodeOf(p) === 0)!;
    const mc = createMemcached(t.memcachedUrl);
    await mcFlush(mc);
    mc.close();
    await t.stack.control!.stop('pg-shard-1');
    try {
      const res = await api('GET', `/photos/${down}`, { token: t.tokenOf(reader) });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('SHARD_UNAVAILABLE');
      expect(res.body.error.message).toContain(`logical shard ${shardOf(BigInt(down))} `);
      expect((await api('GET', `/photos/${up}`, { token: t.tokenOf(reader) })).status).toBe(200);
      // A feed shows what it can: photos on the stopped node are left out, not the whole page.
      expect((await api('GET', `/users/${reader}/feed`, { token: t.tokenOf(reader) })).status).toBe(200);
      const health = await api('GET', '/health', {});
      expect(health.body.down).toContain('pg-shard-1');
    } finally {
      await t.stack.control!.start('pg-shard-1');
    }
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await api('GET', `/photos/${down}`, { token: t.tokenOf(reader) })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  }, 120_000);

  it('shard-down: errors during the outage, none lost after it (the checks pass once the outbox is empty)', async () => {
    const trial = await faultTrial(t, shortened(shardDown, { durationSec: 16, warmupSec: 3, rateScale: 1, actions: [{ atSec: 4, do: 'stop-node', node: 'pg-shard-1', forSec: 5 }] }));
    expect(failedChecks(trial)).toEqual([]);
    expect(trial.events.map((e) => e.kind)).toEqual(['node-stopped', 'node-started']);
    const f = trial.faults![0]!;
    expect(f.error).toBeUndefined();
    // Half of the shards were down: some requests failed, far from all.
    expect(f.during.errors).toBeGreaterThan(0);
    expect(f.during.ok).toBeGreaterThan(f.during.scheduled * 0.3);
    // Every error of the outage is a 5xx (SHARD_UNAVAILABLE / BACKEND_UNAVAILABLE), none a 4xx.
    const fiveXx = Object.values(f.during.byOperation).reduce((a, op) => a + (op.errorsByClass['5xx'] ?? 0), 0);
    expect(fiveXx).toBe(f.during.errors);
    expect(f.errorsRecoveredSec).not.toBeNull();
    expect(f.after.errors + f.after.timeouts).toBeLessThan(f.after.scheduled * 0.05);
  }, 180_000);
});
