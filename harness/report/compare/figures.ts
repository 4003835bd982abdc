/**
 * The comparison's charts: for each tier × scenario in the baseline and a candidate, the same
 * overlaid charts as a report's scenario section, one line per run (and per window where a run
 * repeated it), each run with its own colour, dash and marker.
 */
import type { Trial } from '../../results/types.ts';
import type { FigureSpec } from '../charts/figure.ts';
import { overlayFigures } from '../charts/overlay-figures.ts';
import type { OverlaySeries } from '../charts/overlay.ts';
import { styleAt, type PointStyle } from '../charts/style.ts';
import type { SweepSeries } from '../charts/sweep.ts';
import type { Comparison, RunRef } from './model.ts';

export interface CompareGroup {
  tier: string;
  scenario: string;
  /** Anchor of the group's section. */
  id: string;
  figures: FigureSpec[];
}

const POINTS: PointStyle[] = ['circle', 'triangle', 'rectRot', 'rect', 'star', 'crossRot'];

function trialsOf(run: RunRef, tier: string, scenario: string): Trial[] {
  return run.results.trials.filter((t) => t.tier === tier && t.scenario === scenario);
}

function seriesOf(runs: readonly RunRef[], tier: string, scenario: string): { series: OverlaySeries[]; sweeps: SweepSeries[] } {
  const series: OverlaySeries[] = [];
  const sweeps: SweepSeries[] = [];
  runs.forEach((run, r) => {
    const trials = trialsOf(run, tier, scenario);
    const style = styleAt(r);
    trials.forEach((trial, k) => series.push({ name: trials.length > 1 ? `${run.label}#${k + 1}` : run.label, style: { ...style, point: POINTS[k % POINTS.length]! }, trial }));
    const swept = trials.find((t) => t.sweep);
    if (swept?.sweep) sweeps.push({ name: run.label, style, sweep: swept.sweep });
  });
  return { series, sweeps };
}

/** One group per tier × scenario the baseline shares with at least one candidate. */
export function compareFigures(c: Comparison): CompareGroup[] {
  const runs = [c.baseline, ...c.pairs.map((p) => p.candidate)];
  const keys = new Map<string, { tier: string; scenario: string }>();
  for (const p of c.pairs) for (const r of p.rows) keys.set(`${r.tier}/${r.scenario}`, { tier: r.tier, scenario: r.scenario });
  return [...keys.values()].map(({ tier, scenario }) => {
    const present = runs.filter((run) => trialsOf(run, tier, scenario).length > 0);
    const { series, sweeps } = seriesOf(present, tier, scenario);
    const id = `compare-${tier}-${scenario}`.replace(/[^A-Za-z0-9_-]/g, '_');
    return { tier, scenario, id, figures: overlayFigures(`compare/${tier}/${scenario}`, `${tier} / ${scenario}`, series, sweeps) };
  });
}
