/**
 * The report as one self-contained HTML string: inline CSS, charts as data: URIs, no scripts and
 * no external references, so it opens offline from a file:// URL. Headline first ("which tier,
 * and why"), then each scenario's tiers overlaid, then each trial, then provenance. All text from
 * the results file is escaped; every figure is a value of the results file, formatted.
 */
import type { ResultsFile } from '../results/types.ts';
import type { ChartImages } from './charts/figure.ts';
import { reportFigures } from './charts/report-figures.ts';
import { escapeHtml as e } from './format.ts';
import { sortTiers } from './charts/style.ts';
import { groupByScenario, scenarioAnchor, trialAnchor, type ScenarioGroup } from './groups.ts';
import { CSS } from './html/css.ts';
import { renderHeadline } from './html/headline.ts';
import { capacityText, gitText, renderProvenance } from './html/provenance.ts';
import { renderScenario } from './html/scenario.ts';
import { renderTrial } from './html/trial.ts';
import { summarizeResults } from './summary.ts';
import { verdicts } from './verdict.ts';
import { trialWarnings, UPGRADED_NOTE } from './warnings.ts';

export { UPGRADED_NOTE };

export interface ReportLinks {
  /** results.json, relative to the page. */
  results: string;
  /** Other files beside the page: summary.md, exports. */
  files?: Array<{ href: string; label: string }>;
}

/** A full HTML page around `body`. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function banners(results: ResultsFile): string {
  const cm = results.environment.capacityModel;
  const capacity = cm.applied
    ? `<div class="banner applied" id="capacity"><strong>Node capacity model</strong> ${e(capacityText(results))}</div>`
    : `<div class="banner unconstrained" id="capacity"><strong class="big">⚠ UNCONSTRAINED</strong> — node capacity model not applied.
All PostgreSQL nodes share this machine's ${e(String(results.environment.cores))} cores and memory, so a replica or shard adds processes, not capacity. Read tier differences with that in mind.<br><span class="sub">${e(cm.description)}</span></div>`;
  const upgraded = results.upgradedFrom
    ? `<div class="banner unconstrained" id="upgraded"><strong>⚠ Read from a schema version ${results.upgradedFrom} file.</strong> ${e(UPGRADED_NOTE)}</div>`
    : '';
  return capacity + upgraded;
}

/** Scenarios by tiers, each cell linking to the trials that ran them: the page's table of contents. */
function trialGrid(results: ResultsFile): string {
  const groups = groupByScenario(results);
  const tiers = sortTiers(results.trials.map((t) => t.tier));
  const cell = (g: ScenarioGroup, tier: string) =>
    g.members.filter((m) => m.trial.tier === tier).map((m) => `<a href="#${trialAnchor(m.index)}">trial ${m.index + 1}</a>`).join(' ');
  const rows = groups.map((g) => `<tr><td><a href="#${scenarioAnchor(g.scenario)}">${e(g.scenario)}</a></td>${tiers.map((t) => `<td>${cell(g, t)}</td>`).join('')}</tr>`);
  return `<div class="scroll"><table class="toc"><thead><tr><th>scenario</th>${tiers.map((t) => `<th>${e(t)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function header(results: ResultsFile, links: ReportLinks): string {
  const r = results.run;
  const files = [{ href: links.results, label: 'results.json' }, ...(links.files ?? [])].map((f) => `<a href="${e(f.href)}">${e(f.label)}</a>`).join('');
  const toc = `<a href="#headline">Which tier, and why</a> <a href="#provenance">Provenance</a>${trialGrid(results)}`;
  return `<header>
<h1>tierbench report</h1>
<p class="sub">Run <code>${e(r.id)}</code>, ${e(r.startedAt)}; ${results.trials.length} trial${results.trials.length === 1 ? '' : 's'}; git <code>${e(gitText(r))}</code></p>
<p class="links">Files: ${files}</p>
<nav class="toc">${toc}</nav>
</header>`;
}

/**
 * Render the whole report. `images` maps figure keys to rendered charts (renderReportCharts);
 * missing ones are left out, so an empty map gives a report of tables and text only.
 */
export function renderHtml(results: ResultsFile, images: ChartImages = new Map(), links: ReportLinks = { results: 'results.json' }): string {
  const figures = reportFigures(results);
  const summaries = summarizeResults(results);
  const scenarios = figures.scenarios.map((s) => renderScenario(s.group, s.figures, images, results.upgradedFrom)).join('\n');
  const trials = summaries.map((s) => renderTrial(s, figures.trials[s.index] ?? [], images, trialWarnings(s.trial, results.upgradedFrom))).join('\n');
  const body = `${header(results, links)}
${banners(results)}
${renderHeadline(verdicts(results))}
${scenarios}
${trials || '<p>No trials in this run.</p>'}
${renderProvenance(results, links.results)}
<footer>Every figure above is read from the run's results file (schema version ${e(String(results.schemaVersion))}); values are rounded for
display. Latencies are in milliseconds, of all requests from their intended send time unless marked OK-only or uncorrected.</footer>`;
  return page(`tierbench report ${results.run.id}`, body);
}
