/**
 * Percentile spectra: latency by percentile with x = 1/(1-p) on a log axis labelled in
 * percentiles (so the tail gets the room it deserves), from encoded HDR histograms merged exactly.
 */
import type { ChartConfiguration } from 'chart.js';
import { mergeEncoded } from '../../metrics/histograms.ts';
import { spectrumOf, type PercentileSpectrum } from '../histogram-decode.ts';
import { lineChart, type Line } from './line.ts';
import { latencyAxis, type SeriesStyle } from './style.ts';

/** x positions of labelled percentile ticks on a 1/(1-p) axis, with their labels. */
const PERCENTILE_TICKS: readonly { x: number; label: string }[] = [
  { x: 1, label: '0%' },
  { x: 2, label: '50%' },
  { x: 10, label: '90%' },
  { x: 100, label: '99%' },
  { x: 1_000, label: '99.9%' },
  { x: 10_000, label: '99.99%' },
  { x: 100_000, label: '99.999%' },
  { x: 1_000_000, label: '99.9999%' },
];

/** Label of the 1/(1-p) x axis value, e.g. 100 -> "99%". */
export function percentileTickLabel(inverseTail: number): string {
  const tick = PERCENTILE_TICKS.find((t) => Math.abs(t.x - inverseTail) / t.x < 1e-9);
  return tick ? tick.label : '';
}

/** The spectrum of one or more encoded histograms merged exactly (never averaged). */
export function spectrumOfEncoded(encoded: readonly string[]): PercentileSpectrum {
  const merged = mergeEncoded(encoded);
  try {
    return spectrumOf(merged);
  } finally {
    merged.destroy();
  }
}

export interface SpectrumLine {
  label: string;
  short?: string;
  /** Encoded histograms merged into this line. */
  encoded: readonly string[];
  style: SeriesStyle;
}

function percentileAxis(maxX: number) {
  const axisMax = PERCENTILE_TICKS.find((t) => t.x >= maxX * (1 - 1e-9))?.x ?? maxX;
  return {
    type: 'logarithmic',
    min: 1,
    max: axisMax,
    title: { display: true, text: 'percentile (log scale of 1/(1-p))', font: { size: 12 } },
    afterBuildTicks: (axis: { ticks: Array<{ value: number; major?: boolean }> }) => {
      axis.ticks = PERCENTILE_TICKS.filter((t) => t.x <= axisMax).map((t) => ({ value: t.x, major: true }));
    },
    ticks: { autoSkip: false, maxRotation: 0, font: { size: 11 }, callback: (v: number | string) => percentileTickLabel(Number(v)) },
  };
}

/** Latency by percentile, one line per SpectrumLine; y on a log axis where it spans orders of magnitude. */
export function spectrumChart(title: string, lines: readonly SpectrumLine[]): { config: ChartConfiguration; spectra: PercentileSpectrum[] } {
  const spectra = lines.map((l) => spectrumOfEncoded(l.encoded));
  const chartLines: Line[] = lines.map((l, i) => {
    const s = spectra[i]!;
    return {
      label: `${l.label} (n=${s.totalCount.toLocaleString('en-US')})`,
      ...(l.short ? { short: l.short } : {}),
      points: s.points.map((p) => ({ x: p.inverseTail, y: p.valueUs / 1000 })),
      style: l.style,
    };
  });
  const maxX = Math.max(10, ...spectra.flatMap((s) => s.points.map((p) => p.inverseTail)));
  const values = spectra.flatMap((s) => s.points.map((p) => p.valueUs / 1000));
  const config = lineChart({ title, lines: chartLines, x: percentileAxis(maxX) as never, y: latencyAxis(values), emptyNote: 'no requests' });
  return { config, spectra };
}
