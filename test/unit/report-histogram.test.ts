import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../harness/metrics/histograms.ts';
import { mergeEncoded, percentileSpectrum, spectrumLevels } from '../../harness/report/histogram-decode.ts';
import { summarizeTrial } from '../../harness/report/summary.ts';
import { PERCENTILES } from '../../harness/results/types.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

const results = buildResultsFixture();
const trial = results.trials[0]!;
const feed = trial.operations['feed.read']!;

describe('spectrumLevels', () => {
  it('steps like HdrHistogram: fixed ticks per half-distance to 100%', () => {
    expect(spectrumLevels(1_000_000, { ticksPerHalfDistance: 1 }).slice(0, 6)).toEqual([0, 50, 75, 87.5, 93.75, 96.875]);
    expect(spectrumLevels(1_000_000, { ticksPerHalfDistance: 2 }).slice(0, 5)).toEqual([0, 25, 50, 62.5, 75]);
  });

  it('stops at maxPercentile or once the tail holds less than one value', () => {
    const big = spectrumLevels(10_000_000);
    expect(big.at(-1)!).toBeLessThanOrEqual(99.999);
    expect(big.at(-1)!).toBeGreaterThan(99.99);
    const small = spectrumLevels(100);
    // Tail below 1 value of 100 means a level above 99%; only the first such level is kept.
    expect(small.filter((p) => p > 99)).toHaveLength(1);
    expect(spectrumLevels(0)).toEqual([]);
  });

  it('rejects nonsense options', () => {
    expect(() => spectrumLevels(10, { ticksPerHalfDistance: 0 })).toThrow(RangeError);
    expect(() => spectrumLevels(10, { maxPercentile: 100 })).toThrow(RangeError);
  });
});

describe('percentileSpectrum', () => {
  it("matches hdr's own getValueAtPercentile on the decoded histogram", () => {
    const spectrum = percentileSpectrum(feed.latency.all.encoded);
    const h = hdr.decodeFromCompressedBase64(feed.latency.all.encoded, 32, false);
    expect(spectrum.totalCount).toBe(h.totalCount);
    expect(spectrum.totalCount).toBe(feed.latency.all.count);
    expect(spectrum.points.length).toBeGreaterThan(40);
    for (const p of spectrum.points) {
      expect(p.valueUs).toBe(h.getValueAtPercentile(p.percentile));
      expect(p.inverseTail).toBeCloseTo(1 / (1 - p.percentile / 100), 6);
    }
    // Non-decreasing in value, strictly increasing in percentile.
    for (let i = 1; i < spectrum.points.length; i++) {
      expect(spectrum.points[i]!.percentile).toBeGreaterThan(spectrum.points[i - 1]!.percentile);
      expect(spectrum.points[i]!.valueUs).toBeGreaterThanOrEqual(spectrum.points[i - 1]!.valueUs);
    }
    expect(spectrum.maxUs).toBe(h.maxValue);
  });

  it('round-trips the percentiles the fixture computed before encoding', () => {
    const h = decodeHistogram(feed.latency.all.encoded);
    for (const p of PERCENTILES) {
      expect(h.getValueAtPercentile(p)).toBe(feed.latency.all.percentilesUs[`p${p}`]);
    }
    const at50 = percentileSpectrum(feed.latency.all.encoded).points.find((p) => p.percentile === 50);
    expect(at50?.valueUs).toBe(feed.latency.all.percentilesUs.p50);
  });

  it('gives an empty spectrum for an empty histogram', () => {
    const empty = hdr.build({ useWebAssembly: false });
    const s = percentileSpectrum(hdr.encodeIntoCompressedBase64(empty));
    expect(s).toEqual({ totalCount: 0, maxUs: 0, points: [] });
  });
});

describe('mergeEncoded / all-operations row', () => {
  it('merges exactly: same as recording everything into one histogram', () => {
    const encoded = Object.values(trial.operations).map((o) => o.latency.all.encoded);
    const merged = mergeEncoded(encoded, [50, 99]);
    const reference = hdr.build({ useWebAssembly: false });
    for (const e of encoded) reference.add(hdr.decodeFromCompressedBase64(e, 32, false));
    expect(merged.count).toBe(reference.totalCount);
    expect(merged.valuesUs.get(50)).toBe(reference.getValueAtPercentile(50));
    expect(merged.valuesUs.get(99)).toBe(reference.getValueAtPercentile(99));
  });

  it('sums counts over operations', () => {
    const s = summarizeTrial(trial, 0);
    const ops = Object.values(trial.operations);
    expect(s.all?.counts.ok).toBe(ops.reduce((a, o) => a + o.counts.ok, 0));
    expect(s.all?.counts.scheduled).toBe(trial.generator.scheduled);
    expect(s.all?.maxUs).toBe(Math.max(...ops.map((o) => o.latency.all.maxUs)));
  });
});

describe('fixture', () => {
  it('adds up like a real results file', () => {
    for (const t of results.trials) {
      for (const op of Object.values(t.operations)) {
        const c = op.counts;
        expect(c.scheduled).toBe(c.sent + c.dropped);
        expect(c.sent).toBe(c.ok + c.errors + c.timeouts + c.unfinished);
        expect(op.latency.all.count).toBe(c.scheduled);
        expect(op.latency.ok.count).toBe(c.ok);
        expect(op.latency.okUncorrected.count).toBe(c.ok);
      }
    }
  });
});
