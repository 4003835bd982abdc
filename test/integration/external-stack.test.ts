import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../harness/results/types.ts';
import { localProvider } from '../../harness/stack/local.ts';
import type { Stack } from '../../harness/stack/types.ts';
import { runBench } from '../helpers/bench-process.ts';
import { isAlive, makeTempBase } from '../helpers/temp.ts';
import { readFileSync } from 'node:fs';

const base = makeTempBase();
let stack: Stack;
beforeAll(async () => {
  // Servers someone else runs: here a local stack, described to the harness only by URLs.
  stack = await localProvider.up({ tier: 'cache', baseDir: base.dir, log: () => {} });
}, 60_000);
afterAll(async () => {
  await stack?.down();
  base.remove();
});

describe('external stack provider', () => {
  it('runs against nodes named in a file, and leaves them running', async () => {
    const file = join(base.dir, 'nodes.json');
    writeFileSync(file, JSON.stringify({ tier: 'cache', nodes: stack.nodes.map((n) => ({ name: n.name, role: n.role, url: n.url })) }));
    const out = join(base.dir, 'reports');
    const run = runBench(['run', '--tier', 'cache', '--scenario', 'photo-reads', '--stack', 'external', '--stack-config', file, '--profile', 'tiny', '--logical-shards', '4', '--rate', '100', '--duration', '1s', '--warmup', '1s', '--out', out], base.dir, process.cwd());
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'latest', 'results.json'), 'utf8')) as ResultsFile;
    expect(results.environment.stackProvider).toBe('external');
    expect(results.environment.capacityModel.applied).toBe(false);
    expect(results.trials[0]!.operations.getPhoto!.counts.ok).toBeGreaterThan(0);
    expect(stack.nodes.every((n) => isAlive(n.pid!))).toBe(true);
  }, 120_000);

  it('rejects a file that does not describe the tier, with exit 2 and what is wrong', async () => {
    const file = join(base.dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ tier: 'cache', nodes: [{ name: 'x', role: 'pg-shard-0', url: 'postgres://127.0.0.1:1/x' }] }));
    const run = runBench(['run', '--tier', 'cache', '--stack', 'external', '--stack-config', file], base.dir, process.cwd());
    expect((await run.exit).code).toBe(2);
    expect(run.stderr()).toMatch(/no redis node; no memcached node/);
    const none = runBench(['run', '--tier', 'cache', '--stack', 'external'], base.dir, process.cwd());
    expect((await none.exit).code).toBe(2);
    expect(none.stderr()).toMatch(/needs --stack-config/);
  }, 60_000);
});
