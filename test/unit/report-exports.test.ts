import { describe, expect, it } from 'vitest';
import { csv, exportFiles, hgrmText, nodesCsv, timeseriesCsv } from '../../harness/report/exports.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

const results = buildResultsFixture();
const feed = results.trials[0]!.operations['feed.read']!;

describe('.hgrm exports', () => {
  const text = hgrmText(feed.latency.all);
  const lines = text.split('\n');

  it("is HdrHistogram's percentile distribution format, values in milliseconds", () => {
    expect(lines[0]).toBe('       Value     Percentile TotalCount 1/(1-Percentile)');
    expect(lines[1]).toBe('');
    // "%12.3f %2.12f %10d %14.2f": value, percentile as a fraction, count so far, 1/(1-p).
    expect(lines[2]).toMatch(/^ {0,11}\d+\.\d{3} 0\.000000000000 {1,10}\d+ {10,}1\.00$/);
    const p50 = lines.find((l) => / 0\.500000000000 /.test(l))!;
    expect(Number(p50.trim().split(/\s+/)[0])).toBeCloseTo(feed.latency.all.percentilesUs.p50 / 1000, 3);
    expect(text).toMatch(new RegExp(`#\\[Max     = +${(feed.latency.all.maxUs / 1000).toFixed(3)}, Total count    = +${feed.latency.all.count}\\]`));
  });

  it('writes all-requests, OK and OK-uncorrected files per trial and operation', () => {
    const files = exportFiles(results).filter((f) => f.path.startsWith('hgrm/'));
    expect(files).toHaveLength(results.trials.reduce((n, t) => n + Object.keys(t.operations).length * 3, 0));
    expect(files.map((f) => f.path)).toContain('hgrm/t02-replicas-feed-heavy.photo.like.ok-uncorrected.hgrm');
  });
});

describe('CSV exports', () => {
  it('has one row per trial and second, with the series values', () => {
    const rows = timeseriesCsv(results).trimEnd().split('\n');
    expect(rows[0]).toMatch(/^trial,tier,scenario,second,scheduled,/);
    expect(rows).toHaveLength(1 + results.trials.reduce((n, t) => n + t.timeseries.length, 0));
    const p = results.trials[1]!.timeseries[3]!;
    const row = rows.find((r) => r.startsWith('2,replicas,feed-heavy,3,'))!.split(',');
    expect(Number(row[4])).toBe(p.scheduled);
    expect(Number(row[13])).toBe(p.p99Us! / 1000);
  });

  it('has one row per trial, second and PostgreSQL node', () => {
    const rows = nodesCsv(results).trimEnd().split('\n');
    expect(rows).toHaveLength(1 + results.trials.reduce((n, t) => n + t.backends.series.length * t.backends.postgres.length, 0));
    expect(rows[1]).toMatch(/^1,cache,feed-heavy,0,pg-primary,[\d.]+,0\.5,/);
  });

  it('quotes fields that hold commas, quotes or newlines', () => {
    expect(csv(['a', 'b'], [['x,y', 'say "hi"'], [null, 3]])).toBe('a,b\n"x,y","say ""hi"""\n,3\n');
  });
});
