/**
 * Every figure of a run's report: per scenario, its tiers overlaid (and its sweeps), then each
 * trial's own. Rendering is separate (renderFigures) so the HTML can be built with or without
 * images from the same plan.
 */
import type { ResultsFile } from '../../results/types.ts';
import { groupByScenario, type ScenarioGroup } from '../groups.ts';
import { renderFigures, type FigureSpec } from './figure.ts';
import { overlayFigures, scenarioFigures } from './overlay-figures.ts';
import { trialFigures } from './trial-figures.ts';

export interface ReportFigures {
  scenarios: Array<{ group: ScenarioGroup; figures: FigureSpec[] }>;
  /** By trial index. */
  trials: FigureSpec[][];
}

/** Overlays where a scenario ran on two or more trials; sweep curves wherever a trial swept. */
function figuresOf(group: ScenarioGroup): FigureSpec[] {
  if (group.members.length >= 2) return scenarioFigures(group);
  return scenarioFigures(group).filter((f) => /\/sweep-/.test(f.key));
}

export function reportFigures(results: ResultsFile): ReportFigures {
  return {
    scenarios: groupByScenario(results).map((group) => ({ group, figures: figuresOf(group) })),
    trials: results.trials.map((t, i) => trialFigures(i, t)),
  };
}

export function allFigures(figures: ReportFigures): FigureSpec[] {
  return [...figures.scenarios.flatMap((s) => s.figures), ...figures.trials.flat()];
}

/** Render every chart of a report, by figure key. */
export function renderReportCharts(results: ResultsFile) {
  return renderFigures(allFigures(reportFigures(results)));
}

export { overlayFigures };
