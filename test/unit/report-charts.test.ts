import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { renderChart, SHORT } from '../../harness/report/charts/canvas.ts';
import { allFigures, reportFigures, renderReportCharts } from '../../harness/report/charts/report-figures.ts';
import { percentileTickLabel, spectrumChart } from '../../harness/report/charts/spectrum.ts';
import { latencyAxis, sortTiers, tierStyle } from '../../harness/report/charts/style.ts';
import { trialFigures } from '../../harness/report/charts/trial-figures.ts';
import type { Trial } from '../../harness/results/types.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';
import { looksDrawn, pixelStats } from '../helpers/pixels.ts';

const WEBP = (b: Buffer) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP';
const keysOf = (i: number, t: Trial) => trialFigures(i, t).map((f) => f.key.replace(/^trial-\d+\//, ''));

describe('report charts', () => {
  const results = buildResultsFixture();
  // Rendered once for the file: every chart of a two-trial report.
  const images = renderReportCharts(results);

  it('plans the figures each trial has data for', () => {
    expect(keysOf(0, results.trials[0]!)).toEqual(['latency', 'throughput', 'hit-rate', 'spectrum', 'node-cpu', 'node-queries', 'shard-writes', 'send-lateness']);
    expect(keysOf(1, results.trials[1]!)).toContain('replica-lag');
    const scenario = reportFigures(results).scenarios[0]!;
    expect(scenario.figures.map((f) => f.key)).toEqual(['spectrum', 'latency', 'throughput', 'errors'].map((k) => `scenario/feed-heavy/${k}`));
    expect(images.size).toBe(allFigures(reportFigures(results)).length);
  });

  it('renders every figure as a drawn WebP image of the report width, within the per-chart budget', () => {
    for (const [key, img] of images) {
      expect(WEBP(img.data), key).toBe(true);
      expect(img.width, key).toBe(960);
      // Budget: ~10 charts per trial and 18 trials in 5 MB of HTML (base64 adds a third).
      expect(img.data.length, key).toBeLessThan(32_000);
      expect(looksDrawn(pixelStats(img.data)), key).toBe(true);
    }
  });

  it('tells a blank image from a chart (the check can fail)', () => {
    const blank = createCanvas(960, 300);
    const ctx = blank.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, 960, 300);
    expect(looksDrawn(pixelStats(blank.toBuffer('image/webp', 80)))).toBe(false);
  });

  it('gives every figure alt text with its key numbers', () => {
    const figs = trialFigures(0, results.trials[0]!);
    const spectrum = figs.find((f) => f.key.endsWith('/spectrum'))!;
    const p99 = results.trials[0]!.operations['feed.read']!.latency.all.percentilesUs.p99;
    expect(spectrum.alt).toContain(`p99 ${(p99 / 1000).toFixed(1)}`);
    for (const f of figs) expect(f.alt).toMatch(/\d/);
    expect(figs.find((f) => f.key.endsWith('/latency'))!.alt).toContain('stall "server stall 250 ms" at second 12');
  });

  it('leaves out the hit-rate chart where no second had gets, and draws a trial that recorded nothing', () => {
    const base = results.trials[0]!;
    const noGets: Trial = { ...base, timeseries: base.timeseries.map((p) => ({ ...p, cacheHitRate: null })) };
    expect(keysOf(0, noGets)).not.toContain('hit-rate');
    const bare: Trial = { ...base, operations: {}, timeseries: [], events: [], backends: { ...base.backends, postgres: [], series: [], shardWrites: {} } };
    const figs = trialFigures(0, bare);
    expect(figs.map((f) => f.key)).toEqual(['trial-1/latency', 'trial-1/throughput', 'trial-1/spectrum', 'trial-1/send-lateness']);
    expect(WEBP(figs[2]!.render().data)).toBe(true);
  });

  it('renders an empty spectrum with a note in its title', () => {
    const empty = results.trials[0]!.operations['feed.read']!;
    const { config } = spectrumChart('none', [{ label: 'x', encoded: [], style: tierStyle('cache') }]);
    expect(JSON.stringify(config.options?.plugins?.title)).toContain('no requests');
    expect(WEBP(renderChart(config, SHORT).data)).toBe(true);
    expect(empty.latency.all.count).toBeGreaterThan(0);
  });

  it('labels the 1/(1-p) axis in percentiles', () => {
    expect(percentileTickLabel(2)).toBe('50%');
    expect(percentileTickLabel(100)).toBe('99%');
    expect(percentileTickLabel(1000)).toBe('99.9%');
    expect(percentileTickLabel(3)).toBe('');
  });

  it('puts latency on a log axis where values span orders of magnitude, and says so', () => {
    expect(latencyAxis([1, 5, 300]).type).toBe('logarithmic');
    expect(JSON.stringify(latencyAxis([1, 5, 300]).title)).toContain('log scale');
    expect(latencyAxis([2, 3, 4]).type).toBe('linear');
  });

  it('gives each tier its own colour, dash and marker', () => {
    const [a, b, c] = ['cache', 'replicas', 'sharded'].map(tierStyle);
    expect(new Set([a!.color, b!.color, c!.color]).size).toBe(3);
    expect(new Set([a!.dash.join(), b!.dash.join(), c!.dash.join()]).size).toBe(3);
    expect(new Set([a!.point, b!.point, c!.point]).size).toBe(3);
    expect(sortTiers(['sharded', 'zeta', 'cache', 'replicas'])).toEqual(['cache', 'replicas', 'sharded', 'zeta']);
  });
});
