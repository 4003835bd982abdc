import { loadDetailText } from '../../results/load-shape.ts';
/** One trial's section: settings, its tables and figures, each warning beside what it concerns. */
import type { ChartImages, FigureSpec } from '../charts/figure.ts';
import { escapeHtml as e, fmtInt, fmtPct, fmtRate, fmtSeconds } from '../format.ts';
import { trialAnchor } from '../groups.ts';
import type { TrialSummary } from '../summary.ts';
import type { Warning } from '../warnings.ts';
import { figure, kv, warningNotes, WarningPlacer } from './parts.ts';
import { backendsTables, cacheRecoverySection, checksList, fanoutTable, faultsSection, generatorBadge, generatorTable, operationsTable, sweepSection, thresholdsList } from './trial-tables.ts';

function checksBadge(s: TrialSummary): string {
  if (s.trial.checks.length === 0) return '<span class="badge warn">no checks</span>';
  return s.checksFailed === 0
    ? `<span class="badge ok">✓ ${s.checksPassed}/${s.trial.checks.length} checks passed</span>`
    : `<span class="badge bad">✗ ${s.checksFailed} check${s.checksFailed === 1 ? '' : 's'} failed</span>`;
}

function settings(s: TrialSummary): string {
  const t = s.trial;
  const l = t.load;
  return `<div class="grid2"><div>
${kv([
  ['tier / scenario', `${t.tier} / ${t.scenario}`],
  ['target / achieved rate', `${fmtRate(t.generator.targetRate)} / ${fmtRate(t.generator.achievedRate)}`],
  ['cache hit rate', fmtPct(t.backends.memcached.hitRate)],
  ['events', t.events.length ? t.events.map((ev) => `${ev.kind} "${ev.label}" at ${ev.atSecond} s`).join('; ') : 'none'],
])}
</div><div>
${kv([
  ['load', `${l.executor}, ${fmtRate(l.rate)}${loadDetailText(l)} for ${fmtSeconds(l.durationSec)} after ${fmtSeconds(l.warmupSec)} warm-up`],
  ['connections / max in flight', `${fmtInt(l.connections)} / ${fmtInt(l.maxInFlight)}`],
  ['request timeout', `${fmtInt(l.timeoutMs)} ms`],
  ['measured window', `${t.timing.measureStartedAt} → ${t.timing.measureEndedAt} (${fmtSeconds(t.timing.measuredMs / 1000)})`],
])}
</div></div>`;
}

export function renderTrial(s: TrialSummary, figures: readonly FigureSpec[], images: ChartImages, warnings: readonly Warning[]): string {
  const t = s.trial;
  const place = new WarningPlacer(warnings);
  const opsNotes = warningNotes(place.take(['upgraded', 'dropped']));
  const figs = figures.map((f) => figure(f, images, warningNotes(place.take(f.topics)))).join('\n');
  return `<section class="card trial" id="${trialAnchor(s.index)}">
<h2>Trial ${s.index + 1}: ${e(t.tier)} / ${e(t.scenario)} ${generatorBadge(t)} ${checksBadge(s)}</h2>
${t.description ? `<p class="sub">${e(t.description)}</p>` : ''}
${settings(s)}
${sweepSection(t)}
${faultsSection(s)}
${cacheRecoverySection(s)}
<h3>Operations</h3>
${opsNotes}
${operationsTable(s)}
<h3>Charts</h3>
${figures.some((f) => images.has(f.key)) ? figs : `${figs}<p>No charts were rendered for this trial.</p>`}
<h3>Generator health</h3>
${warningNotes(place.take(['generator']))}
${generatorTable(t)}
<h3>Backends</h3>
${backendsTables(t)}
${fanoutTable(t)}
<h3>Checks</h3>
${warningNotes(place.take(['checks']))}
${checksList(t)}
${thresholdsList(t)}
${warningNotes(place.rest())}
</section>`;
}
