import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery } from '../../app/adapters/postgres.ts';
import { capacityUnavailable } from '../../harness/stack/capacity.ts';
import { localProvider } from '../../harness/stack/local.ts';
import { nodeByRole, type Stack } from '../../harness/stack/types.ts';
import { makeTempBase } from '../helpers/temp.ts';

const base = makeTempBase();
let stack: Stack;

function cgroupOf(pid: number, controller: string): string {
  const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
    .split('\n')
    .find((l) => l.split(':')[1]?.split(',').includes(controller));
  return line?.split(':')[2] ?? '';
}

beforeAll(async () => {
  stack = await localProvider.up({ tier: 'cache', baseDir: base.dir, capacity: { cpus: 0.1, memoryBytes: 512 * 2 ** 20 }, log: () => {} });
}, 60_000);
afterAll(async () => {
  await stack?.down();
  base.remove();
});

describe('node capacity model (cgroup v1)', () => {
  it('is available on this machine as root, or the reason says why', () => {
    if (process.getuid?.() === 0) expect(capacityUnavailable()).toBeNull();
    else expect(capacityUnavailable()).toMatch(/root/);
  });

  it('puts the node and its backends in a group with the quota and budget, and the quota throttles', async () => {
    if (capacityUnavailable()) return expect(stack.capacity.applied).toBe(false);
    expect(stack.capacity).toMatchObject({ applied: true, perNode: { cpus: 0.1, memoryBytes: 512 * 2 ** 20 } });
    const pg = nodeByRole(stack, 'pg-primary');
    const group = cgroupOf(pg.pid!, 'cpu');
    expect(group).toMatch(/tierbench-stack-.*-pg-primary$/);
    expect(cgroupOf(pg.pid!, 'memory')).toBe(group);
    // 0.1 CPU as 1 ms in every 10 ms period (harness/stack/capacity.ts says why not 10 in 100).
    expect(readFileSync(`/sys/fs/cgroup/cpu${group}/cpu.cfs_period_us`, 'utf8').trim()).toBe('10000');
    expect(readFileSync(`/sys/fs/cgroup/cpu${group}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('1000');
    expect(readFileSync(`/sys/fs/cgroup/memory${group}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(512 * 2 ** 20));

    const pool = createPgPool(pg.url, 1);
    try {
      const [backend] = await pgQuery<{ pid: number }>(pool, 'SELECT pg_backend_pid() AS pid');
      expect(cgroupOf(backend!.pid, 'cpu')).toBe(group);
      const stat = (field: string) => Number(new RegExp(`${field} (\\d+)`).exec(readFileSync(`/sys/fs/cgroup/cpu${group}/cpu.stat`, 'utf8'))![1]);
      const before = { count: stat('nr_throttled'), ns: stat('throttled_time') };
      await pgQuery(pool, 'SELECT count(*) FROM generate_series(1, 5000000)');
      const throttles = stat('nr_throttled') - before.count;
      expect(throttles).toBeGreaterThan(0);
      // Each stall is short next to the SLOs (at a 100 ms period it would be about 90 ms).
      const meanStallMs = (stat('throttled_time') - before.ns) / throttles / 1e6;
      expect(meanStallMs).toBeLessThan(20);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('removes the groups when the stack goes down', async () => {
    if (capacityUnavailable()) return;
    const group = cgroupOf(nodeByRole(stack, 'pg-primary').pid!, 'cpu');
    await stack.down();
    expect(existsSync(`/sys/fs/cgroup/cpu${group}`)).toBe(false);
    expect(existsSync(`/sys/fs/cgroup/memory${group}`)).toBe(false);
  });
});
