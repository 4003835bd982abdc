import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReportCharts } from '../../harness/report/charts/report-figures.ts';
import { renderHtml } from '../../harness/report/html.ts';
import { renderSummaryMarkdown } from '../../harness/report/summary-md.ts';
import { renderTerminalSummary } from '../../harness/report/terminal.ts';
import { ResultsVersionError, upgradeResults } from '../../harness/results/upgrade.ts';
import { SCHEMA_VERSION } from '../../harness/results/types.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

/** A results file written by schema version 1 (before outcomes, per-second histograms and samplers). */
const v1 = JSON.parse(readFileSync(new URL('../fixtures/results-v1.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('reading results files of older versions', () => {
  it('upgrades a version 1 file: counts keep adding up, OK latency is what it measured', () => {
    const r = upgradeResults(v1);
    expect(r.schemaVersion).toBe(SCHEMA_VERSION);
    expect(r.upgradedFrom).toBe(1);
    const old = (v1.trials as Array<{ operations: Record<string, { counts: Record<string, number>; latency: { corrected: { count: number } } }> }>)[0]!;
    for (const [name, op] of Object.entries(r.trials[0]!.operations)) {
      const c = op.counts;
      expect(c.scheduled).toBe(c.sent + c.dropped);
      expect(c.sent).toBe(c.ok + c.errors + c.timeouts + c.unfinished);
      expect(c.unfinished).toBe(old.operations[name]!.counts.inFlightAtStop);
      expect(op.latency.ok.count).toBe(old.operations[name]!.latency.corrected.count);
      expect(Object.values(c.errorsByClass).reduce((a, b) => a + b, 0)).toBe(c.errors);
    }
    expect(r.trials[0]!.generator.limited).toBe(false);
  });

  it('renders a report, a summary and the terminal table from a version 1 file', () => {
    const r = upgradeResults(v1);
    const html = renderHtml(r, renderReportCharts(r));
    expect(html).toContain(r.run.id);
    expect(renderSummaryMarkdown(r)).toContain(r.run.id);
    expect(renderTerminalSummary(r)).toContain('feed.read');
  });

  it('passes a current file through and refuses unknown versions with what it accepts', () => {
    const current = buildResultsFixture();
    expect(upgradeResults(current)).toBe(current);
    expect(() => upgradeResults({ schemaVersion: 99 })).toThrow(ResultsVersionError);
    expect(() => upgradeResults('nope')).toThrow(/accepted: 1, 2/);
  });
});

describe('reports of upgraded files say what the old version did not measure', () => {
  it('names the version and the difference in the HTML and the summary', () => {
    const r = upgradeResults(v1);
    expect(renderHtml(r)).toMatch(/Read from a schema version 1 file/);
    expect(renderSummaryMarkdown(r)).toMatch(/Read from a schema version 1 file/);
    expect(renderHtml(buildResultsFixture())).not.toMatch(/Read from a schema version/);
  });
});
