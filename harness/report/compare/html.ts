/** compare.html: the runs, the tables of differences with intervals, and the runs' charts overlaid. */
import type { ChartImages } from '../charts/figure.ts';
import { escapeHtml as e, fmtInt } from '../format.ts';
import { gitText } from '../html/provenance.ts';
import { figure, table, type Column } from '../html/parts.ts';
import { page } from '../html.ts';
import type { CompareGroup } from './figures.ts';
import type { Comparison, DiffRow, MetricDiff, PairComparison, RunRef } from './model.ts';
import { calledChanges, changeText, intervalText, methodText, verdictText } from './text.ts';

function diffCell(d: MetricDiff): string {
  const v = verdictText(d);
  const cls = v === 'worse' ? 'bad' : v === 'better' ? 'ok' : 'neutral';
  const a = d.a === null ? 'n/a' : d.unit === 'share' ? `${(d.a * 100).toFixed(2)}%` : d.a.toPrecision(3);
  const b = d.b === null ? 'n/a' : d.unit === 'share' ? `${(d.b * 100).toFixed(2)}%` : d.b.toPrecision(3);
  return `<span class="pair">${e(a)} → ${e(b)}</span> <strong>${e(changeText(d))}</strong><br><span class="sub">${e(intervalText(d))}</span><br><span class="badge ${cls}">${v === 'worse' ? '✗ ' : v === 'better' ? '✓ ' : ''}${e(v)}</span>`;
}

function runsTable(c: Comparison, hrefs: ReadonlyMap<RunRef, string>): string {
  const runs = [c.baseline, ...c.pairs.map((p) => p.candidate)];
  const cols: Column<RunRef>[] = [
    { head: 'run', cell: (r) => (r === c.baseline ? `${r.label} (baseline)` : r.label) },
    { head: 'id', cell: (r) => r.results.run.id },
    { head: 'started', cell: (r) => r.results.run.startedAt },
    { head: 'git', cell: (r) => gitText(r.results.run).replace(/^([0-9a-f]{12})[0-9a-f]+/, '$1') },
    { head: 'trials', num: true, cell: (r) => String(r.results.trials.length) },
    { head: 'results file', cell: (r) => r.path, html: (r) => `<a href="${e(hrefs.get(r) ?? r.path)}">${e(r.path)}</a>` },
  ];
  return table(cols, runs);
}

function rowsTable(rows: DiffRow[]): string {
  const metrics = rows[0]?.metrics.map((m) => m.metric) ?? [];
  const cols: Column<DiffRow>[] = [
    { head: 'tier', cell: (r) => r.tier },
    { head: 'scenario', cell: (r) => r.scenario },
    { head: 'operation', cell: (r) => r.operation },
    { head: 'windows', num: true, cell: (r) => `${r.windows.a} / ${r.windows.b}` },
    ...metrics.map<Column<DiffRow>>((m, i) => ({ head: m, wrap: true, cell: () => '', html: (r) => diffCell(r.metrics[i]!) })),
  ];
  return table(cols, rows, { rowClass: (r) => (r.operation === 'all operations' ? 'all' : undefined), caption: 'Latency in ms of all requests from their intended send time. Each cell: baseline → candidate (medians over windows), change, interval, verdict.' });
}

function sweepTables(p: PairComparison): string {
  if (p.sweeps.length === 0) return '';
  type Step = { tier: string; scenario: string; rate: number; p99: MetricDiff; achieved: MetricDiff };
  const steps: Step[] = p.sweeps.flatMap((s) => s.perRate.map((r) => ({ tier: s.tier, scenario: s.scenario, ...r })));
  return `<h3>Maximum sustainable throughput</h3>
${table<(typeof p.sweeps)[number]>([{ head: 'tier', cell: (s) => s.tier }, { head: 'scenario', cell: (s) => s.scenario }, { head: 'max sustainable req/s', wrap: true, cell: () => '', html: (s) => diffCell(s.maxSustainable) }], p.sweeps)}
<details><summary>Sweep steps at offered rates both runs ran (${steps.length})</summary>
${table<Step>([
  { head: 'tier', cell: (s) => s.tier },
  { head: 'scenario', cell: (s) => s.scenario },
  { head: 'offered req/s', num: true, cell: (s) => fmtInt(s.rate) },
  { head: 'p99 (ms)', wrap: true, cell: () => '', html: (s) => diffCell(s.p99) },
  { head: 'achieved req/s', wrap: true, cell: () => '', html: (s) => diffCell(s.achieved) },
], steps)}
</details>`;
}

function pairSection(c: Comparison, p: PairComparison): string {
  const notes = p.notes.map((n) => `<p class="warning" role="note"><strong>⚠ Warning:</strong> ${e(n)}</p>`).join('\n');
  const only = [
    p.onlyBaseline.length ? `<p>Only in ${e(c.baseline.label)}: ${e(p.onlyBaseline.join(', '))}.</p>` : '',
    p.onlyCandidate.length ? `<p>Only in ${e(p.candidate.label)}: ${e(p.onlyCandidate.join(', '))}.</p>` : '',
  ].join('');
  const called = calledChanges(p);
  const summary = called.length
    ? `<p><strong>Changed beyond the noise of repeated windows (${called.length}):</strong></p><ul>${called.map((l) => `<li>${e(l)}</li>`).join('')}</ul>`
    : '<p><strong>No figure changed beyond the noise of repeated windows.</strong></p>';
  return `<section class="card" id="pair-${e(p.candidate.label)}">
<h2>${e(p.candidate.label)} against ${e(c.baseline.label)}</h2>
${notes}
${summary}
${sweepTables(p)}
<h3>Per tier, scenario and operation</h3>
${p.rows.length ? rowsTable(p.rows) : '<p>No tier × scenario ran in both runs.</p>'}
${only}
</section>`;
}

function groupSection(g: CompareGroup, images: ChartImages): string {
  return `<section class="card" id="${e(g.id)}">
<h2>${e(`${g.tier} / ${g.scenario}`)}: runs overlaid</h2>
${g.figures.map((f) => figure(f, images)).join('\n')}
</section>`;
}

export function renderCompareHtml(c: Comparison, groups: readonly CompareGroup[], images: ChartImages, hrefs: ReadonlyMap<RunRef, string>): string {
  const toc = groups.map((g) => `<a href="#${e(g.id)}">${e(`${g.tier} / ${g.scenario}`)}</a>`).join(' ');
  const body = `<header>
<h1>tierbench comparison</h1>
<p class="sub">${c.pairs.length + 1} runs; baseline ${e(c.baseline.label)}. Files: <a href="compare.md">compare.md</a></p>
${runsTable(c, hrefs)}
<nav class="toc">${toc}</nav>
</header>
<section class="card" id="method"><h2>How to read it</h2><p>${e(methodText(c))}</p></section>
${c.pairs.map((p) => pairSection(c, p)).join('\n')}
${groups.map((g) => groupSection(g, images)).join('\n')}
<footer>Every figure comes from the results files listed at the top.</footer>`;
  return page('tierbench comparison', body);
}
