import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { familySize, minimumBlocks, pairsPerScenario, readGateConfig, resolveGateConfig } from '../../harness/gate/config.ts';
import { UsageError } from '../../harness/errors.ts';

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('gate config', () => {
  it('ships the calibrated defaults: throughput -20%, p50 +25%, p90 +45% (the issue\'s -10/+10/+20 false-FAILed 5.9% of resampled real A/A gates), p99 reported, counts may not rise', () => {
    const c = resolveGateConfig();
    expect(c).toEqual({
      alpha: 0.05,
      abbaBlocks: 4,
      scenarios: ['feed-reads', 'instagram-day'],
      relative: { throughput: { gated: true, percent: -20 }, p50: { gated: true, percent: 25 }, p90: { gated: true, percent: 45 }, p99: { gated: false } },
      counts: { errors: 'no-increase', timeouts: 'no-increase', dropped: 'no-increase' },
      absolute: {},
      failOnInconclusive: false,
    });
    expect(pairsPerScenario(c)).toBe(8);
    expect(familySize(c)).toBe(6);
  });

  it('merges a user file over the defaults per metric and per scenario', () => {
    const c = resolveGateConfig({ relative: { p99: '+30%', p50: 'report' }, counts: { dropped: 'report' }, absolute: { 'feed-reads': ['latency.p99 < 50ms'] }, alpha: 0.01, abbaBlocks: 6 });
    expect(c.relative).toMatchObject({ throughput: { gated: true, percent: -20 }, p50: { gated: false }, p99: { gated: true, percent: 30 } });
    expect(c.counts).toEqual({ errors: 'no-increase', timeouts: 'no-increase', dropped: 'report' });
    expect(c.absolute['feed-reads']).toMatchObject([{ metric: 'latency.p99', op: '<', value: 50_000 }]);
    expect(c.alpha).toBe(0.01);
  });

  it('counts significant-increase count tests in Holm\'s family, not no-increase rules', () => {
    expect(familySize(resolveGateConfig({ counts: { errors: 'significant-increase' } }))).toBe(8);
    expect(familySize(resolveGateConfig({ counts: { errors: 'no-increase' } }))).toBe(6);
  });

  it('reports every problem at once, each saying what is accepted', () => {
    const msg = usageMessage(() =>
      resolveGateConfig({
        alpha: 2,
        abbaBlocks: 2.5,
        scenarios: ['feed-reads', 'Feed Reads'],
        relative: { throughput: '+10%', p50: '10%', p42: '+1%', p90: '-5%' },
        counts: { errors: 'maybe', crashes: 'no-increase' },
        absolute: { 'feed-reads': ['latency.p99 < 50'], uploads: ['latency.p99 < 5ms'] },
        failOnInconclusive: 'yes',
        colour: 'blue',
      }),
    );
    const lines = msg.split('\n');
    const expected = [
      /unknown key "colour"; accepted: alpha, abbaBlocks/,
      /alpha: 2; accepted: a number above 0 and below 0.5/,
      /abbaBlocks: 2.5; accepted: an integer from 1 to 1000/,
      /scenarios: "Feed Reads" not scenario names .*accepted/,
      /relative.throughput: "\+10%" points the wrong way: throughput gets worse when it is lower; accepted: "-10%"/,
      /relative.p50: "10%" is not a threshold; accepted: "\+10%"/,
      /relative: unknown metric "p42"; accepted: throughput, p50, p75, p90, p95, p99, p99.9, p99.99/,
      /relative.p90: "-5%" points the wrong way/,
      /counts.errors: "maybe" is not a rule; accepted: no-increase, significant-increase, report/,
      /counts: unknown metric "crashes"; accepted: errors, timeouts, dropped/,
      /absolute.feed-reads: threshold "latency.p99 < 50": latency\.p99 is a latency: give its bound a duration unit/,
      /absolute: "uploads" is not a gated scenario; accepted: feed-reads/,
      /failOnInconclusive: "yes"; accepted: true or false/,
    ];
    for (const re of expected) expect(lines.some((l) => re.test(l)), re.source).toBe(true);
    expect(lines).toHaveLength(expected.length);
    expect(lines.every((l) => l.startsWith('gate config: '))).toBe(true);
  });

  it('refuses too few blocks for a FAIL to be possible at all', () => {
    // m = 6 comparisons at alpha 0.05: 2^-n <= 0.05/6 needs n >= 7 pairs, so 4 blocks.
    expect(minimumBlocks(0.05, 6)).toBe(4);
    expect(minimumBlocks(0.05, 1)).toBe(3);
    expect(minimumBlocks(0.05, 0)).toBe(1);
    const msg = usageMessage(() => resolveGateConfig({ abbaBlocks: 3 }));
    expect(msg).toMatch(/abbaBlocks: 3 blocks give 6 pairs, whose smallest possible p-value 2\^-6 = 0.0156 is above alpha\/m = 0.00833 \(6 gated comparisons\): the gate could never FAIL; accepted: at least 4 blocks/);
    expect(resolveGateConfig({ abbaBlocks: 4 }).abbaBlocks).toBe(4);
  });

  it('refuses a config that gates nothing', () => {
    const msg = usageMessage(() =>
      resolveGateConfig({ relative: { throughput: 'report', p50: 'report', p90: 'report' }, counts: { errors: 'report', timeouts: 'report', dropped: 'report' } }),
    );
    expect(msg).toMatch(/nothing is gated/);
  });

  it('accepts zero thresholds (any significant worsening fails) and drops of up to 99.9%', () => {
    expect(resolveGateConfig({ relative: { throughput: '-0%', p50: '+0%' } }).relative).toMatchObject({ throughput: { gated: true, percent: -0 }, p50: { gated: true, percent: 0 } });
    expect(usageMessage(() => resolveGateConfig({ relative: { throughput: '-100%' } }))).toMatch(/not a possible drop/);
  });

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gate-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a file over the defaults, and says when it is missing or not JSON', () => {
      const good = join(dir, 'gate.json');
      writeFileSync(good, JSON.stringify({ $comment: 'ours', relative: { p90: '+15%' } }));
      expect(readGateConfig(good).relative.p90).toEqual({ gated: true, percent: 15 });
      expect(usageMessage(() => readGateConfig(join(dir, 'nope.json')))).toMatch(/does not exist/);
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{ alpha: ');
      expect(usageMessage(() => readGateConfig(bad))).toMatch(/is not valid JSON/);
      writeFileSync(bad, '[1, 2]');
      expect(usageMessage(() => readGateConfig(bad))).toMatch(/must be a JSON object/);
      writeFileSync(bad, JSON.stringify({ alpha: 0.7 }));
      expect(usageMessage(() => readGateConfig(bad))).toMatch(/^gate config ".*bad\.json": alpha: 0.7; accepted/);
    });
  });
});
