/**
 * The report's summary as Markdown (summary.md): the same tables as index.html without the
 * charts. Text from the results file is escaped; the command sits in a fenced code block.
 */
import type { ResultsFile, Trial } from '../results/types.ts';
import { loadDetailText } from '../results/load-shape.ts';
import {
  NA,
  escapeMd as e,
  fmtBytes,
  fmtInt,
  fmtMs,
  fmtNum,
  fmtPct,
  fmtRate,
  fmtSeconds,
  mdCodeBlock,
} from './format.ts';
import { UPGRADED_NOTE } from './html.ts';
import { statusBreakdown, summarizeResults, type TrialSummary } from './summary.ts';

function mdTable(head: string[], rows: string[][], numeric: boolean[] = []): string {
  const align = head.map((_, i) => (numeric[i] ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head.map(e)), line(align), ...rows.map((r) => line(r.map(e)))].join('\n');
}

function bullets(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `- **${e(k)}:** ${v}`).join('\n');
}

function generatorStatus(trial: Trial): string {
  return trial.generator.limited ? 'GENERATOR-LIMITED' : 'kept its schedule';
}

function checksStatus(s: TrialSummary): string {
  if (s.trial.checks.length === 0) return 'no checks';
  return s.checksFailed === 0 ? `${s.checksPassed}/${s.trial.checks.length} passed` : `${s.checksFailed} failed`;
}

function overview(summaries: TrialSummary[]): string {
  if (summaries.length === 0) return 'No trials in this run.';
  const head = ['#', 'tier', 'scenario', 'rate target / achieved', 'scheduled', 'sent', 'dropped', 'ok', 'errors', 'timeouts',
    'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'cache hit', 'generator', 'checks'];
  const numeric = [true, false, false, ...Array<boolean>(13).fill(true), false, false];
  const rows = summaries.map((s) => [
    String(s.index + 1),
    s.trial.tier,
    s.trial.scenario,
    `${fmtNum(s.trial.generator.targetRate)} / ${fmtRate(s.trial.generator.achievedRate)}`,
    fmtInt(s.all?.counts.scheduled),
    fmtInt(s.all?.counts.sent),
    fmtInt(s.all?.counts.dropped),
    fmtInt(s.all?.counts.ok),
    fmtInt(s.all?.counts.errors),
    fmtInt(s.all?.counts.timeouts),
    fmtMs(s.all?.p50Us),
    fmtMs(s.all?.p90Us),
    fmtMs(s.all?.p99Us),
    fmtMs(s.all?.p999Us),
    fmtMs(s.all?.maxUs),
    fmtPct(s.trial.backends.memcached.hitRate),
    generatorStatus(s.trial),
    checksStatus(s),
  ]);
  return mdTable(head, rows, numeric);
}

function operations(s: TrialSummary): string {
  if (s.operations.length === 0) return 'No operations recorded.';
  const head = ['operation', 'scheduled', 'sent', 'dropped', 'ok', 'errors', 'timeouts', 'unfinished',
    'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'OK p99 ms', 'OK p99 uncorrected ms', 'answers by status'];
  const numeric = [false, ...Array<boolean>(14).fill(true), false];
  const row = (name: string, o: NonNullable<TrialSummary['all']>, okP99: string, uncorrected: string, statuses: string) => [
    name,
    fmtInt(o.counts.scheduled),
    fmtInt(o.counts.sent),
    fmtInt(o.counts.dropped),
    fmtInt(o.counts.ok),
    fmtInt(o.counts.errors),
    fmtInt(o.counts.timeouts),
    fmtInt(o.counts.unfinished),
    fmtMs(o.p50Us),
    fmtMs(o.p90Us),
    fmtMs(o.p99Us),
    fmtMs(o.p999Us),
    fmtMs(o.maxUs),
    okP99,
    uncorrected,
    statuses,
  ];
  const rows = s.operations.map((o) => row(o.operation, o, fmtMs(o.p99OkUs), fmtMs(o.p99UncorrectedUs), statusBreakdown(o.counts.byStatus)));
  if (s.all && s.operations.length > 1) rows.push(row('all operations', s.all, '', '', ''));
  return mdTable(head, rows, numeric);
}

function trialSection(s: TrialSummary): string {
  const t = s.trial;
  const g = t.generator;
  const m = t.backends.memcached;
  const r = t.backends.redis;
  const out: string[] = [];
  out.push(`## Trial ${s.index + 1}: ${e(t.tier)} / ${e(t.scenario)}`);
  if (t.description) out.push(e(t.description));
  out.push(
    bullets([
      ['target / achieved rate', e(`${fmtRate(g.targetRate)} / ${fmtRate(g.achievedRate)}`)],
      ['cache hit rate', e(fmtPct(m.hitRate))],
      ['load', e(`${t.load.executor}, ${fmtRate(t.load.rate)}${loadDetailText(t.load)} for ${fmtSeconds(t.load.durationSec)} after ${fmtSeconds(t.load.warmupSec)} warm-up; ${t.load.connections} connections, max ${t.load.maxInFlight} in flight, timeout ${t.load.timeoutMs} ms`)],
      ['measured window', e(`${t.timing.measureStartedAt} to ${t.timing.measureEndedAt} (${fmtSeconds(t.timing.measuredMs / 1000)})`)],
    ]),
  );
  out.push('### Summary', operations(s));
  out.push(
    '### Generator health',
    bullets([
      ['status', g.limited ? `**GENERATOR-LIMITED**: ${g.limitReasons.map(e).join('; ') || 'no reason given'}` : 'kept its schedule'],
      ['scheduled / sent / dropped', e(`${fmtInt(g.scheduled)} / ${fmtInt(g.sent)} / ${fmtInt(g.dropped)}`)],
      ['send lateness', e(`p50 ${fmtMs(g.sendLateness.percentilesUs.p50)} ms, p99 ${fmtMs(g.sendLateness.percentilesUs.p99)} ms, max ${fmtMs(g.sendLateness.maxUs)} ms`)],
      ['workers', e(`${g.workers}, busy ${g.workerUtilization.map((u) => fmtPct(u)).join(', ') || '-'}`)],
      ['CPU', e(`${fmtSeconds(g.cpuSeconds)} (${fmtPct(g.cpuShare)} of one core)`)],
      ['event-loop delay', e(`p99 ${fmtNum(g.eventLoopDelayP99Ms, 2)} ms, max ${fmtNum(g.eventLoopDelayMaxMs, 2)} ms`)],
    ]),
  );
  out.push(
    '### Backends',
    bullets([
      ['memcached', e(`hit rate ${fmtPct(m.hitRate)}; hits ${fmtInt(m.getHits)}, misses ${fmtInt(m.getMisses)}, sets ${fmtInt(m.sets)}, deletes ${fmtInt(m.deletes)}, evictions ${fmtInt(m.evictions)}, items at end ${fmtInt(m.currItemsAtEnd)}`)],
      ['redis', e(`commands ${fmtInt(r.commandsProcessed)}, keyspace hits ${fmtInt(r.keyspaceHits)}, misses ${fmtInt(r.keyspaceMisses)}, memory at end ${fmtBytes(r.usedMemoryBytesAtEnd)}`)],
    ]),
  );
  const pg = t.backends.postgres;
  if (pg.length > 0) {
    out.push(
      mdTable(
        ['node', 'role', 'shards', 'commits', 'rollbacks', 'rows returned', 'fetched', 'inserted', 'updated', 'deleted',
          'buffer hits', 'buffer reads', 'CPU s', 'replica lag'],
        pg.map((n) => [
          n.node,
          n.role,
          n.shards,
          fmtInt(n.xactCommit),
          fmtInt(n.xactRollback),
          fmtInt(n.tupReturned),
          fmtInt(n.tupFetched),
          fmtInt(n.tupInserted),
          fmtInt(n.tupUpdated),
          fmtInt(n.tupDeleted),
          fmtInt(n.blksHit),
          fmtInt(n.blksRead),
          n.cpuSeconds === null ? NA : fmtNum(n.cpuSeconds, 2),
          n.replicaLagBytes === null ? NA : fmtBytes(n.replicaLagBytes),
        ]),
        [false, false, false, ...Array<boolean>(11).fill(true)],
      ),
    );
  }
  out.push(
    '### Checks',
    t.checks.length === 0
      ? 'No checks ran.'
      : t.checks.map((c) => `- ${c.ok ? 'PASS' : '**FAIL**'} ${e(c.name)}: ${e(c.detail)}`).join('\n'),
  );
  return out.join('\n\n');
}

/** Render summary.md. */
export function renderSummaryMarkdown(results: ResultsFile): string {
  const run = results.run;
  const env = results.environment;
  const d = results.dataset;
  const summaries = summarizeResults(results);
  const cm = env.capacityModel;
  const parts: string[] = [
    `# tierbench report ${e(run.id)}`,
    bullets([
      ['run id', e(run.id)],
      ['started / finished', e(`${run.startedAt} / ${run.finishedAt}`)],
      ['git sha', e(run.gitSha ?? 'unknown (not a git checkout)')],
      ['seeds', e(`dataset ${run.seeds.dataset}, scenario ${run.seeds.scenario}`)],
    ]),
    'Command:',
    mdCodeBlock(run.command, 'sh'),
    ...(results.upgradedFrom ? [`> Read from a schema version ${results.upgradedFrom} file. ${e(UPGRADED_NOTE)}`] : []),
    cm.applied
      ? `> Node capacity model applied: ${e(cm.description)}`
      : `> **UNCONSTRAINED**: node capacity model not applied. All PostgreSQL nodes share this machine's ${env.cores} cores and memory, so a replica or shard adds processes, not capacity. (${e(cm.description)})`,
    '## Overview',
    'All operations together: counts summed, latency percentiles from the merged all-requests histograms (every scheduled request from its intended send time; drops and timeouts included).',
    overview(summaries),
    '## Environment',
    bullets([
      ['cores', e(String(env.cores))],
      ['CPU', e(env.cpuModel)],
      ['memory', e(fmtBytes(env.memoryBytes))],
      ['OS', e(env.os)],
      ['Node.js', e(env.node)],
      ['servers', e(Object.entries(env.servers).map(([k, v]) => `${k} ${v}`).join(', ') || NA)],
      ['stack provider', e(env.stackProvider)],
      ['capacity model', cm.applied ? e(`applied: ${cm.description}`) : `**UNCONSTRAINED** (${e(cm.description)})`],
    ]),
    '## Dataset',
    bullets([
      ['profile', e(d.profile)],
      ['seed', e(String(d.seed))],
      ['logical shards', e(fmtInt(d.logicalShards))],
      ['seeding time', e(fmtSeconds(d.seedSeconds))],
      ['rows', e(Object.entries(d.counts).map(([k, v]) => `${k} ${fmtInt(v)}`).join(', ') || NA)],
    ]),
    ...summaries.map(trialSection),
    `---\nFigures are read from the results file (schema version ${results.schemaVersion}) and rounded for display; latencies in milliseconds, from the intended send time unless marked uncorrected. Charts are in index.html.`,
  ];
  return parts.join('\n\n') + '\n';
}
