/**
 * gate.html: one self-contained page like the run report (inline CSS, charts as data: URIs, no
 * scripts): the verdict, the verdict table with intervals and the smallest detectable change, the
 * paired values drawn, the load, every trial, and provenance. Rendered from gate.json alone.
 */
import type { ChartImages } from '../charts/figure.ts';
import { escapeHtml as e } from '../format.ts';
import { figure, kv, table, type Column } from '../html/parts.ts';
import { page } from '../html.ts';
import type { CountMetricReport, RatioMetricReport } from '../../gate/gate.ts';
import type { GateRecord, TrialRecord } from '../../run/gate/runner.ts';
import { gateFigures } from './figures.ts';
import { blocksText, capacityText, countText, detectableText, estimateText, intervalText, metricLabel, pText, thresholdText, VERDICT_MARK, verdictSentence, versionText, wallText } from './text.ts';

const cls = (v: string) => (v === 'PASS' ? 'ok' : v === 'FAIL' || v === 'INVALID' ? 'bad' : v === 'INCONCLUSIVE' ? 'warn' : 'neutral');
const badge = (v: keyof typeof VERDICT_MARK) => `<span class="badge ${cls(v)}">${e(VERDICT_MARK[v])}</span>`;

function ratioTable(record: GateRecord): string {
  const cols: Column<RatioMetricReport>[] = [
    { head: 'scenario', cell: (r) => r.scenario },
    { head: 'metric', cell: (r) => metricLabel(r.metric) },
    { head: 'threshold', cell: thresholdText },
    { head: 'change (estimate)', num: true, cell: estimateText, src: (r) => `report.ratios[${record.report.ratios.indexOf(r)}].stats.estimatePct` },
    { head: `${Math.round((1 - 2 * record.report.alpha) * 100)}% interval`, wrap: true, cell: intervalText },
    { head: 'p (Holm-adjusted)', num: true, cell: pText },
    { head: 'smallest detectable', num: true, cell: detectableText },
    { head: 'verdict', cell: (r) => r.verdict, html: (r) => badge(r.verdict) },
    { head: 'why', wrap: true, cell: (r) => r.message },
  ];
  return table(cols, record.report.ratios, { caption: 'Per pair the log-ratio ln(B/A); Hodges–Lehmann estimate, exact Wilcoxon signed-rank bounds (each one-sided 1 − alpha) and p-value, Holm over the gated comparisons. Shown as the metric’s own change: latency up is worse, throughput down is worse.' });
}

function countTable(record: GateRecord): string {
  if (!record.report.counts.length) return '';
  const cols: Column<CountMetricReport>[] = [
    { head: 'scenario', cell: (c) => c.scenario },
    { head: 'count', cell: (c) => c.metric },
    { head: 'rule', cell: (c) => c.rule },
    { head: 'all A → all B trials', num: true, cell: countText },
    { head: 'verdict', cell: (c) => c.verdict, html: (c) => badge(c.verdict) },
  ];
  return table(cols, record.report.counts, { caption: 'Errors, timeouts and drops over the open-model and closed-loop windows of every A and every B trial.' });
}

function trialsTable(record: GateRecord): string {
  type Row = { t: TrialRecord; scenario: string };
  const rows: Row[] = record.trials.flatMap((t) => Object.keys(t.scenarios).map((scenario) => ({ t, scenario })));
  const m = (r: Row) => r.t.scenarios[r.scenario]!;
  const ms = (v: number | undefined) => (v === undefined ? 'n/a' : (v / 1000).toFixed(2));
  const cols: Column<Row>[] = [
    { head: '#', num: true, cell: (r) => String(r.t.index) },
    { head: 'version', cell: (r) => r.t.version },
    { head: 'block', cell: (r) => (r.t.block === null ? 'warm-up (discarded)' : `${r.t.block + 1} ${r.t.slot}`) },
    { head: 'scenario', cell: (r) => r.scenario },
    { head: 'p50 ms', num: true, cell: (r) => ms(m(r).gated['latency.p50']) },
    { head: 'p90 ms', num: true, cell: (r) => ms(m(r).gated['latency.p90']) },
    { head: 'p99 ms', num: true, cell: (r) => ms(m(r).gated['latency.p99']) },
    { head: 'offered req/s', num: true, cell: (r) => String(Math.round(m(r).open['http_reqs.rate'] ?? 0)) },
    { head: 'closed-loop req/s', num: true, cell: (r) => String(Math.round(m(r).gated['ok.rate'] ?? 0)) },
    { head: 'errors', num: true, cell: (r) => String(m(r).gated['errors.count'] ?? 'n/a') },
    { head: 'generator', cell: (r) => (m(r).generatorLimited ? `limited: ${m(r).generatorLimitReasons.join('; ')}` : 'ok') },
    { head: 'checks', cell: (r) => (m(r).checksFailed.length ? `${m(r).checksFailed.length} failed` : 'ok') },
    { head: 'pinned', cell: (r) => (r.t.pinned ? 'yes' : 'no') },
    { head: 'seconds', num: true, cell: (r) => r.t.seconds.toFixed(1) },
    { head: 'load avg', num: true, cell: (r) => r.t.loadAverage.toFixed(2) },
  ];
  return table(cols, rows, { rowClass: (r) => (r.t.block === null ? 'neutral' : undefined) });
}

function loadSection(record: GateRecord): string {
  return record.loads
    .map((l) => {
      const steps = l.sweepSteps.map((s) => `${s.rate} req/s: p99 ${s.p99Us === null ? 'n/a' : (s.p99Us / 1000).toFixed(1)} ms ${s.holdsSlo ? 'holds' : 'breaks'}${s.generatorLimited ? ' (generator limited)' : ''}`).join('; ');
      return `<h3>${e(l.scenario)}</h3>${kv([
        ['open-model rate of every trial', `${l.gateRate} req/s`],
        ['why', l.note],
        ['baseline capacity under the SLO', capacityText(l.capacity)],
        ['closed-loop probe of A', l.closedLoopProbe === null ? 'n/a' : `${Math.round(l.closedLoopProbe)} req/s`],
        ['sweep steps', steps || 'none'],
        ['sweep stopped', l.sweepStoppedBecause ?? 'n/a'],
      ])}`;
    })
    .join('\n');
}

/** gate.html for a gate record with its rendered charts. */
export function renderGateHtml(record: GateRecord, images: ChartImages): string {
  const r = record.report;
  const figures = gateFigures(record);
  const pol = (v: GateRecord['versions']['baseline']) => `${v.label} (${v.role}): ${versionText(v)}`;
  const body = `<h1>Performance gate ${badge(r.verdict)} <span class="sub">exit ${record.exitCode}</span></h1>
<p class="sub">${e(record.startedAt)} · wall time ${e(wallText(record.wallSeconds))} · <a href="gate.json">gate.json</a> · <a href="gate.md">gate.md</a></p>
<section class="card"><h2>Verdict</h2>
<p>${e(verdictSentence(record))}</p>
${kv([
  ['A', pol(record.versions.baseline)],
  ['B', pol(record.versions.candidate)],
  ['design', `${blocksText(record)} (${r.pairs} pairs per scenario), orders ${record.plan.orders.join(' ')} from order seed ${record.seeds.order}, after a discarded warm-up trial of A; a fresh app process per trial`],
  ['statistics', `alpha ${r.alpha}, Holm over ${r.family} gated comparisons; fail on inconclusive: ${record.config.failOnInconclusive}`],
])}
${ratioTable(record)}
${countTable(record)}
${r.absolute.map((a) => `<p>${badge(a.verdict)} ${e(a.scenario)} absolute thresholds: ${e(a.message)}</p>`).join('\n')}
${[...record.notes, ...r.notes].map((n) => `<p class="warning" role="note"><strong>Note:</strong> ${e(n)}</p>`).join('\n')}
${record.checksFailed.map((c) => `<p class="warning" role="note"><strong>⚠ Check failed:</strong> ${e(c)}</p>`).join('\n')}
</section>
<section class="card"><h2>Paired values</h2>
${figures.map((f) => figure(f, images)).join('\n')}
</section>
<section class="card"><h2>Load</h2>
${loadSection(record)}
</section>
<section class="card"><h2>Trials</h2>
${trialsTable(record)}
</section>
<section class="card"><h2>Provenance</h2>
${kv([
  ['command', record.command],
  ['gate config', record.configSource],
  ['tier / profile', `${record.settings.tier} / ${record.dataset.profile} (seed ${record.dataset.seed}, ${record.dataset.logicalShards} logical shards, ${record.dataset.source}, digest ${record.dataset.digest.slice(0, 16)})`],
  ['windows', `open model ${record.settings.windowSec}s after ${record.settings.warmupSec}s warm-up; closed loop ${record.settings.closedWindowSec}s after ${record.settings.closedWarmupSec}s, ${record.settings.closedConnections} connections`],
  ['seeds', `dataset ${record.seeds.dataset}, requests ${record.seeds.scenario}, block order ${record.seeds.order}`],
  ['pinning', record.environment.pinning.note],
  ['machine', `${record.environment.cores} cores, Node ${record.environment.node}, load average ${record.environment.loadAverage.start} at start, ${record.environment.loadAverage.end} at end`],
  ['phases (s)', Object.entries(record.phases).map(([k, v]) => `${k} ${v}`).join(', ')],
])}
</section>`;
  return page(`gate ${r.verdict}`, body);
}
