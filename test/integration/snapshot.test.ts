import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../harness/results/types.ts';
import { keyName } from '../../harness/seed/snapshot.ts';
import { projectDirsLeft, recordedPids, runBench } from '../helpers/bench-process.ts';
import { isAlive, makeTempBase } from '../helpers/temp.ts';

const cwd = process.cwd();
const ARGS = ['run', '--tier', 'cache', '--scenario', 'photo-reads', '--profile', 'tiny', '--logical-shards', '8', '--rate', '100', '--warmup', '0', '--duration', '1s'];

describe('dataset snapshots', () => {
  const base = makeTempBase();
  afterAll(() => base.remove());
  const snapshots = () => join(base.dir, 'snapshots');
  const key = keyName({ profile: 'tiny', seed: 1, logicalShards: 8, nodes: 1 });
  let n = 0;

  async function bench(extra: string[] = []): Promise<{ stdout: string; results: ResultsFile }> {
    const out = join(base.dir, `reports-${n++}`);
    const run = runBench([...ARGS, '--out', out, ...extra], base.dir, cwd);
    const { code } = await run.exit;
    if (code !== 0) throw new Error(`bench run exited ${code}: ${run.stdout().slice(-2000)} ${run.stderr()}`);
    return { stdout: run.stdout(), results: JSON.parse(readFileSync(join(out, 'latest', 'results.json'), 'utf8')) as ResultsFile };
  }

  it('seeds and keeps a snapshot the first time, restores it the next time with the same data', async () => {
    const first = await bench();
    expect(first.results.dataset.source).toBe('seeded');
    expect(first.stdout).toMatch(new RegExp(`snapshot ${key} saved`));
    expect(existsSync(join(snapshots(), key, 'snapshot.json'))).toBe(true);

    const second = await bench();
    expect(second.results.dataset.source).toBe('snapshot');
    expect(second.stdout).toMatch(/restoring snapshot[\s\S]*\nrestored in [\d.]+s/);
    expect(second.results.dataset.digest).toBe(first.results.dataset.digest);
    expect(second.results.dataset.counts).toEqual(first.results.dataset.counts);
    expect(Object.values(second.results.trials[0]!.operations).every((o) => o.counts.errors === 0)).toBe(true);
  }, 240_000);

  it('--reseed seeds again and replaces the snapshot', async () => {
    const before = JSON.parse(readFileSync(join(snapshots(), key, 'snapshot.json'), 'utf8')) as { createdAt: string };
    const again = await bench(['--reseed']);
    expect(again.results.dataset.source).toBe('seeded');
    const after = JSON.parse(readFileSync(join(snapshots(), key, 'snapshot.json'), 'utf8')) as { createdAt: string };
    expect(after.createdAt > before.createdAt).toBe(true);
  }, 240_000);

  it('never trusts a half-made snapshot: no snapshot.json means seed again; a dead save is swept away', async () => {
    const other = keyName({ profile: 'tiny', seed: 2, logicalShards: 8, nodes: 1 });
    mkdirSync(join(snapshots(), other, 'pg-0'), { recursive: true });
    writeFileSync(join(snapshots(), other, 'redis.rdb'), 'half');
    const dead = join(snapshots(), `.partial-${other}-999999999`);
    mkdirSync(dead, { recursive: true });
    const run = await bench(['--seed', '2']);
    expect(run.results.dataset.source).toBe('seeded');
    expect(existsSync(join(snapshots(), other, 'snapshot.json'))).toBe(true);
    expect(readdirSync(snapshots()).filter((e) => e.startsWith('.'))).toEqual([]);
  }, 240_000);

  it('--snapshots off neither uses nor makes one', async () => {
    const run = await bench(['--snapshots', 'off', '--seed', '3']);
    expect(run.results.dataset.source).toBe('seeded');
    expect(existsSync(join(snapshots(), keyName({ profile: 'tiny', seed: 3, logicalShards: 8, nodes: 1 })))).toBe(false);
  }, 240_000);
});

describe('Ctrl-C while seeding', () => {
  it('exits 130 with every server stopped, no run folder and no snapshot (half-made or not) left', async () => {
    const base = makeTempBase();
    try {
      // small: long enough a load to interrupt in the middle.
      const run = runBench(['run', '--tier', 'cache', '--scenario', 'photo-reads', '--profile', 'small', '--duration', '1s', '--out', join(base.dir, 'reports')], base.dir, cwd);
      await run.waitFor('  load ', 120_000);
      const pids = recordedPids(base.dir);
      expect(pids.length).toBeGreaterThanOrEqual(3);
      run.child.kill('SIGINT');
      const { code } = await run.exit;
      expect(code).toBe(130);
      const deadline = Date.now() + 20_000;
      while ((pids.some(isAlive) || projectDirsLeft(base.dir).length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(pids.filter(isAlive)).toEqual([]);
      expect(projectDirsLeft(base.dir)).toEqual([]);
      const snaps = join(base.dir, 'snapshots');
      expect(existsSync(snaps) ? readdirSync(snaps) : []).toEqual([]);
    } finally {
      base.remove();
    }
  }, 180_000);
});

describe('room for the profile', () => {
  it('refuses a profile the disk cannot hold before any server starts, with the numbers (exit 3)', async () => {
    const base = makeTempBase();
    try {
      const run = runBench(['run', '--tier', 'cache', '--profile', 'small', '--snapshots', 'off'], base.dir, cwd, { TIERBENCH_FREE_DISK_BYTES: String(2 ** 30) });
      const { code } = await run.exit;
      expect(code).toBe(3);
      expect(run.stderr()).toMatch(/not enough room for small: ~9\.4M rows \(disk: needs ~\d+\.\d GiB, 1\.0 GiB free under .*\); pick a smaller --profile/);
      expect(run.stdout()).not.toMatch(/starting postgres/);
      expect(projectDirsLeft(base.dir)).toEqual([]);
    } finally {
      base.remove();
    }
  }, 60_000);
});
