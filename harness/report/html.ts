/**
 * The report as one self-contained HTML string: inline CSS, charts as data: URIs, no scripts and
 * no external references, so it opens offline from a file:// URL. All text from the results file
 * is escaped; every figure is a value of the results file, formatted (or, for the "all
 * operations" row, summed counts and exactly merged histograms).
 */
import type { ResultsFile, Trial } from '../results/types.ts';
import { loadDetailText } from '../results/load-shape.ts';
import { chartKey, hasCacheHitRate, type ChartImages } from './charts.ts';
import {
  NA,
  escapeHtml as e,
  fmtBytes,
  fmtInt,
  fmtMs,
  fmtNum,
  fmtPct,
  fmtRate,
  fmtSeconds,
} from './format.ts';
import { statusBreakdown, summarizeResults, type LatencyRow, type TrialSummary } from './summary.ts';

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 24px 48px; font: 14px/1.45 "Liberation Sans", "DejaVu Sans", Arial, Helvetica, sans-serif;
  color: #1d232a; background: #f5f6f8; }
main { max-width: 1480px; margin: 0 auto; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #d5d9df; }
h3 { font-size: 16px; margin: 22px 0 8px; }
h4 { font-size: 14px; margin: 14px 0 6px; color: #3a4350; }
section.card { background: #fff; border: 1px solid #dde1e6; border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
section.card > h2:first-child { margin-top: 0; }
.sub { color: #5a6472; margin: 0 0 12px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.kv dt { color: #5a6472; }
dl.kv dd { margin: 0; word-break: break-word; }
code, pre { font-family: "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 13px; }
pre.cmd { margin: 0; padding: 8px 10px; background: #f0f2f5; border-radius: 4px; white-space: pre-wrap; word-break: break-all; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 4px 0 8px; background: #fff; }
th, td { padding: 4px 7px; border-bottom: 1px solid #e3e6ea; text-align: left; white-space: nowrap; font-size: 13px; }
th { background: #eef1f4; font-weight: 600; white-space: normal; vertical-align: bottom; }
td.wrap { white-space: normal; min-width: 160px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.all td { font-weight: 600; border-top: 2px solid #c9ced6; }
th.group { text-align: center; border-bottom: 1px solid #c9ced6; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700; letter-spacing: .02em; }
.ok { background: #dff3e2; color: #1c6b2a; }
.bad { background: #fde2e1; color: #a11d17; }
.warn { background: #fff1cc; color: #7a5200; }
.banner { border-radius: 8px; padding: 14px 18px; margin: 16px 0; font-size: 15px; }
.banner.unconstrained { background: #fff1cc; border: 2px solid #e0a800; }
.banner.applied { background: #e6f0fb; border: 1px solid #9cc0e8; }
.banner strong.big { font-size: 18px; letter-spacing: .04em; }
ul.reasons { margin: 4px 0 0 18px; padding: 0; }
ul.checks { list-style: none; margin: 0; padding: 0; }
ul.checks li { padding: 4px 0; border-bottom: 1px solid #eef0f3; }
ul.checks .name { font-weight: 600; margin: 0 8px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px 28px; }
figure { margin: 12px 0 18px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e3e6ea; border-radius: 4px; background: #fff; }
figcaption { color: #5a6472; font-size: 12.5px; margin-top: 4px; }
footer { color: #5a6472; font-size: 12.5px; margin-top: 36px; }
nav.toc a { color: #1f5fa8; text-decoration: none; margin-right: 14px; }
`;

interface Column<T> {
  head: string;
  num?: boolean;
  wrap?: boolean;
  cell: (row: T) => string;
}

function table<T>(columns: Column<T>[], rows: T[], rowClass?: (row: T) => string | undefined): string {
  const head = columns.map((c) => `<th${c.num ? ' class="n"' : ''}>${e(c.head)}</th>`).join('');
  const body = rows
    .map((r) => {
      const cls = rowClass?.(r);
      const cells = columns.map((c) => `<td${c.num ? ' class="n"' : c.wrap ? ' class="wrap"' : ''}>${e(c.cell(r))}</td>`).join('');
      return `<tr${cls ? ` class="${e(cls)}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function kv(pairs: [string, string][], rawValues = false): string {
  return `<dl class="kv">${pairs
    .map(([k, v]) => `<dt>${e(k)}</dt><dd>${rawValues ? v : e(v)}</dd>`)
    .join('')}</dl>`;
}

function badge(ok: boolean, okText: string, badText: string): string {
  return ok ? `<span class="badge ok">${e(okText)}</span>` : `<span class="badge bad">${e(badText)}</span>`;
}

function latencyColumns<T extends LatencyRow>(): Column<T>[] {
  return [
    { head: 'p50 ms', num: true, cell: (r) => fmtMs(r.p50Us) },
    { head: 'p90 ms', num: true, cell: (r) => fmtMs(r.p90Us) },
    { head: 'p99 ms', num: true, cell: (r) => fmtMs(r.p99Us) },
    { head: 'p99.9 ms', num: true, cell: (r) => fmtMs(r.p999Us) },
    { head: 'max ms', num: true, cell: (r) => fmtMs(r.maxUs) },
  ];
}

function hitRateOf(trial: Trial): string {
  return fmtPct(trial.backends.memcached.hitRate);
}

function checksBadge(s: TrialSummary): string {
  if (s.trial.checks.length === 0) return '<span class="badge warn">no checks</span>';
  return s.checksFailed === 0
    ? `<span class="badge ok">${s.checksPassed}/${s.trial.checks.length} passed</span>`
    : `<span class="badge bad">${s.checksFailed} failed</span>`;
}

function generatorBadge(trial: Trial): string {
  return badge(!trial.generator.limited, 'kept its schedule', 'GENERATOR-LIMITED');
}

function renderHeader(results: ResultsFile): string {
  const r = results.run;
  return `<header>
<h1>tierbench report</h1>
<p class="sub">Run <code>${e(r.id)}</code></p>
<section class="card">
${kv(
  [
    ['run id', `<code>${e(r.id)}</code>`],
    ['started', e(r.startedAt)],
    ['finished', e(r.finishedAt)],
    ['git sha', r.gitSha === null ? e('unknown (not a git checkout)') : `<code>${e(r.gitSha)}</code>`],
    ['seeds', e(`dataset ${r.seeds.dataset}, scenario ${r.seeds.scenario}`)],
    ['results schema', e(`version ${results.schemaVersion}`)],
    ['command', `<pre class="cmd">${e(r.command)}</pre>`],
  ],
  true,
)}
</section>
</header>`;
}

/** What a file of an older schema did not measure, said wherever its figures are shown. */
export const UPGRADED_NOTE =
  'That version timed OK answers only, so "all requests" latency here is the OK answers\' latency; it kept no per-second histograms, backend series or send lateness.';

function renderCapacityBanner(results: ResultsFile): string {
  const cm = results.environment.capacityModel;
  if (!cm.applied) {
    return `<div class="banner unconstrained" id="capacity"><strong class="big">UNCONSTRAINED</strong> — node capacity model not applied.
All PostgreSQL nodes share this machine's ${e(String(results.environment.cores))} cores and memory, so a replica or shard adds
processes, not capacity. Read tier differences with that in mind.<br><span class="sub">${e(cm.description)}</span></div>`;
  }
  return `<div class="banner applied" id="capacity"><strong>Node capacity model applied:</strong> ${e(cm.description)}</div>`;
}

function renderOverview(summaries: TrialSummary[]): string {
  type Row = TrialSummary;
  const cols: Column<Row>[] = [
    { head: '#', num: true, cell: (s) => String(s.index + 1) },
    { head: 'tier', cell: (s) => s.trial.tier },
    { head: 'scenario', cell: (s) => s.trial.scenario },
    { head: 'rate target / achieved', num: true, cell: (s) => `${fmtNum(s.trial.generator.targetRate)} / ${fmtRate(s.trial.generator.achievedRate)}` },
    { head: 'scheduled', num: true, cell: (s) => fmtInt(s.all?.counts.scheduled) },
    { head: 'sent', num: true, cell: (s) => fmtInt(s.all?.counts.sent) },
    { head: 'dropped', num: true, cell: (s) => fmtInt(s.all?.counts.dropped) },
    { head: 'ok', num: true, cell: (s) => fmtInt(s.all?.counts.ok) },
    { head: 'errors', num: true, cell: (s) => fmtInt(s.all?.counts.errors) },
    { head: 'timeouts', num: true, cell: (s) => fmtInt(s.all?.counts.timeouts) },
    { head: 'unfinished', num: true, cell: (s) => fmtInt(s.all?.counts.unfinished) },
    { head: 'p50 ms', num: true, cell: (s) => fmtMs(s.all?.p50Us) },
    { head: 'p90 ms', num: true, cell: (s) => fmtMs(s.all?.p90Us) },
    { head: 'p99 ms', num: true, cell: (s) => fmtMs(s.all?.p99Us) },
    { head: 'p99.9 ms', num: true, cell: (s) => fmtMs(s.all?.p999Us) },
    { head: 'max ms', num: true, cell: (s) => fmtMs(s.all?.maxUs) },
    { head: 'cache hit', num: true, cell: (s) => hitRateOf(s.trial) },
  ];
  // Status columns carry markup (badges), so they are added outside the escaping table helper.
  const head = cols.map((c) => `<th${c.num ? ' class="n"' : ''}>${e(c.head)}</th>`).join('') + '<th>generator</th><th>checks</th>';
  const body = summaries
    .map((s) => {
      const cells = cols.map((c) => `<td${c.num ? ' class="n"' : ''}>${e(c.cell(s))}</td>`).join('');
      return `<tr>${cells}<td>${generatorBadge(s.trial)}</td><td>${checksBadge(s)}</td></tr>`;
    })
    .join('\n');
  const toc = summaries
    .map((s) => `<a href="#trial-${s.index + 1}">${e(`${s.index + 1}. ${s.trial.tier} / ${s.trial.scenario}`)}</a>`)
    .join('');
  return `<section class="card" id="overview">
<h2>Overview</h2>
<p class="sub">One row per trial, all operations together: counts are summed, latency percentiles come from the merged
all-requests histograms: every scheduled request, measured from its intended send time, with errors and timeouts at
their latency and dropped or unfinished requests at the time they had waited.</p>
<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div>
${summaries.length > 0 ? `<nav class="toc">${toc}</nav>` : '<p>No trials in this run.</p>'}
</section>`;
}

function renderEnvironment(results: ResultsFile): string {
  const env = results.environment;
  const servers = Object.entries(env.servers);
  return `<section class="card" id="environment">
<h2>Environment</h2>
<div class="grid2"><div>
${kv([
  ['cores', String(env.cores)],
  ['CPU', env.cpuModel],
  ['memory', fmtBytes(env.memoryBytes)],
  ['OS', env.os],
  ['Node.js', env.node],
  ['stack provider', env.stackProvider],
  ['capacity model', env.capacityModel.applied ? `applied: ${env.capacityModel.description}` : `UNCONSTRAINED (${env.capacityModel.description})`],
])}
</div><div>
<h4>Server versions</h4>
${servers.length === 0 ? `<p>${e(NA)}</p>` : table<[string, string]>([{ head: 'server', cell: (r) => r[0] }, { head: 'version', cell: (r) => r[1] }], servers)}
</div></div>
</section>`;
}

function renderDataset(results: ResultsFile): string {
  const d = results.dataset;
  const counts = Object.entries(d.counts);
  return `<section class="card" id="dataset">
<h2>Dataset</h2>
<div class="grid2"><div>
${kv([
  ['profile', d.profile],
  ['seed', String(d.seed)],
  ['logical shards', fmtInt(d.logicalShards)],
  ['seeding time', fmtSeconds(d.seedSeconds)],
])}
</div><div>
<h4>Row counts</h4>
${counts.length === 0 ? `<p>${e(NA)}</p>` : table<[string, number]>([{ head: 'table', cell: (r) => r[0] }, { head: 'rows', num: true, cell: (r) => fmtInt(r[1]) }], counts)}
</div></div>
</section>`;
}

function renderOperations(s: TrialSummary): string {
  type Row = {
    name: string;
    all: boolean;
    counts: { scheduled: number; sent: number; dropped: number; ok: number; errors: number; timeouts: number; unfinished: number };
    statuses: string;
  } & LatencyRow;
  const rows: Row[] = s.operations.map((o) => ({ ...o, name: o.operation, all: false, statuses: statusBreakdown(o.counts.byStatus) }));
  if (s.all && s.operations.length > 1) rows.push({ ...s.all, name: 'all operations', all: true, statuses: '' });
  const cols: Column<Row>[] = [
    { head: 'operation', cell: (r) => r.name },
    { head: 'scheduled', num: true, cell: (r) => fmtInt(r.counts.scheduled) },
    { head: 'sent', num: true, cell: (r) => fmtInt(r.counts.sent) },
    { head: 'dropped', num: true, cell: (r) => fmtInt(r.counts.dropped) },
    { head: 'ok', num: true, cell: (r) => fmtInt(r.counts.ok) },
    { head: 'errors', num: true, cell: (r) => fmtInt(r.counts.errors) },
    { head: 'timeouts', num: true, cell: (r) => fmtInt(r.counts.timeouts) },
    { head: 'unfinished', num: true, cell: (r) => fmtInt(r.counts.unfinished) },
    ...latencyColumns<Row>(),
    { head: 'OK p99 ms', num: true, cell: (r) => (r.all ? '' : fmtMs(r.p99OkUs)) },
    { head: 'OK p99 uncorrected ms', num: true, cell: (r) => (r.all ? '' : fmtMs(r.p99UncorrectedUs)) },
    { head: 'answers by status', wrap: true, cell: (r) => r.statuses },
  ];
  if (s.operations.length === 0) return '<p>No operations recorded.</p>';
  return table(cols, rows, (r) => (r.all ? 'all' : undefined));
}

function renderGenerator(trial: Trial): string {
  const g = trial.generator;
  const reasons =
    g.limited && g.limitReasons.length > 0
      ? `<ul class="reasons">${g.limitReasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>`
      : '';
  const note = g.limited
    ? '<p><strong>The load generator could not keep its schedule</strong> (evidence below): these figures may show the generator\'s limits, not the app\'s.</p>'
    : '';
  const lat = g.sendLateness;
  return `${note}${kv(
    [
      ['status', generatorBadge(trial) + reasons],
      ['target rate', e(g.targetRate === null ? 'none (closed loop)' : fmtRate(g.targetRate))],
      ['achieved rate', e(`${fmtRate(g.achievedRate)}${g.targetRate ? ` (${fmtPct(g.achievedRate / g.targetRate)} of target)` : ''}`)],
      ['scheduled / sent / dropped', e(`${fmtInt(g.scheduled)} / ${fmtInt(g.sent)} / ${fmtInt(g.dropped)}`)],
      ['send lateness', e(`p50 ${fmtMs(lat.percentilesUs.p50)} ms, p99 ${fmtMs(lat.percentilesUs.p99)} ms, p99.9 ${fmtMs(lat.percentilesUs['p99.9'])} ms, max ${fmtMs(lat.maxUs)} ms (intended send time to issue)`)],
      ['workers', e(`${g.workers} thread${g.workers === 1 ? '' : 's'}, busy ${g.workerUtilization.map((u) => fmtPct(u)).join(', ') || NA} of the window`)],
      ['CPU', e(`${fmtSeconds(g.cpuSeconds)} (${fmtPct(g.cpuShare)} of one core, whole generator process)`)],
      ['event-loop delay', e(`p99 ${fmtNum(g.eventLoopDelayP99Ms, 2)} ms, max ${fmtNum(g.eventLoopDelayMaxMs, 2)} ms`)],
    ],
    true,
  )}`;
}

function renderBackends(trial: Trial): string {
  const m = trial.backends.memcached;
  const r = trial.backends.redis;
  const pg = trial.backends.postgres;
  type Pg = (typeof pg)[number];
  const pgCols: Column<Pg>[] = [
    { head: 'node', cell: (n) => n.node },
    { head: 'role', cell: (n) => n.role },
    { head: 'shards', cell: (n) => n.shards },
    { head: 'commits', num: true, cell: (n) => fmtInt(n.xactCommit) },
    { head: 'rollbacks', num: true, cell: (n) => fmtInt(n.xactRollback) },
    { head: 'rows returned', num: true, cell: (n) => fmtInt(n.tupReturned) },
    { head: 'fetched', num: true, cell: (n) => fmtInt(n.tupFetched) },
    { head: 'inserted', num: true, cell: (n) => fmtInt(n.tupInserted) },
    { head: 'updated', num: true, cell: (n) => fmtInt(n.tupUpdated) },
    { head: 'deleted', num: true, cell: (n) => fmtInt(n.tupDeleted) },
    { head: 'buffer hits', num: true, cell: (n) => fmtInt(n.blksHit) },
    { head: 'buffer reads', num: true, cell: (n) => fmtInt(n.blksRead) },
    {
      head: 'buffer hit ratio',
      num: true,
      cell: (n) => (n.blksHit + n.blksRead > 0 ? fmtPct(n.blksHit / (n.blksHit + n.blksRead), 2) : NA),
    },
    { head: 'CPU s', num: true, cell: (n) => (n.cpuSeconds === null ? NA : fmtNum(n.cpuSeconds, 2)) },
    { head: 'replica lag', num: true, cell: (n) => (n.replicaLagBytes === null ? NA : fmtBytes(n.replicaLagBytes)) },
    { head: 'lag s', num: true, cell: (n) => (n.replicaLagSeconds === null || n.replicaLagSeconds === undefined ? NA : n.replicaLagSeconds.toFixed(3)) },
  ];
  return `<div class="grid2"><div>
<h4>Memcached (delta over the measured window)</h4>
${kv([
  ['get hit rate', fmtPct(m.hitRate)],
  ['get hits / misses', `${fmtInt(m.getHits)} / ${fmtInt(m.getMisses)}`],
  ['sets', fmtInt(m.sets)],
  ['deletes', fmtInt(m.deletes)],
  ['evictions', fmtInt(m.evictions)],
  ['items at end', fmtInt(m.currItemsAtEnd)],
])}
</div><div>
<h4>Redis (delta over the measured window)</h4>
${kv([
  ['commands processed', fmtInt(r.commandsProcessed)],
  ['keyspace hits / misses', `${fmtInt(r.keyspaceHits)} / ${fmtInt(r.keyspaceMisses)}`],
  ['memory used at end', fmtBytes(r.usedMemoryBytesAtEnd)],
])}
</div></div>
<h4>PostgreSQL nodes</h4>
${pg.length === 0 ? '<p>No PostgreSQL statistics recorded.</p>' : table(pgCols, pg)}`;
}

function renderChecks(trial: Trial): string {
  if (trial.checks.length === 0) return '<p>No checks ran.</p>';
  return `<ul class="checks">${trial.checks
    .map((c) => `<li>${badge(c.ok, 'PASS', 'FAIL')}<span class="name">${e(c.name)}</span>${e(c.detail)}</li>`)
    .join('\n')}</ul>`;
}

function img(charts: ChartImages, key: string, alt: string, caption: string): string {
  const png = charts.get(key);
  if (!png) return '';
  return `<figure><img src="data:image/png;base64,${png.toString('base64')}" alt="${e(alt)}">
<figcaption>${e(caption)}</figcaption></figure>`;
}

function renderCharts(s: TrialSummary, charts: ChartImages): string {
  const t = s.trial;
  const parts: string[] = [];
  parts.push(
    img(
      charts,
      chartKey.throughput(s.index),
      `${t.tier} / ${t.scenario}: throughput and latency per second`,
      'Per second of the measured window: requests due, answers as they arrived, OK ones, errors, and timeouts plus drops (left axis), and the all-requests p50/p99 latency of the requests due in that second (right axis), from the trial timeseries.',
    ),
  );
  if (hasCacheHitRate(t)) {
    parts.push(
      img(
        charts,
        chartKey.cacheHitRate(s.index),
        `${t.tier} / ${t.scenario}: cache hit rate per second`,
        'Memcached get hit rate per second, from the trial timeseries; gaps are seconds without gets.',
      ),
    );
  }
  for (const name of Object.keys(t.operations)) {
    parts.push(
      img(
        charts,
        chartKey.spectrum(s.index, name),
        `${t.tier} / ${t.scenario}: ${name} latency by percentile`,
        `${name}: latency by percentile from the encoded HDR histograms; the x axis is 1/(1-percentile) on a log scale. All requests (leading): every scheduled request from its intended send time, drops and timeouts included; OK answers from the intended send; OK answers from the socket write (uncorrected, to show the difference).`,
      ),
    );
  }
  parts.push(
    img(
      charts,
      chartKey.sendLateness(s.index),
      `${t.tier} / ${t.scenario}: generator send lateness by percentile (p99 ${fmtMs(t.generator.sendLateness.percentilesUs.p99)} ms)`,
      "The generator's own delay: from each request's intended send time to the moment the generator issued it. Part of every corrected latency above; large values mean the generator, not the app, was late.",
    ),
  );
  const html = parts.filter((p) => p !== '').join('\n');
  return html === '' ? '<p>No charts were rendered for this trial.</p>' : html;
}

function renderTrial(s: TrialSummary, charts: ChartImages): string {
  const t = s.trial;
  const l = t.load;
  return `<section class="card trial" id="trial-${s.index + 1}">
<h2>Trial ${s.index + 1}: ${e(t.tier)} / ${e(t.scenario)} ${generatorBadge(t)} ${checksBadge(s)}</h2>
${t.description ? `<p class="sub">${e(t.description)}</p>` : ''}
<div class="grid2"><div>
${kv([
  ['tier', t.tier],
  ['scenario', t.scenario],
  ['target / achieved rate', `${fmtRate(t.generator.targetRate)} / ${fmtRate(t.generator.achievedRate)}`],
  ['cache hit rate', hitRateOf(t)],
])}
</div><div>
${kv([
  ['load', `${l.executor}, ${fmtRate(l.rate)}${loadDetailText(l)} for ${fmtSeconds(l.durationSec)} after ${fmtSeconds(l.warmupSec)} warm-up`],
  ['connections / max in flight', `${fmtInt(l.connections)} / ${fmtInt(l.maxInFlight)}`],
  ['request timeout', `${fmtInt(l.timeoutMs)} ms`],
  ['measured window', `${t.timing.measureStartedAt} → ${t.timing.measureEndedAt} (${fmtSeconds(t.timing.measuredMs / 1000)})`],
])}
</div></div>
<h3>Summary</h3>
${renderOperations(s)}
<h3>Generator health</h3>
${renderGenerator(t)}
<h3>Backends</h3>
${renderBackends(t)}
<h3>Checks</h3>
${renderChecks(t)}
<h3>Charts</h3>
${renderCharts(s, charts)}
</section>`;
}

/**
 * Render the whole report. `charts` maps chartKey values to PNGs (renderReportCharts); charts
 * that are missing are left out, so an empty map gives a report of tables only.
 */
export function renderHtml(results: ResultsFile, charts: ChartImages = new Map()): string {
  const summaries = summarizeResults(results);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`tierbench report ${results.run.id}`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${renderHeader(results)}
${renderCapacityBanner(results)}
${results.upgradedFrom ? `<div class="banner unconstrained" id="upgraded"><strong>Read from a schema version ${results.upgradedFrom} file.</strong> ${e(UPGRADED_NOTE)}</div>` : ''}
${renderOverview(summaries)}
${renderEnvironment(results)}
${renderDataset(results)}
${summaries.map((s) => renderTrial(s, charts)).join('\n')}
<footer>Every figure above is read from the run's results file (schema version ${e(String(results.schemaVersion))}); values are
rounded for display. Latencies are in milliseconds, measured from the intended send time unless marked uncorrected.</footer>
</main>
</body>
</html>
`;
}
