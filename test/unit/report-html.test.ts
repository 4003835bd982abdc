import { describe, expect, it } from 'vitest';
import { renderReportCharts } from '../../harness/report/charts.ts';
import { fmtMs } from '../../harness/report/format.ts';
import { renderHtml } from '../../harness/report/html.ts';
import { renderSummaryMarkdown } from '../../harness/report/summary-md.ts';
import { renderTerminalSummary } from '../../harness/report/terminal.ts';
import type { ResultsFile } from '../../harness/results/types.ts';
import { decodeHistogram } from '../../harness/metrics/histograms.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

const EVIL = 'bench run --note "<script>alert(1)</script>" & echo \'x\'';

describe('renderHtml', () => {
  const results = buildResultsFixture({ command: EVIL });
  const charts = renderReportCharts(results);
  const html = renderHtml(results, charts);

  it('is one document with the run id, tiers and scenarios', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(results.run.id);
    expect(html).toContain(results.run.gitSha!);
    for (const t of results.trials) {
      expect(html).toContain(`>${t.tier}<`);
      expect(html).toContain(t.scenario);
    }
  });

  it('shows the p99 the fixture derived from its recorded values', () => {
    const op = results.trials[0]!.operations['feed.read']!;
    // The figure in the file is hdr's own percentile of the recorded data.
    expect(decodeHistogram(op.latency.all.encoded).getValueAtPercentile(99)).toBe(op.latency.all.percentilesUs.p99);
    const p99 = fmtMs(op.latency.all.percentilesUs.p99);
    expect(p99).toMatch(/^\d/);
    const row = html.split('\n').find((l) => l.startsWith('<tr><td>feed.read</td>'));
    expect(row).toBeDefined();
    expect(row).toContain(`<td class="n">${p99}</td>`);
    expect(row).toContain(`<td class="n">${fmtMs(op.latency.all.maxUs)}</td>`);
  });

  it('says "unconstrained" prominently when the capacity model is not applied', () => {
    expect(html).toContain('UNCONSTRAINED');
    expect(html).toMatch(/class="banner unconstrained"/);
    const applied = renderHtml(buildResultsFixture({ capacityApplied: true }));
    expect(applied).not.toContain('UNCONSTRAINED');
    expect(applied).toContain('Node capacity model applied');
  });

  it('escapes text from the results file', () => {
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;');
    expect(html).toContain('&amp; echo &#39;x&#39;');
  });

  it('is self-contained: no external references, no scripts, images inline', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc="(?!data:image\/png;base64,)/);
    const imgs = html.match(/<img /g) ?? [];
    expect(imgs.length).toBe(charts.size);
  });

  it('shows the generator limited with its evidence, and failed checks', () => {
    expect(html).toContain('GENERATOR-LIMITED');
    for (const r of results.trials[1]!.generator.limitReasons) expect(html).toContain(r);
    expect(html).toContain('read-your-writes');
    expect(html).toMatch(/badge bad">FAIL</);
  });

  it('lists every PostgreSQL node', () => {
    for (const n of results.trials[1]!.backends.postgres) expect(html).toContain(`<td>${n.node}</td>`);
  });

  it('renders tables only when no charts are given', () => {
    const plain = renderHtml(results);
    expect(plain).not.toContain('<img');
    expect(plain).toContain('No charts were rendered');
  });

  it('copes with a trial that recorded nothing (no operations, timeseries, checks or nodes)', () => {
    const base = results.trials[0]!;
    const bare: ResultsFile = {
      ...results,
      run: { ...results.run, gitSha: null },
      trials: [
        {
          ...base,
          operations: {},
          timeseries: [],
          checks: [],
          backends: { ...base.backends, memcached: { ...base.backends.memcached, hitRate: null }, postgres: [] },
        },
      ],
    };
    const charts = renderReportCharts(bare);
    expect([...charts.keys()].sort()).toEqual(['trial-0/send-lateness', 'trial-0/throughput']);
    const page = renderHtml(bare, charts);
    expect(page).toContain('No operations recorded.');
    expect(page).toContain('No checks ran.');
    expect(page).toContain('not a git checkout');
    expect(renderSummaryMarkdown(bare)).toContain('No operations recorded.');
    expect(renderTerminalSummary(bare)).toContain('(none)');
  });
});
