/**
 * The tables of one trial: operations (all-requests corrected latency leading, OK-only and
 * uncorrected beside it), sweep steps, generator health, backends, fan-out and checks.
 */
import type { CheckResult, ErrorClass, NodeLoad, Trial } from '../../results/types.ts';
import { NA, escapeHtml as e, fmtBytes, fmtInt, fmtMs, fmtNum, fmtPct, fmtRate, fmtSeconds } from '../format.ts';
import type { LatencyRow, TrialSummary } from '../summary.ts';
import { badge, kv, table, type Column } from './parts.ts';
import { busiestNodeText, cacheRecoverySentence, failedText, faultDetails } from '../faults-text.ts';

type OpRow = LatencyRow & {
  name: string;
  all: boolean;
  counts: { scheduled: number; ok: number; errors: number; errorsByClass: Partial<Record<ErrorClass, number>>; timeouts: number; dropped: number; unfinished: number };
};

const opSrc = (s: TrialSummary, r: OpRow, path: string) =>
  r.all ? `results.json: trials[${s.index}].operations[*], merged` : `results.json: trials[${s.index}].operations[${JSON.stringify(r.name)}].${path}`;

function byClass(c: OpRow['counts']): string {
  const parts = Object.entries(c.errorsByClass).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${fmtInt(n)}`);
  return parts.length ? parts.join(', ') : c.errors === 0 ? '0' : fmtInt(c.errors);
}

/** Per operation, and all operations merged exactly. */
export function operationsTable(s: TrialSummary): string {
  if (s.operations.length === 0) return '<p>No operations recorded.</p>';
  const seconds = s.trial.timing.measuredMs / 1000;
  const rows: OpRow[] = s.operations.map((o) => ({ ...o, name: o.operation, all: false }));
  if (s.all && s.operations.length > 1) rows.push({ ...s.all, name: 'all operations', all: true });
  const lat = (head: string, f: (r: OpRow) => number | null, path: string): Column<OpRow> => ({ head, num: true, cell: (r) => fmtMs(f(r)), src: (r) => opSrc(s, r, path) });
  const cols: Column<OpRow>[] = [
    { head: 'operation', cell: (r) => r.name },
    { head: 'count (scheduled)', num: true, cell: (r) => fmtInt(r.counts.scheduled), src: (r) => opSrc(s, r, 'counts.scheduled') },
    { head: 'ok', num: true, cell: (r) => fmtInt(r.counts.ok), src: (r) => opSrc(s, r, 'counts.ok') },
    { head: 'errors by class', num: true, cell: (r) => byClass(r.counts), src: (r) => opSrc(s, r, 'counts.errorsByClass') },
    { head: 'timeouts', num: true, cell: (r) => fmtInt(r.counts.timeouts), src: (r) => opSrc(s, r, 'counts.timeouts') },
    { head: 'dropped', num: true, cell: (r) => fmtInt(r.counts.dropped), src: (r) => opSrc(s, r, 'counts.dropped') },
    { head: 'unfinished', num: true, cell: (r) => fmtInt(r.counts.unfinished), src: (r) => opSrc(s, r, 'counts.unfinished') },
    { head: 'OK req/s', num: true, cell: (r) => fmtNum(seconds > 0 ? r.counts.ok / seconds : null), src: (r) => opSrc(s, r, 'counts.ok') + ` / ${fmtNum(seconds, 3)} s` },
    lat('p50', (r) => r.p50Us, 'latency.all.percentilesUs.p50'),
    lat('p90', (r) => r.p90Us, 'latency.all.percentilesUs.p90'),
    lat('p99', (r) => r.p99Us, 'latency.all.percentilesUs.p99'),
    lat('p99.9', (r) => r.p999Us, 'latency.all.percentilesUs["p99.9"]'),
    lat('max', (r) => r.maxUs, 'latency.all.maxUs'),
    { head: 'p99', num: true, cell: (r) => (r.all ? '' : fmtMs(r.p99OkUs)), src: (r) => opSrc(s, r, 'latency.ok.percentilesUs.p99') },
    { head: 'p99 uncorrected', num: true, cell: (r) => (r.all ? '' : fmtMs(r.p99UncorrectedUs)), src: (r) => opSrc(s, r, 'latency.okUncorrected.percentilesUs.p99') },
  ];
  return table(cols, rows, {
    rowClass: (r) => (r.all ? 'all' : undefined),
    groups: [['', 8], ['all requests, from intended send (ms)', 5], ['OK answers only (ms)', 2]],
    caption: 'Hover a figure to see where in results.json it comes from. The "all operations" row sums counts and merges histograms exactly.',
  });
}

/** The sweep's steps, its maximum sustainable rate with interval, and what saturated first. */
export function sweepSection(trial: Trial): string {
  const sw = trial.sweep;
  if (!sw) return '';
  type Step = (typeof sw.steps)[number];
  const nodes = [...new Set(sw.steps.flatMap((st) => Object.keys(st.nodeCpu)))];
  const cols: Column<Step>[] = [
    { head: 'offered req/s', num: true, cell: (r) => fmtNum(r.rate) },
    { head: 'repeat', num: true, cell: (r) => String(r.repeat) },
    { head: 'window s', num: true, cell: (r) => fmtNum(r.durationSec) },
    { head: 'achieved req/s', num: true, cell: (r) => fmtNum(r.achievedRate) },
    { head: 'p50 ms', num: true, cell: (r) => fmtMs(r.p50Us) },
    { head: 'p99 ms', num: true, cell: (r) => fmtMs(r.p99Us) },
    { head: 'p99.9 ms', num: true, cell: (r) => fmtMs(r.p999Us) },
    { head: 'errors', num: true, cell: (r) => fmtPct(r.errorRate, 2) },
    { head: 'dropped', num: true, cell: (r) => fmtPct(r.dropRate, 2) },
    { head: 'SLO', cell: (r) => (r.holdsSlo ? 'held' : 'BROKEN') , html: (r) => badge(r.holdsSlo, 'held', 'broken') },
    { head: 'generator', cell: (r) => (r.generatorLimited ? 'LIMITED' : 'ok') },
    // The wait after the window for the tier to fall quiet (harness/sweep/settle.ts); older results have none.
    { head: 'quiet wait s', num: true, cell: (r) => (r.settleSec === undefined ? NA : `${fmtNum(r.settleSec, 1)}${r.settleBusy ? ` (gave up: ${r.settleBusy})` : ''}`) },
    ...nodes.map<Column<Step>>((n) => ({ head: `${n} CPU`, num: true, cell: (r) => fmtNum(r.nodeCpu[n] ?? null, 2) })),
  ];
  const m = sw.maxSustainable;
  const steps = [...sw.steps].sort((a, b) => a.rate - b.rate || a.repeat - b.repeat);
  return `<h3>Sweep</h3>
${kv([
  ['maximum sustainable', m ? `${fmtRate(m.rate)} [${fmtRate(m.low)}, ${fmtRate(m.high)}] (${m.method})` : 'the SLO did not hold at any offered rate'],
  ['saturated first', sw.saturatedFirst ?? NA],
  ['SLO', `p99 under ${fmtNum(sw.slo.p99Ms)} ms, errors under ${fmtPct(sw.slo.errorBudget, 2)}, drops under ${fmtPct(sw.slo.dropBudget, 2)}`],
  ['warm-up before the first step', fmtSeconds(sw.warmupSec)],
  ['stopped because', sw.stoppedBecause ?? NA],
])}
${table(cols, steps, { caption: `results.json: trials[].sweep.steps (${steps.length} windows; node CPU in cores)` })}`;
}

export function generatorBadge(trial: Trial): string {
  return badge(!trial.generator.limited, 'generator kept its schedule', 'GENERATOR-LIMITED');
}

export function generatorTable(trial: Trial): string {
  const g = trial.generator;
  const lat = g.sendLateness;
  const reasons = g.limited && g.limitReasons.length ? `<ul class="reasons">${g.limitReasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : '';
  return kv(
    [
      ['status', generatorBadge(trial) + reasons],
      ['target / achieved rate', e(`${g.targetRate === null ? 'none (closed loop)' : fmtRate(g.targetRate)} / ${fmtRate(g.achievedRate)}${g.targetRate ? ` (${fmtPct(g.achievedRate / g.targetRate)} of target)` : ''}`)],
      ['scheduled / sent / dropped', e(`${fmtInt(g.scheduled)} / ${fmtInt(g.sent)} / ${fmtInt(g.dropped)}`)],
      ['send lateness', e(`p50 ${fmtMs(lat.percentilesUs.p50)} ms, p99 ${fmtMs(lat.percentilesUs.p99)} ms, p99.9 ${fmtMs(lat.percentilesUs['p99.9'])} ms, max ${fmtMs(lat.maxUs)} ms (intended send time to issue)`)],
      ['event-loop delay', e(`p99 ${fmtNum(g.eventLoopDelayP99Ms, 2)} ms, max ${fmtNum(g.eventLoopDelayMaxMs, 2)} ms`)],
      ['CPU', e(`${fmtSeconds(g.cpuSeconds)} (${fmtPct(g.cpuShare)} of one core, whole generator process)`)],
      ['workers', e(`${g.workers} thread${g.workers === 1 ? '' : 's'}, busy ${g.workerUtilization.map((u) => fmtPct(u)).join(', ') || NA} of the window`)],
      ['elapsed', e(`${fmtSeconds(g.elapsedMs / 1000)} to issue the window's requests; answers awaited ${fmtInt(trial.timing.drainMs)} ms after it`)],
    ],
    true,
  );
}

type PgNode = Trial['backends']['postgres'][number];

export function backendsTables(trial: Trial): string {
  const m = trial.backends.memcached;
  const r = trial.backends.redis;
  const pg = trial.backends.postgres;
  const pgCols: Column<PgNode>[] = [
    { head: 'node', cell: (n) => n.node },
    { head: 'role', cell: (n) => n.role },
    { head: 'shards', cell: (n) => n.shards },
    { head: 'CPU quota', num: true, cell: (n) => (n.cpuQuota ? `${n.cpuQuota} CPU` : 'none') },
    { head: 'CPU s', num: true, cell: (n) => fmtNum(n.cpuSeconds, 2) },
    { head: 'statements', num: true, cell: (n) => fmtInt(n.queries ?? null) },
    { head: 'writes', num: true, cell: (n) => fmtInt(n.writes ?? null) },
    { head: 'commits', num: true, cell: (n) => fmtInt(n.xactCommit) },
    { head: 'rollbacks', num: true, cell: (n) => fmtInt(n.xactRollback) },
    { head: 'rows returned / fetched', num: true, cell: (n) => `${fmtInt(n.tupReturned)} / ${fmtInt(n.tupFetched)}` },
    { head: 'ins / upd / del', num: true, cell: (n) => `${fmtInt(n.tupInserted)} / ${fmtInt(n.tupUpdated)} / ${fmtInt(n.tupDeleted)}` },
    { head: 'buffer hit ratio', num: true, cell: (n) => (n.blksHit + n.blksRead > 0 ? fmtPct(n.blksHit / (n.blksHit + n.blksRead), 2) : NA) },
    { head: 'replica lag at end', num: true, cell: (n) => (n.replicaLagBytes === null ? NA : `${fmtBytes(n.replicaLagBytes)}, ${fmtNum(n.replicaLagSeconds, 3)} s`) },
  ];
  return `<div class="grid2"><div>
<h4>Memcached (over the window)</h4>
${kv([
  ['get hit rate', fmtPct(m.hitRate)],
  ['get hits / misses', `${fmtInt(m.getHits)} / ${fmtInt(m.getMisses)}`],
  ['sets / deletes / evictions', `${fmtInt(m.sets)} / ${fmtInt(m.deletes)} / ${fmtInt(m.evictions)}`],
  ['items at end', fmtInt(m.currItemsAtEnd)],
])}
</div><div>
<h4>Redis (over the window)</h4>
${kv([
  ['commands processed', fmtInt(r.commandsProcessed)],
  ['keyspace hits / misses', `${fmtInt(r.keyspaceHits)} / ${fmtInt(r.keyspaceMisses)}`],
  ['memory used at end', fmtBytes(r.usedMemoryBytesAtEnd)],
])}
</div></div>
<h4>PostgreSQL nodes (over the window)</h4>
${pg.length === 0 ? '<p>No PostgreSQL statistics recorded.</p>' : table(pgCols, pg)}`;
}

export function fanoutTable(trial: Trial): string {
  const f = trial.fanout;
  if (!f) return '';
  return `<h4>Fan-out</h4>${kv([
    ['uploads tracked', fmtInt(f.uploads)],
    ['not in every feed by the end', fmtInt(f.incomplete)],
    ['lag (answer → every follower\'s feed)', `p50 ${fmtMs(f.lag.percentilesUs.p50)} ms, p99 ${fmtMs(f.lag.percentilesUs.p99)} ms, p99.9 ${fmtMs(f.lag.percentilesUs['p99.9'])} ms, max ${fmtMs(f.lag.maxUs)} ms`],
  ])}`;
}

function findingsList(findings: readonly CheckResult[]): string {
  return `<ul class="checks">${findings.map((c) => `<li>${badge(c.ok, 'PASS', 'FAIL')}<span class="name">${e(c.name)}</span>${e(c.detail)}</li>`).join('\n')}</ul>`;
}

export function checksList(trial: Trial): string {
  return trial.checks.length === 0 ? '<p>No checks ran.</p>' : findingsList(trial.checks);
}

/** The scenario's thresholds as evaluated at the trial's end (a failed one fails the run, as a check does); '' without any. */
export function thresholdsList(trial: Trial): string {
  if (!trial.thresholds?.length) return '';
  return `<h4>Thresholds</h4>\n${findingsList(trial.thresholds)}`;
}

type FaultRow = NonNullable<Trial['faults']>[number];

/** PostgreSQL nodes' load per second during something (a fault, a flush's spike) against before it. */
const NODE_LOAD_COLUMNS: Column<NodeLoad>[] = [
  { head: 'node', cell: (n) => n.node },
  { head: 'statements/s before', num: true, cell: (n) => fmtNum(n.queriesPerSecBefore, 0) },
  { head: 'statements/s during', num: true, cell: (n) => fmtNum(n.queriesPerSec, 0) },
  { head: 'CPU cores before', num: true, cell: (n) => fmtNum(n.cpuPerSecBefore, 2) },
  { head: 'CPU cores during', num: true, cell: (n) => fmtNum(n.cpuPerSec, 2) },
];

/** The faults injected in the trial: outage and recovery, then per fault its requests per operation and the nodes' load. */
export function faultsSection(s: TrialSummary): string {
  const faults = s.trial.faults;
  if (!faults?.length) return '';
  const src = (i: number, path: string) => `results.json: trials[${s.index}].faults[${i}].${path}`;
  const idx = (f: FaultRow) => faults.indexOf(f);
  const cols: Column<FaultRow>[] = [
    { head: 'fault', cell: (f) => f.kind },
    { head: 'target', cell: (f) => f.target },
    { head: 'at s', num: true, cell: (f) => fmtNum(f.startedAt, 1), src: (f) => src(idx(f), 'startedAt') },
    { head: 'back at s', num: true, cell: (f) => fmtNum(f.endedAt, 1), src: (f) => src(idx(f), 'endedAt') },
    { head: 'outage s', num: true, cell: (f) => fmtNum(f.outageSec, 1), src: (f) => src(idx(f), 'outageSec') },
    { head: 'to answer s', num: true, cell: (f) => (f.startupSec === undefined ? '' : fmtNum(f.startupSec, 1)), src: (f) => src(idx(f), 'startupSec') },
    { head: 'during: failed', num: true, cell: (f) => failedText(f.during), src: (f) => src(idx(f), 'during') },
    { head: 'after: failed', num: true, cell: (f) => failedText(f.after), src: (f) => src(idx(f), 'after') },
    { head: 'failures ended s after back', num: true, cell: (f) => (f.errorsRecoveredSec === null ? 'not in window' : fmtNum(f.errorsRecoveredSec, 1)), src: (f) => src(idx(f), 'errorsRecoveredSec') },
    { head: 'PostgreSQL before → during (node changed most)', wrap: true, cell: (f) => busiestNodeText(f.nodes) ?? NA, src: (f) => src(idx(f), 'nodes') },
    { head: 'what else', wrap: true, cell: (f) => faultDetails(f).join('; ') || NA },
  ];
  type OpRow = { name: string } & FaultRow['during']['byOperation'][string];
  const opCols: Column<OpRow>[] = [
    { head: 'operation', cell: (r) => r.name },
    { head: 'due', num: true, cell: (r) => fmtInt(r.scheduled) },
    { head: 'ok', num: true, cell: (r) => fmtInt(r.ok) },
    { head: 'errors by class', num: true, cell: (r) => Object.entries(r.errorsByClass).filter(([, n]) => n).map(([k, n]) => `${k} ${fmtInt(n)}`).join(', ') || fmtInt(r.errors) },
    { head: 'timeouts', num: true, cell: (r) => fmtInt(r.timeouts) },
  ];
  const each = faults
    .map((f, i) => {
      const rows = Object.entries(f.during.byOperation).map(([name, o]) => ({ name, ...o }));
      const secs = f.during.seconds ? `seconds ${f.during.seconds[0]}–${f.during.seconds[1]}` : 'no whole second';
      return `<div class="grid2"><div>${table(opCols, rows, { caption: `${f.kind} ${f.target}: requests due during it (${secs}), per operation (results.json: trials[${s.index}].faults[${i}].during.byOperation)` })}</div>
<div>${table(NODE_LOAD_COLUMNS, f.nodes, { caption: `${f.kind} ${f.target}: PostgreSQL load per second during it against the 5 s before (results.json: trials[${s.index}].faults[${i}].nodes)` })}</div></div>`;
    })
    .join('\n');
  return `<h3>Faults</h3>
${table(cols, faults, { caption: 'Times in seconds into the measured window; requests counted by the second they were due. "failed": errors (dropped included) and timeouts.' })}
${each}`;
}

/** A cache flush in the window: its recovery in words, then the nodes' load over the spike against before. */
export function cacheRecoverySection(s: TrialSummary): string {
  const r = s.trial.cacheRecovery;
  if (!r) return '';
  const src = `results.json: trials[${s.index}].cacheRecovery`;
  return `<h3>Cache flush</h3>
<p>${e(cacheRecoverySentence(r))}.</p>
${table(NODE_LOAD_COLUMNS, r.spike.nodes, { caption: `PostgreSQL load per second over the spike (seconds ${r.spike.fromSecond}–${r.spike.toSecond}) against the 5 s before the flush (${src}.spike.nodes)` })}`;
}
