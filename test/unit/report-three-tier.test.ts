import { describe, expect, it } from 'vitest';
import { reportFigures } from '../../harness/report/charts/report-figures.ts';
import { renderHtml } from '../../harness/report/html.ts';
import { SUMMARY_BUDGET_BYTES, renderSummaryMarkdown } from '../../harness/report/summary-md.ts';
import { isAbout, verdicts } from '../../harness/report/verdict.ts';
import { computeHeadline } from '../../harness/results/headline.ts';
import { SLO, buildThreeTierFixture } from '../fixtures/three-tier-fixture.ts';

// 18 trials: three tiers × six scenarios, three of them swept, with a headline. No charts are
// rendered here (the browser test renders and inspects them); this file checks what the page says.
const results = buildThreeTierFixture();

function trialSection(html: string, n: number): string {
  const start = html.indexOf(`id="trial-${n}"`);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('a three-tier, six-scenario report', () => {
  const html = renderHtml(results);

  it('answers per scenario with maximum sustainable throughput and its interval where swept', () => {
    const v = verdicts(results);
    const swept = v.scenarios.filter((s) => s.basis === 'headline').map((s) => s.scenario);
    expect(swept).toEqual(['photo-reads', 'feed-reads', 'like-storm']);
    const likes = v.scenarios.find((s) => s.scenario === 'like-storm')!;
    const sharded = likes.rows.find((r) => r.tier === 'sharded')!;
    const m = results.trials.find((t) => t.tier === 'sharded' && t.scenario === 'like-storm')!.sweep!.maxSustainable!;
    expect(sharded.maxSustainable).toEqual({ rate: m.rate, low: m.low, high: m.high });
    expect(html).toContain(`>${m.rate} [${m.low}, ${m.high}]</td>`);
    for (const s of results.headline!.sentences) expect(html).toContain(s);
    expect(likes.commonRate).toBe(results.headline!.commonRate['like-storm']);
  });

  it('labels the scenarios without a sweep as not a sustainable-throughput comparison, and still compares them', () => {
    const uploads = verdicts(results).scenarios.find((s) => s.scenario === 'uploads')!;
    expect(uploads.basis).toBe('window');
    expect(uploads.sentences[0]).toMatch(/^uploads: no sweep, so this is not a sustainable-throughput comparison\. At the same offered 120 req\/s, \w+ had the lowest all-requests p99/);
    expect(html.match(/not a sustainable-throughput comparison: no sweep/g)).toHaveLength(3);
  });

  it('says in words, beside the figures, what to distrust', () => {
    expect(trialSection(html, 5)).toContain('The load generator could not keep its schedule');
    expect(trialSection(html, 5)).toMatch(/requests \([\d.]+%\) were dropped/);
    expect(trialSection(html, 13)).toContain('Cache hit rate still climbing through the window');
    expect(trialSection(html, 17)).toContain('1 of 2 checks failed: read-your-writes');
    // The headline table points at them too.
    expect(html).toMatch(/<a href="#trial-17">⚠ 1 check failed<\/a>/);
  });

  it('carries provenance: resolved config, dirty tree, load, dataset digest, a link to results.json', () => {
    expect(html).toContain('DIRTY: uncommitted changes');
    expect(html).toContain('1-minute load average 1.12 at the start, 2.41 at the end');
    expect(html).toContain('&quot;cacheTtlSec&quot;: 300');
    expect(html).toContain('BENCH_NODE_CPUS');
    expect(html).toContain(results.dataset.digest!);
    expect(html).toContain('<a href="results.json">');
  });

  it('plans the charts each trial has data for, and sweep curves per swept scenario', () => {
    const figures = reportFigures(results);
    const keys = (i: number) => figures.trials[i]!.map((f) => f.key.split('/')[1]);
    expect(keys(1)).toContain('replica-lag');
    expect(keys(0)).not.toContain('replica-lag');
    expect(keys(9)).toEqual(expect.arrayContaining(['fanout-lag', 'queue']));
    for (const t of figures.trials) expect(t.length).toBeGreaterThanOrEqual(8);
    const sweeps = figures.scenarios.filter((s) => s.figures.some((f) => f.key.endsWith('/sweep-latency'))).map((s) => s.group.scenario);
    expect(sweeps).toEqual(['photo-reads', 'feed-reads', 'like-storm']);
    const shard = figures.trials[8]!.find((f) => f.key.endsWith('/shard-writes'))!;
    expect(shard.alt).toMatch(/64 shards written, mean [\d,]+, most [\d,]+ on s\d{4} \([\d.]+× the mean\)/);
    const cpu = figures.trials[8]!.find((f) => f.key.endsWith('/node-cpu'))!;
    expect(cpu.alt).toContain('of a 0.5 CPU quota');
  });

  it('summary.md: headline and per-tier tables, no images, under 64 KiB with nothing left out', () => {
    const md = renderSummaryMarkdown(results);
    expect(Buffer.byteLength(md)).toBeLessThan(SUMMARY_BUDGET_BYTES);
    expect(md).not.toContain('Omitted');
    expect(md).not.toMatch(/!\[|<img/);
    for (const s of results.headline!.sentences) expect(md).toContain(s.replace(/\[/g, '\\[').replace(/\]/g, '\\]'));
    expect(md.match(/^\| (cache|replicas|sharded) \|/gm)).toHaveLength(18);
  });
});

describe('the headline a run computes from these trials', () => {
  it('covers the scenarios swept on every tier; the others are compared on their windows', () => {
    const headline = computeHeadline(results.trials, SLO)!;
    expect([...new Set(headline.rows.map((r) => r.scenario))]).toEqual(['photo-reads', 'feed-reads', 'like-storm']);
    expect(headline.sentences.every((s) => / at p99 < 50 ms: \w+ holds the most, /.test(s))).toBe(true);
    const v = verdicts({ ...results, headline });
    expect(v.scenarios.filter((s) => s.basis === 'window').map((s) => s.scenario)).toEqual(['uploads', 'instagram-day', 'read-after-write']);
    expect(v.scenarios.find((s) => s.scenario === 'uploads')!.sentences[0]).toMatch(/^uploads: no sweep, so this is not a sustainable-throughput comparison\./);
  });

  it('is absent for a run without sweeps, so every scenario falls back to its windows', () => {
    const unswept = results.trials.map(({ sweep: _, ...t }) => t);
    expect(computeHeadline(unswept, SLO)).toBeUndefined();
    const v = verdicts({ ...results, trials: unswept, headline: undefined });
    expect(v.scenarios.every((s) => s.basis === 'window' && /^\S+: no sweep, so this is not a sustainable-throughput comparison\./.test(s.sentences[0]!))).toBe(true);
  });
});

describe('headline sentences by scenario', () => {
  it('gives a scenario only its own sentence when one name starts another (read-after-write, read-after-write-control)', () => {
    const raw = 'read-after-write at p99 < 50 ms: replicas holds the most, 900 req/s (95% 860–930), 1.5× cache (600).';
    const control = 'read-after-write-control at p99 < 50 ms: replicas holds the most, 950 req/s (95% 900–990), 1.6× cache (600).';
    expect([raw, control].filter((s) => isAbout(s, 'read-after-write'))).toEqual([raw]);
    expect(isAbout('read-after-write: no sweep, so this is not a sustainable-throughput comparison.', 'read-after-write')).toBe(true);
    expect([raw, control].filter((s) => isAbout(s, 'read-after-write-control'))).toEqual([control]);
    expect(isAbout('feed-reads at p99 < 50 ms: sharded holds the most', 'feed-reads')).toBe(true);
  });
});
