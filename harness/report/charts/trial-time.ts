/**
 * One trial's per-second charts: latency, throughput and errors, cache hit rate; each with the
 * trial's events (flushes, faults) marked where they happened.
 */
import type { ChartConfiguration } from 'chart.js';
import type { Trial, TrialEvent } from '../../results/types.ts';
import { lineChart, type Line } from './line.ts';
import type { VerticalMarker } from './plugins.ts';
import { PART, latencyAxis, linearAxis, secondsAxis } from './style.ts';

/** Event markers: a labelled vertical line at each event's second (`short`: the kind only, for small panels). */
export function eventMarkers(events: readonly TrialEvent[], short = false): VerticalMarker[] {
  return events.map((e) => ({ x: e.atSecond, label: short ? e.kind : `${e.kind}: ${e.label}`, color: '#7a1f1f' }));
}

/** The end of the x axis of a trial's per-second charts. */
export function windowEnd(trial: Trial): number | undefined {
  const last = trial.timeseries.at(-1)?.second;
  return last === undefined ? undefined : last + 1;
}

const ms = (us: number | null) => (us === null ? null : us / 1000);

/** p50, p99 and p99.9 of all requests due in each second (corrected). */
export function latencyOverTime(title: string, trial: Trial): ChartConfiguration {
  const ts = trial.timeseries;
  const lines: Line[] = [
    { label: 'p50', short: 'p50', points: ts.map((p) => ({ x: p.second, y: ms(p.p50Us) })), style: PART.p50 },
    { label: 'p99', short: 'p99', points: ts.map((p) => ({ x: p.second, y: ms(p.p99Us) })), style: PART.p99 },
    { label: 'p99.9', short: 'p99.9', points: ts.map((p) => ({ x: p.second, y: ms(p.p999Us) })), style: PART.p999 },
  ];
  const values = lines.flatMap((l) => l.points.map((p) => p.y));
  return lineChart({ title, lines, x: secondsAxis(windowEnd(trial)), y: latencyAxis(values), markers: { vertical: eventMarkers(trial.events) }, emptyNote: 'no timeseries' });
}

/** Requests due, answers by arrival, OK answers, errors, and what was not answered in time, per second. */
export function throughputOverTime(title: string, trial: Trial): ChartConfiguration {
  const ts = trial.timeseries;
  const lines: Line[] = [
    { label: 'scheduled/s', points: ts.map((p) => ({ x: p.second, y: p.scheduled })), style: PART.scheduled, width: 1.5 },
    { label: 'answered/s (by arrival)', points: ts.map((p) => ({ x: p.second, y: p.answered })), style: PART.answered, width: 1.5 },
    { label: 'ok/s', short: 'ok', points: ts.map((p) => ({ x: p.second, y: p.ok })), style: PART.ok },
    { label: 'errors/s', short: 'errors', points: ts.map((p) => ({ x: p.second, y: p.errors })), style: PART.errors },
    { label: 'timeouts + dropped + unfinished/s', short: 'not answered', points: ts.map((p) => ({ x: p.second, y: p.timeouts + p.dropped + p.unfinished })), style: PART.notAnswered, width: 1.5 },
  ];
  return lineChart({ title, lines, x: secondsAxis(windowEnd(trial)), y: linearAxis('requests per second (req/s)'), markers: { vertical: eventMarkers(trial.events) }, emptyNote: 'no timeseries' });
}

/** Memcached's get hit rate per second, in percent. */
export function hitRateOverTime(title: string, trial: Trial): ChartConfiguration {
  const lines: Line[] = [
    { label: 'memcached get hit rate', points: trial.timeseries.map((p) => ({ x: p.second, y: p.cacheHitRate === null ? null : p.cacheHitRate * 100 })), style: PART.hitRate },
  ];
  return lineChart({ title, lines, x: secondsAxis(windowEnd(trial)), y: linearAxis('hit rate (%)', { max: 100 }), markers: { vertical: eventMarkers(trial.events) }, emptyNote: 'no gets' });
}
