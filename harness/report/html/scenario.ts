/** One scenario's section: its tiers overlaid on shared charts, each tier's warnings beside the figures they concern. */
import type { ChartImages, FigureSpec } from '../charts/figure.ts';
import { escapeHtml as e } from '../format.ts';
import { scenarioAnchor, trialAnchor, type ScenarioGroup } from '../groups.ts';
import { trialWarnings, type Warning } from '../warnings.ts';
import { figure } from './parts.ts';

/** Each member's warnings, short, beside the first figure of the section they concern. */
function memberNotes(group: ScenarioGroup, upgradedFrom: number | undefined): (spec: FigureSpec) => string {
  const placed = new Set<Warning>();
  const all = group.members.map((m) => ({ m, warnings: trialWarnings(m.trial, upgradedFrom) }));
  return (spec) => {
    const items = all.flatMap(({ m, warnings }) =>
      warnings
        .filter((w) => spec.topics.includes(w.topic) && !placed.has(w))
        .map((w) => (placed.add(w), `<a href="#${trialAnchor(m.index)}">${e(m.name)}</a>: ${e(w.short)}`)),
    );
    return items.length ? `<p class="warning" role="note"><strong>⚠ Warning:</strong> ${items.join('; ')} (details in each trial's section).</p>` : '';
  };
}

export function renderScenario(group: ScenarioGroup, figures: readonly FigureSpec[], images: ChartImages, upgradedFrom: number | undefined): string {
  if (figures.length === 0) return '';
  const tiers = group.members.map((m) => `<a href="#${trialAnchor(m.index)}">${e(m.name)}</a>`).join(', ');
  const notes = memberNotes(group, upgradedFrom);
  const body = figures.map((f) => figure(f, images, notes(f))).join('\n');
  return `<section class="card scenario" id="${scenarioAnchor(group.scenario)}">
<h2>Scenario ${e(group.scenario)}: ${group.members.length > 1 ? 'tiers overlaid' : 'sweep'}</h2>
<p class="sub">Trials: ${tiers}. Each tier keeps its colour, dash pattern and marker shape on every chart, and is named at the end of its line.</p>
${body || '<p>No charts were rendered for this scenario.</p>'}
</section>`;
}
