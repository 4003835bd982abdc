import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectDirsLeft, runBench } from '../helpers/bench-process.ts';
import { isAlive, makeTempBase } from '../helpers/temp.ts';

const cwd = process.cwd();

describe('bench stack up | status | down, and runs that use a kept stack', () => {
  const base = makeTempBase();
  afterAll(async () => {
    // Whatever happened above, stop a stack left up.
    await runBench(['stack', 'down'], base.dir, cwd).exit;
    base.remove();
  });

  it('keeps servers running between runs, reuses the seeded dataset, and stops them on down', async () => {
    const up = runBench(['stack', 'up'], base.dir, cwd);
    expect((await up.exit).code).toBe(0);
    const pids = [...up.stdout().matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(3);
    expect(pids.every(isAlive)).toBe(true); // outlived the `stack up` process

    const status = runBench(['stack', 'status'], base.dir, cwd);
    expect((await status.exit).code).toBe(0);
    expect(status.stdout().match(/ up$/gm)).toHaveLength(3);

    const args = ['run', '--tier', 'cache', '--scenario', 'photo-reads', '--profile', 'tiny', '--logical-shards', '4', '--rate', '100', '--duration', '1s', '--warmup', '1s', '--out', join(base.dir, 'reports')];
    const first = runBench(args, base.dir, cwd);
    expect((await first.exit).code, first.stderr()).toBe(0);
    expect(first.stdout()).toMatch(/using the running stack/);
    expect(first.stdout()).toMatch(/seeding tiny/);
    const second = runBench(args, base.dir, cwd);
    expect((await second.exit).code, second.stderr()).toBe(0);
    expect(second.stdout()).toMatch(/already loaded on this stack/);
    expect(pids.every(isAlive)).toBe(true); // runs leave a kept stack running

    const other = runBench([...args, '--seed', '2'], base.dir, cwd);
    expect((await other.exit).code).toBe(3);
    expect(other.stderr()).toMatch(/bench stack down/);

    const down = runBench(['stack', 'down'], base.dir, cwd);
    expect((await down.exit).code).toBe(0);
    expect(pids.some(isAlive)).toBe(false);
    expect(projectDirsLeft(base.dir)).toEqual([]);
  }, 180_000);
});
