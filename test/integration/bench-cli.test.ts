import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../harness/results/types.ts';
import { expectCleanReport, openReport } from '../helpers/browser.ts';
import { projectDirsLeft, recordedPids, runBench } from '../helpers/bench-process.ts';
import { isAlive, makeTempBase } from '../helpers/temp.ts';

const cwd = process.cwd();
const SHORT = ['--profile', 'tiny', '--logical-shards', '8', '--scenario', 'photo-reads', '--rate', '200', '--warmup', '1s'];

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && pids.some(isAlive)) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(isAlive);
}

describe('bench run, end to end on real servers', () => {
  const base = makeTempBase();
  let run: ReturnType<typeof runBench>;
  let results: ResultsFile;
  let out = '';

  beforeAll(async () => {
    out = join(base.dir, 'reports');
    // The default: every tier, one after another, in one run.
    run = runBench(['run', ...SHORT, '--duration', '3s', '--out', out], base.dir, cwd);
    const { code } = await run.exit;
    if (code !== 0) throw new Error(`bench run exited ${code}: ${run.stdout().slice(-2000)} ${run.stderr()}`);
    results = JSON.parse(readFileSync(join(out, 'latest', 'results.json'), 'utf8')) as ResultsFile;
  }, 300_000);
  afterAll(() => base.remove());

  it('runs every tier in one run: one results.json, one report, a row per tier on the terminal', () => {
    expect(results.trials.map((t) => `${t.tier}/${t.scenario}`)).toEqual(['cache/photo-reads', 'replicas/photo-reads', 'sharded/photo-reads']);
    for (const t of results.trials) expect(t.checks.every((c) => c.ok), JSON.stringify(t.checks)).toBe(true);
    expect(results.trials[1]!.backends.postgres.map((n) => n.role)).toEqual(['pg-primary', 'pg-replica', 'pg-replica']);
    expect(results.trials[2]!.backends.postgres.map((n) => n.node)).toEqual(['pg-shard-0', 'pg-shard-1', 'pg-shard-2', 'pg-shard-3']);
    for (const tier of ['cache', 'replicas', 'sharded']) expect(run.stdout()).toMatch(new RegExp(`^${tier}\\s+\\|`, 'm'));
  });

  it('writes results.json (schemaVersion 2) with a measured trial whose accounting adds up', () => {
    expect(results.schemaVersion).toBe(2);
    expect(results.dataset).toMatchObject({ profile: 'tiny', logicalShards: 8, counts: { users: 1000, photos: 10000 } });
    const trial = results.trials[0]!;
    expect(trial).toMatchObject({ tier: 'cache', scenario: 'photo-reads' });
    const op = trial.operations.getPhoto!;
    expect(op.counts.ok).toBeGreaterThan(400);
    expect(op.counts.errors).toBe(0);
    expect(op.latency.ok.count).toBe(op.counts.ok);
    expect(op.latency.all.count).toBe(op.counts.scheduled);
    expect(trial.checks.length).toBeGreaterThan(0);
    expect(trial.checks.every((c) => c.ok)).toBe(true);
    // The hit rate is memcached's own: after a warm-up over a Zipf population most gets hit.
    expect(trial.backends.memcached.hitRate).toBeGreaterThan(0.3);
    expect(trial.backends.memcached.getHits + trial.backends.memcached.getMisses).toBeGreaterThanOrEqual(op.counts.ok * 0.9);
    // The default run gives each PostgreSQL node 0.5 CPU and 1 GiB where cgroups can be used (root).
    expect(results.environment.capacityModel.applied).toBe(process.getuid?.() === 0);
    // The report says over what period the quota runs: it bounds how long a throttled node stalls.
    if (process.getuid?.() === 0) expect(results.environment.capacityModel.description).toContain('0.5 CPU (a quota over 10 ms CFS periods)');
    // Backends sampled every second of the window, off the generator's thread; node CPU from its cgroup.
    expect(trial.backends.series).toHaveLength(3);
    const pg = trial.backends.postgres[0]!;
    expect(pg.queries).toBeGreaterThan(0);
    if (process.getuid?.() === 0) expect(pg.cpuSource).toBe('cgroup');
    expect(trial.generator.sendLateness.count).toBe(op.counts.scheduled);
  });

  it('records how it was made: resolved config with the app settings, git dirty flag, load average', () => {
    const config = results.run.config as { resolved: { profile: string; logicalShards: number }; flags: Record<string, string>; app: { cacheTtlSec: number; replicas: number } };
    expect(config.resolved).toMatchObject({ profile: 'tiny', logicalShards: 8 });
    expect(config.flags).toMatchObject({ profile: 'tiny', rate: '200' });
    // The run spans every tier: replicas is the replicas tier's count (each trial's own app record says what its tier used).
    expect(config.app).toMatchObject({ cacheTtlSec: 300, replicas: 2 });
    expect(typeof results.run.gitDirty).toBe('boolean');
    expect(results.run.loadAverage!.start).toBeGreaterThanOrEqual(0);
    expect(results.run.loadAverage!.end).toBeGreaterThanOrEqual(0);
  });

  it('writes the report and its exports, and points latest at the run', () => {
    const id = results.run.id;
    expect(readlinkSync(join(out, 'latest'))).toBe(id);
    expect(existsSync(join(out, id, 'index.html'))).toBe(true);
    expect(existsSync(join(out, id, 'summary.md'))).toBe(true);
    expect(existsSync(join(out, id, 'timeseries.csv'))).toBe(true);
    expect(existsSync(join(out, id, 'hgrm', 't01-cache-photo-reads.getPhoto.all.hgrm'))).toBe(true);
    expect(run.stdout()).toMatch(/report: .*index\.html/);
  });

  it('opens in headless Chromium with no broken image and no console error', async () => {
    const seen = await openReport(join(out, 'latest', 'index.html'));
    expectCleanReport(seen, expect);
    expect(seen.bodyText).toContain(results.run.id);
  }, 60_000);

  it('leaves no server process and no temp directory behind', () => {
    expect(projectDirsLeft(base.dir)).toEqual([]);
  });
});

describe('bench run, interrupted', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`stops every server and removes its folders after ${signal} in the middle of a trial`, async () => {
      const base = makeTempBase();
      try {
        const run = runBench(['run', ...SHORT, '--tier', 'cache', '--duration', '60s', '--out', join(base.dir, 'reports')], base.dir, cwd);
        await run.waitFor('measure', 120_000);
        const pids = recordedPids(base.dir);
        const runDirs = projectDirsLeft(base.dir);
        const groupsOfRun = () =>
          ['cpu', 'memory'].flatMap((c) => (existsSync(`/sys/fs/cgroup/${c}`) ? readdirSync(`/sys/fs/cgroup/${c}`) : [])).filter((g) => runDirs.some((d) => g.startsWith(d)));
        if (process.getuid?.() === 0) expect(groupsOfRun().length).toBeGreaterThan(0);
        expect(pids.length).toBeGreaterThanOrEqual(4); // postgres, redis, memcached, app
        expect(pids.every(isAlive)).toBe(true);
        run.child.kill(signal);
        const { code } = await run.exit;
        if (signal === 'SIGINT') {
          expect(code).toBe(130);
          expect(run.stderr()).toMatch(/stopping/);
        }
        // After SIGKILL nobody in the harness can clean up: the reaper does, within seconds.
        expect(await waitUntilGone(pids, 20_000)).toEqual([]);
        const deadline = Date.now() + 10_000;
        while (projectDirsLeft(base.dir).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(projectDirsLeft(base.dir)).toEqual([]);
        // The nodes' capacity cgroups go too (the reaper removes them after a SIGKILL).
        expect(groupsOfRun()).toEqual([]);
      } finally {
        base.remove();
      }
    }, 180_000);
  }
});

// The argument table runs in process (test/unit/cli-args.test.ts); this checks the real binary's wiring.
describe('bench binary', () => {
  const base = makeTempBase();
  afterAll(() => base.remove());
  it('exits 2 with one line and no stack trace for a bad flag', async () => {
    const run = runBench(['run', '--rate', '-5'], base.dir, cwd);
    expect((await run.exit).code).toBe(2);
    expect(run.stderr().trim().split('\n')).toEqual(['bench: --rate: -5 is out of range; accepted: a number from 1 to 100000']);
  });
});
