import { describe, expect, it } from 'vitest';
import { sweepSection } from '../../harness/report/html/trial-tables.ts';
import type { SweepStep, Trial } from '../../harness/results/types.ts';

const step = (rate: number, extra: Partial<SweepStep>): SweepStep => ({
  rate, repeat: 0, durationSec: 8, achievedRate: rate, p50Us: 2000, p99Us: 9000, p999Us: 12000, errorRate: 0, dropRate: 0,
  holdsSlo: true, nodeCpu: { 'pg-primary': 0.05 }, generatorLimited: false, generatorLimitReasons: [], ...extra,
});

describe('the sweep section of a trial', () => {
  it('shows each window\'s quiet wait and why the sweep stopped', () => {
    const trial = {
      sweep: {
        slo: { p99Ms: 50, errorBudget: 0.01, dropBudget: 0.001 },
        steps: [step(100, { settleSec: 0.5 }), step(200, { settleSec: 30, settleBusy: 'pg-primary at 45% of its quota', holdsSlo: false })],
        maxSustainable: { rate: 150, low: 140, high: 160, method: 'test' },
        warmupSec: 8,
        saturatedFirst: 'pg-primary CPU quota (0.1 CPU), 99% used at 200 req/s',
        stoppedBecause: 'the interval is within ±5% of the estimate (after 12 windows; 4 more at the knee while other sweeps sharing the machine went on)',
      },
    } as unknown as Trial;
    const html = sweepSection(trial);
    expect(html).toContain('<th class="n">quiet wait s</th>');
    expect(html).toContain('>0.5<');
    expect(html).toContain('30 (gave up: pg-primary at 45% of its quota)');
    expect(html).toContain('<dt>stopped because</dt><dd>the interval is within ±5% of the estimate (after 12 windows; 4 more at the knee');
  });

  it('says n/a for results written before the wait was recorded', () => {
    const trial = { sweep: { slo: { p99Ms: 50, errorBudget: 0.01, dropBudget: 0.001 }, steps: [step(100, {})], maxSustainable: null, warmupSec: 4, saturatedFirst: null } } as unknown as Trial;
    const html = sweepSection(trial);
    expect(html).toMatch(/<dt>stopped because<\/dt><dd>n\/a<\/dd>/);
  });
});
