/**
 * Sweep curves: offered rate against p99 (with the SLO bound) and against the achieved rate (with
 * the offered = achieved line), one line per tier or run; each one's knee (maximum sustainable
 * rate) marked with its interval shaded. Steps that broke the SLO are drawn as crosses.
 */
import type { ChartConfiguration } from 'chart.js';
import type { SweepResult, SweepStep } from '../../results/types.ts';
import { lineChart, type Line } from './line.ts';
import type { Band, HorizontalMarker, VerticalMarker } from './plugins.ts';
import { latencyAxis, linearAxis, styleAt, type SeriesStyle } from './style.ts';

export interface SweepSeries {
  name: string;
  style: SeriesStyle;
  sweep: SweepResult;
}

/** Steps by offered rate, repeats in order. */
export function sortedSteps(sweep: SweepResult): SweepStep[] {
  return [...sweep.steps].sort((a, b) => a.rate - b.rate || a.repeat - b.repeat);
}

function rateAxis(title: string) {
  return linearAxis(title);
}

function knees(series: readonly SweepSeries[]): { vertical: VerticalMarker[]; bands: Band[] } {
  const withKnee = series.filter((s) => s.sweep.maxSustainable !== null);
  return {
    vertical: withKnee.map((s) => ({ x: s.sweep.maxSustainable!.rate, label: `${s.name} max ${s.sweep.maxSustainable!.lowerBound ? '≥ ' : ''}${Math.round(s.sweep.maxSustainable!.rate).toLocaleString('en-US')}/s`, color: s.style.color })),
    bands: withKnee.map((s) => ({ from: s.sweep.maxSustainable!.low, to: s.sweep.maxSustainable!.high, color: `${s.style.color}22` })),
  };
}

function sloMarkers(series: readonly SweepSeries[]): HorizontalMarker[] {
  const bounds = [...new Set(series.map((s) => s.sweep.slo.p99Ms))];
  return bounds.map((b) => ({ y: b, label: `SLO: p99 under ${b} ms`, color: '#7a1f1f' }));
}

function stepLine(s: SweepSeries, value: (st: SweepStep) => number | null): Line {
  const steps = sortedSteps(s.sweep);
  return {
    label: s.name,
    short: s.name,
    points: steps.map((st) => ({ x: st.rate, y: value(st) })),
    style: s.style,
    allPoints: true,
    pointStyles: steps.map((st) => (st.holdsSlo ? s.style.point : 'crossRot')),
  };
}

/** Offered rate vs p99 of all requests (log axis where it spans orders of magnitude), the SLO bound and the knees. */
export function sweepLatency(title: string, series: readonly SweepSeries[]): ChartConfiguration {
  const lines = series.map((s) => stepLine(s, (st) => (st.p99Us === null ? null : st.p99Us / 1000)));
  const values = [...lines.flatMap((l) => l.points.map((p) => p.y)), ...series.map((s) => s.sweep.slo.p99Ms)];
  return lineChart({
    title,
    lines,
    x: rateAxis('offered rate (req/s)'),
    y: latencyAxis(values),
    markers: { ...knees(series), horizontal: sloMarkers(series) },
    emptyNote: 'no steps',
  });
}

/** Offered rate vs achieved rate, with the offered = achieved line and the knees. */
export function sweepThroughput(title: string, series: readonly SweepSeries[]): ChartConfiguration {
  const lines = series.map((s) => stepLine(s, (st) => st.achievedRate));
  const rates = series.flatMap((s) => s.sweep.steps.map((st) => st.rate));
  const top = Math.max(1, ...rates);
  lines.push({ label: 'offered = achieved', points: [{ x: 0, y: 0 }, { x: top, y: top }], style: { ...styleAt(6), color: '#9a9a9a', dash: [3, 3] }, width: 1, noPoints: true });
  return lineChart({ title, lines, x: rateAxis('offered rate (req/s)'), y: rateAxis('achieved rate (req/s)'), markers: knees(series), emptyNote: 'no steps' });
}
