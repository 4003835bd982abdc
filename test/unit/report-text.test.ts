import { describe, expect, it } from 'vitest';
import { escapeMd, fmtMs, fmtPct, mdCodeBlock } from '../../harness/report/format.ts';
import { renderSummaryMarkdown } from '../../harness/report/summary-md.ts';
import { renderTerminalSummary } from '../../harness/report/terminal.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

const results = buildResultsFixture({ command: 'bench run --note "<b>|x|</b>" `y`' });

describe('renderTerminalSummary', () => {
  const text = renderTerminalSummary(results);
  const lines = text.trimEnd().split('\n');

  it('has a header, a rule and one row per trial x operation', () => {
    const rows = results.trials.flatMap((t) => Object.keys(t.operations).map((op) => ({ t, op })));
    expect(lines[0]).toMatch(/^tier\s+scenario\s+op\s+rate tgt\/got\s+ok\s+err\s+t\/o\s+dropped\s+p50 ms\s+p99 ms\s+p99\.9 ms\s+max ms\s+hit$/);
    expect(lines[1]).toMatch(/^[- ]+$/);
    rows.forEach(({ t, op }, i) => {
      const line = lines[2 + i]!;
      const o = t.operations[op]!;
      const cells = line.split(/\s{2,}/);
      expect(cells[0]).toBe(t.tier);
      expect(cells[1]).toBe(t.scenario);
      expect(cells[2]).toBe(op);
      expect(cells).toContain(String(o.counts.ok));
      expect(cells).toContain(fmtMs(o.latency.all.percentilesUs.p99));
      expect(cells.at(-1)).toBe(fmtPct(t.backends.memcached.hitRate));
    });
  });

  it('is fixed width: columns line up', () => {
    const tableLines = lines.slice(0, 2 + 6);
    const ends = (l: string) => [...l.matchAll(/\S(?=\s{2}|$)/g)].map((m) => m.index);
    // Right-aligned numeric columns end at the same offsets on every row.
    const header = ends(tableLines[0]!);
    for (const l of tableLines.slice(2)) expect(ends(l).slice(-6)).toEqual(header.slice(-6));
  });

  it('notes saturation, failed checks and the unconstrained capacity model', () => {
    expect(text).toContain('UNCONSTRAINED');
    expect(text).toMatch(/trial 2 \(replicas\/feed-heavy\): the load generator could not keep its schedule/);
    expect(text).toMatch(/trial 1 \(cache\/feed-heavy\): generator kept its schedule: send lateness p50 /);
    expect(text).toMatch(/trial 2 \(replicas\/feed-heavy\): the app: \d+ dropped/);
    expect(text).toMatch(/check read-your-writes FAILED/);
  });

  it('ends with the verdict per scenario', () => {
    expect(text).toMatch(/\nWhich tier:\n  feed-heavy: no sweep, so this is not a sustainable-throughput comparison\./);
  });

  it('strips control characters from results text', () => {
    const evil = buildResultsFixture();
    evil.trials[0]!.tier = 'cache\u001b[31m';
    expect(renderTerminalSummary(evil)).not.toContain('\u001b');
  });
});

describe('renderSummaryMarkdown', () => {
  const md = renderSummaryMarkdown(results);

  it('carries the run id, the unconstrained note and one table row per operation', () => {
    expect(md).toContain(results.run.id);
    expect(md).toContain('**UNCONSTRAINED**');
    results.trials.forEach((t, i) => {
      for (const [op, o] of Object.entries(t.operations)) {
        const row = md.split('\n').find((l) => l.startsWith(`| ${i + 1} | ${t.tier} | ${t.scenario} | ${escapeMd(op)} | ${o.counts.scheduled.toLocaleString('en-US')} |`));
        expect(row, `${t.tier} ${op}`).toBeDefined();
        expect(row).toContain(`| ${fmtMs(o.latency.all.percentilesUs.p99)} |`);
      }
    });
  });

  it('leads with the verdict, labelled as not a sustainable-throughput comparison without a headline', () => {
    expect(md.indexOf('## Which tier, and why')).toBeLessThan(md.indexOf('## Trials'));
    expect(md).toMatch(/### feed-heavy: not a sustainable-throughput comparison \(no sweep\)/);
    expect(md).toMatch(/\| cache \| 500 \| 500 \|/);
    expect(md).not.toContain('![');
  });

  it('says what it left out when a run does not fit the budget', () => {
    const small = renderSummaryMarkdown(results, 4 * 1024);
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(4 * 1024);
    expect(small).toContain('Omitted to stay under 4 KiB: the per-operation table; see index.html');
    expect(small).toContain('## Which tier, and why');
    expect(small).toContain('## Trials');
    expect(renderSummaryMarkdown(results, 1024)).toContain('Omitted to stay under 1 KiB: the per-trial table and the per-operation table');
  });

  it('keeps the command verbatim in a fence that its backticks cannot close', () => {
    expect(md).toContain(mdCodeBlock(results.run.command, 'sh'));
    expect(mdCodeBlock('a ``` b')).toMatch(/^````\n/);
  });

  it('escapes Markdown and HTML in cells', () => {
    expect(escapeMd('a|b <i>')).toBe('a\\|b &lt;i&gt;');
    expect(escapeMd('# not a heading')).toBe('\\# not a heading');
  });
});

describe('thresholds and cache flushes in the text reports', () => {
  const base = buildResultsFixture();
  const cacheRecovery = { atSecond: 8, hitRateBefore: 0.9, recoverySec: 4, spike: { fromSecond: 8, toSecond: 11, p99Us: 12_000, nodes: [{ node: 'pg-primary', queriesPerSecBefore: 100, queriesPerSec: 700, cpuPerSecBefore: 0.1, cpuPerSec: 0.5 }] } };
  const thresholds = [
    { name: 'threshold http_req_duration p(99)<50', ok: true, detail: 'p(99) 12.0 ms < 50' },
    { name: 'threshold errors rate<0.01', ok: false, detail: 'rate 0.02, not < 0.01' },
  ];
  const results = { ...base, trials: [{ ...base.trials[0]!, thresholds, cacheRecovery }, ...base.trials.slice(1)] };

  it('summary.md lists every threshold, passed or failed, and each cache flush', () => {
    const md = renderSummaryMarkdown(results);
    expect(md).toContain('## Thresholds');
    expect(md).toContain('- trial 1 (cache / feed-heavy): pass threshold http\\_req\\_duration p(99)&lt;50: p(99) 12.0 ms &lt; 50');
    expect(md).toContain('- trial 1 (cache / feed-heavy): **FAIL** threshold errors rate&lt;0.01: rate 0.02, not &lt; 0.01');
    expect(md).toContain('## Cache flushes');
    expect(md).toMatch(/- trial 1 \(cache \/ feed-heavy\): Memcached flushed at 8 s; hit rate 90\.0% before, back to 90% of it 4 s after/);
    expect(renderSummaryMarkdown(base)).not.toMatch(/## Thresholds|## Cache flushes/);
  });

  it('the terminal notes a cache flush beside the trial', () => {
    expect(renderTerminalSummary(results)).toMatch(/trial 1 \(cache\/feed-heavy\): cache flush: Memcached flushed at 8 s; .*spike \(seconds 8–11\): p99 12\.0 ms; PostgreSQL before → during: pg-primary 100 → 700 statements\/s/);
  });
});
