import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../harness/config/resolve.ts';
import { configOrigin, gitDirty, loadAverageNow, runConfigRecord } from '../../harness/run/provenance.ts';

const dir = mkdtempSync(join(tmpdir(), 'tierbench-provenance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run provenance', () => {
  it('records the resolved config, the flags, the BENCH_* variables that were set, the --config file and the app settings', () => {
    const file = join(dir, 'bench.json');
    writeFileSync(file, JSON.stringify({ rate: 100, cacheTtl: '60s' }));
    const sources = { flags: { duration: '5s', tier: undefined }, env: { BENCH_RATE: '200', BENCH_NOT_A_SETTING: 'x', HOME: '/root' }, configFile: file };
    const config = resolveRunConfig(sources);
    const origin = configOrigin(sources);
    expect(origin).toEqual({ flags: { duration: '5s' }, env: { BENCH_RATE: '200' }, configFile: { path: file, contents: { rate: 100, cacheTtl: '60s' } } });
    const record = runConfigRecord(config, origin, { tier: 'replicas', logicalShards: 64, cacheTtlSec: 60, primaries: 1, replicas: 2, fanoutWorkers: 2 });
    expect(record.resolved).toMatchObject({ rate: 200, duration: 5, cacheTtl: 60 });
    expect(record.app).toMatchObject({ tier: 'replicas', cacheTtlSec: 60, replicas: 2, feedCap: 100, readYourWritesMs: 5000 });
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it('tells a dirty git tree from a clean one, and says nothing outside a checkout', () => {
    const repo = join(dir, 'repo');
    execFileSync('git', ['init', '-q', repo]);
    expect(gitDirty(repo)).toBe(false);
    writeFileSync(join(repo, 'new.txt'), 'x');
    expect(gitDirty(repo)).toBe(true);
    expect(gitDirty('/')).toBeUndefined();
  });

  it('reads the load average', () => {
    expect(loadAverageNow()).toBeGreaterThanOrEqual(0);
  });
});
