import { describe, expect, it } from 'vitest';
import { renderFigures } from '../../harness/report/charts/figure.ts';
import { reportFigures } from '../../harness/report/charts/report-figures.ts';
import { fmtMs } from '../../harness/report/format.ts';
import { renderHtml } from '../../harness/report/html.ts';
import { renderSummaryMarkdown } from '../../harness/report/summary-md.ts';
import { renderTerminalSummary } from '../../harness/report/terminal.ts';
import type { ResultsFile } from '../../harness/results/types.ts';
import { decodeHistogram } from '../../harness/metrics/histograms.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

const EVIL = 'bench run --note "<script>alert(1)</script>" & echo \'x\'';

/** The text of the first element whose opening tag matches, up to its closing tag. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, id).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('renderHtml', () => {
  const results = buildResultsFixture({ command: EVIL });
  // The second trial's charts only (it has every warning): rendering is the chart test's job.
  const charts = renderFigures(reportFigures(results).trials[1]!);
  const html = renderHtml(results, charts);

  it('is one document: headline first, then scenarios, trials and provenance', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(results.run.id);
    expect(html).toContain(results.run.gitSha!);
    const order = ['id="headline"', 'id="scenario-feed-heavy"', 'id="trial-1"', 'id="trial-2"', 'id="provenance"'].map((s) => html.indexOf(s));
    expect(order.every((p) => p > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('without a headline, compares the tiers on their windows and says it is not a sustainable-throughput comparison', () => {
    const head = section(html, 'headline');
    expect(head).toContain('not a sustainable-throughput comparison');
    expect(head).toMatch(/cache was offered 500 and achieved 500 req\/s at p99 [\d.]+ ms; replicas was offered 600/);
  });

  it('shows the p99 the fixture derived from its recorded values, with where it comes from', () => {
    const op = results.trials[0]!.operations['feed.read']!;
    expect(decodeHistogram(op.latency.all.encoded).getValueAtPercentile(99)).toBe(op.latency.all.percentilesUs.p99);
    const row = html.split('\n').find((l) => l.startsWith('<tr><td>feed.read</td>'));
    expect(row).toBeDefined();
    expect(row).toContain(`title="results.json: trials[0].operations[&quot;feed.read&quot;].latency.all.percentilesUs.p99">${fmtMs(op.latency.all.percentilesUs.p99)}</td>`);
    expect(row).toContain(`>${fmtMs(op.latency.all.maxUs)}</td>`);
  });

  it('says "unconstrained" prominently when the capacity model is not applied', () => {
    expect(html).toContain('UNCONSTRAINED');
    expect(html).toMatch(/class="banner unconstrained"/);
    const applied = renderHtml(buildResultsFixture({ capacityApplied: true }));
    expect(applied).not.toContain('UNCONSTRAINED');
    expect(applied).toContain('<strong>Node capacity model</strong> applied:');
  });

  it('escapes text from the results file', () => {
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&amp; echo &#39;x&#39;');
  });

  it('is self-contained: no external references, no scripts, images inline, a link to results.json', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc="(?!data:image\/webp;base64,)/);
    expect((html.match(/<img /g) ?? []).length).toBe(charts.size);
    expect(html).toContain('<a href="results.json">');
  });

  it('puts each warning in words beside the figure it concerns', () => {
    const trial2 = section(html, 'trial-2');
    // Generator limited: beside the first latency figure, before the image.
    const gen = trial2.indexOf('The load generator could not keep its schedule');
    expect(gen).toBeGreaterThan(0);
    expect(gen).toBeLessThan(trial2.indexOf('id="trial-2-latency"'));
    for (const r of results.trials[1]!.generator.limitReasons) expect(trial2).toContain(r);
    // Drops beside the operations table; hit rate beside its chart; the failed check beside the checks.
    expect(trial2.indexOf('requests (2.')).toBeLessThan(trial2.indexOf('<h3>Charts'));
    expect(trial2.indexOf('Cache hit rate still climbing')).toBeLessThan(trial2.indexOf('id="trial-2-hit-rate"'));
    expect(trial2.indexOf('Cache hit rate still climbing')).toBeGreaterThan(trial2.indexOf('id="trial-2-throughput"'));
    expect(trial2.slice(trial2.indexOf('<h3>Checks'))).toContain('1 of 2 checks failed: read-your-writes');
    expect(html).toMatch(/badge bad">✗ FAIL</);
    // Every warning appears once per trial, in full.
    expect(trial2.split('The load generator could not keep its schedule').length).toBe(2);
  });

  it('lists every PostgreSQL node and the provenance', () => {
    for (const n of results.trials[1]!.backends.postgres) expect(html).toContain(`<td>${n.node}</td>`);
    const prov = section(html, 'provenance');
    expect(prov).toContain('dirty flag not recorded');
    expect(prov).toContain('Resolved configuration not recorded');
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
          events: [],
          backends: { ...base.backends, memcached: { ...base.backends.memcached, hitRate: null }, postgres: [], series: [], shardWrites: {} },
        },
      ],
    };
    const page = renderHtml(bare, new Map());
    expect(page).toContain('No operations recorded.');
    expect(page).toContain('No checks ran.');
    expect(page).toContain('not a git checkout');
    expect(renderSummaryMarkdown(bare)).toContain('No operations recorded.');
    expect(renderTerminalSummary(bare)).toContain('(none)');
  });
});

describe('a trial\'s thresholds and cache flush in the page', () => {
  const base = buildResultsFixture();
  const thresholds = [
    { name: 'threshold http_req_duration p(99)<50', ok: true, detail: 'p(99) 12.0 ms < 50' },
    { name: 'threshold errors rate<0.01', ok: false, detail: 'rate 0.02, not < 0.01' },
  ];
  const cacheRecovery = { atSecond: 8, hitRateBefore: 0.9, recoverySec: 4, spike: { fromSecond: 8, toSecond: 11, p99Us: 12_000, nodes: [{ node: 'pg-primary', queriesPerSecBefore: 100, queriesPerSec: 700, cpuPerSecBefore: 0.1, cpuPerSec: 0.5 }] } };
  const results: ResultsFile = { ...base, trials: [{ ...base.trials[0]!, thresholds, cacheRecovery }, ...base.trials.slice(1)] };
  const html = renderHtml(results, new Map());

  it('lists the thresholds, passed and failed, beside the checks', () => {
    const trial = section(html, 'trial-1');
    const thresholdsAt = trial.indexOf('<h4>Thresholds</h4>');
    expect(thresholdsAt).toBeGreaterThan(trial.indexOf('<h3>Checks</h3>'));
    expect(trial.slice(thresholdsAt)).toMatch(/✓ PASS<\/span><span class="name">threshold http_req_duration p\(99\)&lt;50<\/span>/);
    expect(trial.slice(thresholdsAt)).toMatch(/✗ FAIL<\/span><span class="name">threshold errors rate&lt;0\.01<\/span>rate 0\.02, not &lt; 0\.01/);
    expect(section(html, 'trial-2')).not.toContain('<h4>Thresholds</h4>');
  });

  it('says what the cache flush cost in the trial\'s section', () => {
    const trial = section(html, 'trial-1');
    expect(trial).toContain('<h3>Cache flush</h3>');
    expect(trial).toContain('Memcached flushed at 8 s; hit rate 90.0% before, back to 90% of it 4 s after');
    expect(section(html, 'trial-2')).not.toContain('<h3>Cache flush</h3>');
  });
});
