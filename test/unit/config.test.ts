import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../harness/config/parse.ts';
import { resolveRunConfig } from '../../harness/config/resolve.ts';
import { UsageError } from '../../harness/errors.ts';

const resolveWith = (flags: Record<string, string>, env: NodeJS.ProcessEnv = {}, configFile?: string) =>
  resolveRunConfig({ flags, env, configFile });

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('config', () => {
  it('parses durations', () => {
    expect(parseDuration('20')).toEqual({ ok: true, value: 20 });
    expect(parseDuration('500ms')).toEqual({ ok: true, value: 0.5 });
    expect(parseDuration('1m30s')).toEqual({ ok: true, value: 90 });
    expect(parseDuration('abc').ok).toBe(false);
    expect(parseDuration('0s').ok).toBe(false);
    expect(parseDuration('-5').ok).toBe(false);
  });

  it('has defaults', () => {
    const c = resolveWith({});
    expect(c).toMatchObject({ tier: ['cache', 'replicas', 'sharded'], stack: 'local', scenario: ['feed-reads', 'like-storm', 'uploads'], profile: 'small', seed: 1, logicalShards: 64, cacheTtl: 300, snapshots: '.tierbench/snapshots', reseed: false });
    expect(c.rate).toBeUndefined();
  });

  it('rejects bad values with what is accepted, all at once', () => {
    const msg = usageMessage(() => resolveWith({ rate: '-5', duration: 'abc', tier: 'nope' }));
    const lines = msg.split('\n');
    expect(lines).toHaveLength(3);
    expect(msg).toMatch(/--rate: -5 is out of range; accepted: a number from 1 to 100000/);
    expect(msg).toMatch(/--duration: "abc" is not a duration; accepted:/);
    expect(msg).toMatch(/--tier: "nope" is not one of: cache/);
  });

  it('takes comma-separated tiers and scenarios, each one known, none twice', () => {
    expect(resolveWith({ tier: 'sharded,cache' }).tier).toEqual(['sharded', 'cache']);
    expect(usageMessage(() => resolveWith({ tier: 'cache,,sharded' }))).toMatch(/empty item/);
    expect(usageMessage(() => resolveWith({ tier: 'cache,moon,sun' }))).toMatch(/"moon", "sun" are not one of: cache, replicas, sharded/);
    expect(usageMessage(() => resolveWith({ tier: 'cache,cache' }))).toMatch(/names an item twice/);
    expect(usageMessage(() => resolveWith({ scenario: 'photo-reads,nope' }))).toMatch(/--scenario: "nope" is not one of/);
  });

  it('layers defaults < config file < env < flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tierbench-test-'));
    try {
      const file = join(dir, 'bench.json');
      writeFileSync(file, JSON.stringify({ rate: 100, duration: '10s', connections: 4 }));
      const c = resolveWith({ rate: '300' }, { BENCH_RATE: '200', BENCH_DURATION: '15s' }, file);
      expect(c.rate).toBe(300);
      expect(c.duration).toBe(15);
      expect(c.connections).toBe(4);
      writeFileSync(file, JSON.stringify({ rat: 1, rate: [1] }));
      const msg = usageMessage(() => resolveWith({}, {}, file));
      expect(msg).toMatch(/unknown key "rat"/);
      expect(msg).toMatch(/"rate" must be a string or a number/);
      expect(usageMessage(() => resolveWith({}, {}, join(dir, 'missing.json')))).toMatch(/does not exist/);
      expect(usageMessage(() => resolveWith({}, { BENCH_LOGICAL_SHARDS: '9000' }))).toMatch(/BENCH_LOGICAL_SHARDS: 9000 is out of range/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
