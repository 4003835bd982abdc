/**
 * The report's first section, "Which tier, and why": per scenario, each tier's maximum sustainable
 * throughput under the SLO with its interval, latency at the common rate, errors, cache hit rate,
 * checks and warnings, and the sentence naming the winner. Without a headline, the same table of
 * what was measured over each window, labelled as not a sustainable-throughput comparison.
 */
import { escapeHtml as e, fmtInt, fmtMs, fmtNum, fmtPct, fmtSustainable } from '../format.ts';
import { scenarioAnchor, trialAnchor } from '../groups.ts';
import type { ScenarioVerdict, VerdictRow, Verdicts } from '../verdict.ts';
import { table, type Column } from './parts.ts';

const headlineSrc = (r: VerdictRow, field: string) => (r.headlineIndex === null ? null : `results.json: headline.rows[${r.headlineIndex}].${field}`);
const trialSrc = (r: VerdictRow, field: string) => `results.json: trials[${r.trialIndex}].${field}`;

function checksCell(r: VerdictRow): string {
  if (r.checksTotal === 0) return '<span class="badge warn">no checks</span>';
  return r.checksPassed === r.checksTotal
    ? `<span class="badge ok">✓ ${r.checksPassed}/${r.checksTotal} passed</span>`
    : `<span class="badge bad">✗ ${r.checksTotal - r.checksPassed} failed</span>`;
}

function warningsCell(r: VerdictRow): string {
  if (r.warnings.length === 0) return '';
  return `<a href="#${trialAnchor(r.trialIndex)}">⚠ ${e(r.warnings.map((w) => w.short).join('; '))}</a>`;
}

function tierCell(r: VerdictRow): string {
  return `<a href="#${trialAnchor(r.trialIndex)}">${e(r.tier)}</a>`;
}

const shared: Column<VerdictRow>[] = [
  { head: 'cache hit rate', num: true, cell: (r) => fmtPct(r.cacheHitRate), src: (r) => headlineSrc(r, 'cacheHitRate') ?? trialSrc(r, 'backends.memcached.hitRate') },
  { head: 'checks', cell: () => '', html: checksCell, src: (r) => trialSrc(r, 'checks') },
  { head: 'warnings', wrap: true, cell: () => '', html: warningsCell },
];

function headlineColumns(commonRate: number | null): Column<VerdictRow>[] {
  const at = commonRate === null ? 'at the common rate' : `at ${fmtInt(commonRate)} req/s`;
  return [
    { head: 'tier', cell: (r) => r.tier, html: tierCell },
    { head: 'max sustainable req/s [interval]', num: true, cell: (r) => fmtSustainable(r.maxSustainable), src: (r) => headlineSrc(r, 'maxSustainable') },
    { head: `p50 ms ${at}`, num: true, cell: (r) => fmtMs(r.p50Us), src: (r) => headlineSrc(r, 'atCommonRate.p50Us') },
    { head: `p99 ms ${at}`, num: true, cell: (r) => fmtMs(r.p99Us), src: (r) => headlineSrc(r, 'atCommonRate.p99Us') },
    { head: `p99.9 ms ${at}`, num: true, cell: (r) => fmtMs(r.p999Us), src: (r) => headlineSrc(r, 'atCommonRate.p999Us') },
    { head: 'error rate', num: true, cell: (r) => fmtPct(r.errorRate, 2), src: (r) => headlineSrc(r, 'errorRate') },
    ...shared,
  ];
}

function windowColumns(): Column<VerdictRow>[] {
  return [
    { head: 'tier', cell: (r) => r.tier, html: tierCell },
    { head: 'offered req/s', num: true, cell: (r) => fmtNum(r.offeredRate), src: (r) => trialSrc(r, 'load.rate') },
    { head: 'achieved req/s', num: true, cell: (r) => fmtNum(r.achievedRate), src: (r) => trialSrc(r, 'generator.achievedRate') },
    { head: 'p50 ms (window)', num: true, cell: (r) => fmtMs(r.p50Us), src: (r) => trialSrc(r, 'operations[*].latency.all, merged') },
    { head: 'p99 ms (window)', num: true, cell: (r) => fmtMs(r.p99Us), src: (r) => trialSrc(r, 'operations[*].latency.all, merged') },
    { head: 'p99.9 ms (window)', num: true, cell: (r) => fmtMs(r.p999Us), src: (r) => trialSrc(r, 'operations[*].latency.all, merged') },
    { head: 'errors + timeouts', num: true, cell: (r) => fmtPct(r.errorRate, 2), src: (r) => trialSrc(r, 'operations[*].counts') },
    { head: 'dropped', num: true, cell: (r) => fmtPct(r.dropRate, 2), src: (r) => trialSrc(r, 'operations[*].counts.dropped') },
    ...shared,
  ];
}

function basisLabel(v: ScenarioVerdict): string {
  return v.basis === 'headline'
    ? '<span class="basis">maximum sustainable throughput under the SLO (swept)</span>'
    : '<span class="basis">not a sustainable-throughput comparison: no sweep; figures over each trial\'s window</span>';
}

function scenarioBlock(v: ScenarioVerdict): string {
  const sentences = v.sentences.map((s) => `<p><strong>${e(s)}</strong></p>`).join('\n');
  const cols = v.basis === 'headline' ? headlineColumns(v.commonRate) : windowColumns();
  return `<h3><a href="#${scenarioAnchor(v.scenario)}">${e(v.scenario)}</a> ${basisLabel(v)}</h3>
${sentences}
${table(cols, v.rows)}`;
}

export function renderHeadline(v: Verdicts): string {
  const slo = v.slo
    ? `<p class="sub">SLO of the sweeps: p99 of all requests under ${fmtNum(v.slo.p99Ms)} ms, errors and timeouts under ${fmtNum(v.slo.errorBudget * 100, 2)}%, drops under ${fmtNum(v.slo.dropBudget * 100, 2)}%. Intervals are the sweep's own (results.json: trials[].sweep.maxSustainable).</p>`
    : '<p class="sub">This run has no headline (no scenario swept on two or more tiers): below, each scenario\'s tiers are compared on what their windows measured, which says how they did at the rates they were offered, not how much load each can sustain.</p>';
  // Sentences no scenario section shows (they name no scenario of this run) are listed on their own.
  const shown = new Set(v.scenarios.flatMap((s) => s.sentences));
  const unplaced = v.headlineSentences.filter((s) => !shown.has(s));
  const sentences = unplaced.length ? `<ul class="headline-sentences">${unplaced.map((s) => `<li>${e(s)}</li>`).join('')}</ul>` : '';
  return `<section class="card" id="headline">
<h2>Which tier, and why</h2>
${slo}
${sentences}
${v.scenarios.map(scenarioBlock).join('\n')}
</section>`;
}
