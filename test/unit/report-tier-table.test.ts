import { describe, expect, it } from 'vitest';
import { renderTierTable } from '../../harness/report/tier-table.ts';
import { fmtMs } from '../../harness/report/format.ts';
import { summarizeTrial } from '../../harness/report/summary.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

describe('the tiers x scenarios table', () => {
  const results = buildResultsFixture();
  results.trials.push({ ...results.trials[0]!, scenario: 'like-storm' });
  const text = renderTierTable(results);
  const lines = text.split('\n');

  it('has a row per tier and a column group per scenario, with a dash where a tier did not run one', () => {
    expect(lines[0]).toMatch(/^tier\s+\|\s+feed-heavy\s+\|\s+like-storm/);
    const cache = lines.find((l) => l.startsWith('cache'))!;
    const replicas = lines.find((l) => l.startsWith('replicas'))!;
    expect(cache.split('|')).toHaveLength(3);
    expect(replicas.split('|')[2]!.trim().split(/\s+/).every((c) => c === '-')).toBe(true);
  });

  it('shows the all-requests percentiles of each trial and its failed checks', () => {
    const s = summarizeTrial(results.trials[1]!, 1);
    const replicas = lines.find((l) => l.startsWith('replicas'))!;
    expect(replicas).toContain(fmtMs(s.all!.p99Us));
    expect(replicas).toContain('1 FAILED');
  });
});
