/**
 * Several trials on shared charts (the tiers of one scenario, or the same tier in several runs):
 * each trial is one line with its own colour, dash, marker and end label.
 */
import type { ChartConfiguration } from 'chart.js';
import type { Trial } from '../../results/types.ts';
import { lineChart, type Line } from './line.ts';
import { spectrumChart } from './spectrum.ts';
import { latencyAxis, linearAxis, secondsAxis, type SeriesStyle } from './style.ts';

export interface OverlaySeries {
  /** Legend and end-label text: a tier, or a run. */
  name: string;
  style: SeriesStyle;
  trial: Trial;
}

/** Every operation's all-requests histogram of a trial (merged exactly where the chart needs one line). */
export function allRequestsEncoded(trial: Trial): string[] {
  return Object.values(trial.operations)
    .map((o) => o.latency.all)
    .filter((h) => h.count > 0)
    .map((h) => h.encoded);
}

/** All operations' all-requests latency by percentile, one line per trial. */
export function overlaySpectrum(title: string, series: readonly OverlaySeries[]): ChartConfiguration {
  return spectrumChart(
    title,
    series.map((s) => ({ label: s.name, short: s.name, encoded: allRequestsEncoded(s.trial), style: s.style })),
  ).config;
}

function windowEnd(series: readonly OverlaySeries[]): number | undefined {
  const ends = series.map((s) => s.trial.timeseries.at(-1)?.second).filter((v): v is number => v !== undefined);
  return ends.length ? Math.max(...ends) + 1 : undefined;
}

type PointOf = (p: Trial['timeseries'][number]) => number | null;

function overlayLines(series: readonly OverlaySeries[], value: PointOf): Line[] {
  return series.map((s) => ({ label: s.name, short: s.name, points: s.trial.timeseries.map((p) => ({ x: p.second, y: value(p) })), style: s.style }));
}

/** p99 of all requests due in each second, one line per trial. */
export function overlayLatency(title: string, series: readonly OverlaySeries[]): ChartConfiguration {
  const lines = overlayLines(series, (p) => (p.p99Us === null ? null : p.p99Us / 1000));
  return lineChart({ title, lines, x: secondsAxis(windowEnd(series)), y: latencyAxis(lines.flatMap((l) => l.points.map((p) => p.y))), emptyNote: 'no timeseries' });
}

/** OK answers per second, one line per trial. */
export function overlayThroughput(title: string, series: readonly OverlaySeries[]): ChartConfiguration {
  return lineChart({ title, lines: overlayLines(series, (p) => p.ok), x: secondsAxis(windowEnd(series)), y: linearAxis('OK answers per second (req/s)'), emptyNote: 'no timeseries' });
}

/** Errors, timeouts, drops and unfinished requests per second, one line per trial. */
export function overlayErrors(title: string, series: readonly OverlaySeries[]): ChartConfiguration {
  const lines = overlayLines(series, (p) => p.errors + p.timeouts + p.dropped + p.unfinished);
  return lineChart({ title, lines, x: secondsAxis(windowEnd(series)), y: linearAxis('requests not OK per second (req/s)'), emptyNote: 'no timeseries' });
}
