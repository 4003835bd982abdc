import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  chartKey,
  percentileTickLabel,
  renderCacheHitRateChart,
  renderReportCharts,
  renderSpectrumChart,
  operationSpectrumSeries,
} from '../../harness/report/charts.ts';
import type { Trial } from '../../harness/results/types.ts';
import { buildResultsFixture, summarize } from '../fixtures/results-fixture.ts';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  // IHDR is the first chunk: width and height are big-endian at bytes 16 and 20.
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('report charts', () => {
  const results = buildResultsFixture();
  const charts = renderReportCharts(results);

  it('renders a spectrum per operation, a throughput, a cache and a send-lateness chart per trial', () => {
    results.trials.forEach((t, i) => {
      for (const op of Object.keys(t.operations)) expect(charts.has(chartKey.spectrum(i, op))).toBe(true);
      expect(charts.has(chartKey.throughput(i))).toBe(true);
      expect(charts.has(chartKey.cacheHitRate(i))).toBe(true);
      expect(charts.has(chartKey.sendLateness(i))).toBe(true);
    });
    const expected = results.trials.reduce((a, t) => a + Object.keys(t.operations).length + 3, 0);
    expect(charts.size).toBe(expected);
  });

  it('produces valid, non-trivial PNGs', () => {
    for (const [key, png] of charts) {
      expect(png.subarray(0, 8).equals(PNG_MAGIC), key).toBe(true);
      expect(png.length, key).toBeGreaterThan(10_000);
      const { width, height } = pngSize(png);
      expect(width).toBe(960);
      expect(height).toBeGreaterThanOrEqual(300);
    }
  });

  it('skips the cache chart when no second has a hit rate', () => {
    const trial: Trial = {
      ...results.trials[0]!,
      timeseries: results.trials[0]!.timeseries.map((p) => ({ ...p, cacheHitRate: null })),
    };
    const only = renderReportCharts({ ...results, trials: [trial] });
    expect(only.has(chartKey.cacheHitRate(0))).toBe(false);
    // Rendering it anyway must not throw (all gaps).
    expect(renderCacheHitRateChart('empty', trial).subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
  });

  it('renders an operation without OK answers', () => {
    const op = results.trials[0]!.operations['feed.read']!;
    const empty = summarize(hdr.build({ useWebAssembly: false }));
    const png = renderSpectrumChart('no answers', operationSpectrumSeries({ ...op, latency: { all: empty, ok: empty, okUncorrected: empty } }));
    expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
  });

  it('labels the 1/(1-p) axis in percentiles', () => {
    expect(percentileTickLabel(2)).toBe('50%');
    expect(percentileTickLabel(10)).toBe('90%');
    expect(percentileTickLabel(100)).toBe('99%');
    expect(percentileTickLabel(1000)).toBe('99.9%');
    expect(percentileTickLabel(10000)).toBe('99.99%');
    expect(percentileTickLabel(3)).toBe('');
  });
});
