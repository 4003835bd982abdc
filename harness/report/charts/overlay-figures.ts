/**
 * Figures that overlay several trials: the tiers of one scenario in a report, or the runs of one
 * tier × scenario in a comparison. Alt texts give each line's key numbers.
 */
import { fmtInt, fmtMs, fmtNum } from '../format.ts';
import { summarizeTrial } from '../summary.ts';
import type { GroupMember, ScenarioGroup } from '../groups.ts';
import { chartFigure, type FigureSpec } from './figure.ts';
import { overlayErrors, overlayLatency, overlaySpectrum, overlayThroughput, type OverlaySeries } from './overlay.ts';
import { maxOf, median, present } from './stats.ts';
import { tierStyle } from './style.ts';
import { sweepLatency, sweepThroughput, type SweepSeries } from './sweep.ts';

function spectrumFacts(series: readonly OverlaySeries[]): string {
  return series
    .map((s) => {
      const all = summarizeTrial(s.trial, 0).all;
      return `${s.name} p50 ${fmtMs(all?.p50Us)}, p99 ${fmtMs(all?.p99Us)}, p99.9 ${fmtMs(all?.p999Us)} ms`;
    })
    .join('; ');
}

function perSecondFacts(series: readonly OverlaySeries[], value: (p: OverlaySeries['trial']['timeseries'][number]) => number | null, fmt: (v: number | null) => string, unit: string): string {
  return series
    .map((s) => {
      const v = present(s.trial.timeseries.map(value));
      return `${s.name} median ${fmt(median(v))}${unit}, peak ${fmt(maxOf(v))}${unit}`;
    })
    .join('; ');
}

function sweepFacts(sweeps: readonly SweepSeries[]): string {
  return sweeps
    .map((s) => {
      const m = s.sweep.maxSustainable;
      return m ? `${s.name} holds the SLO up to ${m.lowerBound ? `at least ${fmtInt(m.rate)} req/s (no knee)` : `${fmtInt(m.rate)} req/s [${fmtInt(m.low)}, ${fmtInt(m.high)}]`}` : `${s.name} did not hold the SLO at any offered rate`;
    })
    .join('; ');
}

/** Overlaid figures of `series` (and `sweeps`, where swept), keys under `keyPrefix`, titles after `title`. */
export function overlayFigures(keyPrefix: string, title: string, series: readonly OverlaySeries[], sweeps: readonly SweepSeries[]): FigureSpec[] {
  const figures: FigureSpec[] = [];
  if (sweeps.length > 0) {
    const slo = sweeps[0]!.sweep.slo;
    figures.push(
      chartFigure(`${keyPrefix}/sweep-latency`, `${title} sweep, offered rate against all-requests p99, SLO p99 under ${fmtNum(slo.p99Ms)} ms: ${sweepFacts(sweeps)}.`,
        `Each sweep step: offered rate against the p99 of all requests in that window; crosses are steps that broke the SLO (p99 under ${fmtNum(slo.p99Ms)} ms, errors under ${fmtNum(slo.errorBudget * 100, 2)}%, drops under ${fmtNum(slo.dropBudget * 100, 2)}%). Repeated rates show as several points. Vertical lines mark each one's maximum sustainable rate, its interval shaded.`,
        ['sweep'], () => sweepLatency(`${title}: p99 against offered rate`, sweeps)),
      chartFigure(`${keyPrefix}/sweep-throughput`, `${title} sweep, offered against achieved rate: ${sweepFacts(sweeps)}.`,
        'Each sweep step: offered rate against the rate the generator achieved; the grey line is offered = achieved. Beyond the knee, achieved falls below offered or the SLO breaks.',
        ['sweep'], () => sweepThroughput(`${title}: achieved against offered rate`, sweeps)),
    );
  }
  figures.push(
    chartFigure(`${keyPrefix}/spectrum`, `${title} all-requests latency by percentile, all operations: ${spectrumFacts(series)}.`,
      'All operations together, every scheduled request from its intended send time, histograms merged exactly; x is 1/(1-percentile) on a log scale so the tail has room.',
      ['upgraded'], () => overlaySpectrum(`${title}: latency by percentile, all operations`, series)),
    chartFigure(`${keyPrefix}/latency`, `${title} p99 per second: ${perSecondFacts(series, (p) => p.p99Us, fmtMs, ' ms')}.`,
      'p99 of all requests due in each second of the window (corrected), one line per trial.',
      ['generator'], () => overlayLatency(`${title}: p99 per second`, series)),
    chartFigure(`${keyPrefix}/throughput`, `${title} OK answers per second: ${perSecondFacts(series, (p) => p.ok, fmtInt, ' req/s')}.`,
      'OK answers per second (by the second they were due), one line per trial.',
      ['dropped'], () => overlayThroughput(`${title}: OK answers per second`, series)),
    chartFigure(`${keyPrefix}/errors`, `${title} requests not OK per second: ${perSecondFacts(series, (p) => p.errors + p.timeouts + p.dropped + p.unfinished, fmtInt, ' req/s')}.`,
      'Errors, timeouts, drops and unfinished requests per second, one line per trial.',
      ['dropped'], () => overlayErrors(`${title}: errors, timeouts and drops per second`, series)),
  );
  return figures;
}

function sweepOf(m: GroupMember): SweepSeries[] {
  return m.trial.sweep ? [{ name: m.name, style: tierStyle(m.trial.tier), sweep: m.trial.sweep }] : [];
}

/** The overlaid figures of one scenario's tiers. */
export function scenarioFigures(group: ScenarioGroup): FigureSpec[] {
  const series = group.members.map((m, k) => ({ name: m.name, style: sameTierTwice(group) ? { ...tierStyle(m.trial.tier), point: POINT_CYCLE[k % POINT_CYCLE.length]! } : tierStyle(m.trial.tier), trial: m.trial }));
  return overlayFigures(`scenario/${group.scenario}`, group.scenario, series, group.members.flatMap(sweepOf));
}

const POINT_CYCLE = ['circle', 'triangle', 'rectRot', 'rect', 'star', 'crossRot'] as const;

function sameTierTwice(group: ScenarioGroup): boolean {
  return group.members.length > group.tiers.length;
}
