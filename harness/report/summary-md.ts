/**
 * summary.md, for CI job summaries and pull-request comments: the headline and per-tier tables,
 * then one row per trial and per operation, the warnings in words and the provenance; no images.
 * GitHub cuts job summaries at 1 MiB and comments at 64 KiB, so it is kept under 64 KiB: the
 * per-operation and per-trial tables are dropped (and the summary says so) when a run is too big.
 */
import type { ResultsFile } from '../results/types.ts';
import { escapeMd as e, fmtInt, fmtMs, fmtNum, fmtPct, fmtSustainable, mdCodeBlock } from './format.ts';
import { capacityText, gitText, loadText } from './html/provenance.ts';
import { summarizeResults, type TrialSummary } from './summary.ts';
import { verdicts, type ScenarioVerdict, type VerdictRow } from './verdict.ts';
import { trialWarnings, UPGRADED_NOTE } from './warnings.ts';
import { cacheRecoverySentence, faultSentence } from './faults-text.ts';

/** GitHub's limit for a comment body, in bytes. */
export const SUMMARY_BUDGET_BYTES = 64 * 1024;

function mdTable(head: string[], rows: string[][], numeric: boolean[] = []): string {
  const align = head.map((_, i) => (numeric[i] ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head.map(e)), line(align), ...rows.map((r) => line(r.map(e)))].join('\n');
}

function checks(r: { checksPassed: number; checksTotal: number }): string {
  if (r.checksTotal === 0) return 'none ran';
  return r.checksPassed === r.checksTotal ? `${r.checksPassed}/${r.checksTotal} passed` : `FAILED ${r.checksTotal - r.checksPassed}`;
}

function verdictTable(v: ScenarioVerdict): string {
  const warn = (r: VerdictRow) => r.warnings.map((w) => w.short).join('; ');
  if (v.basis === 'headline') {
    const at = v.commonRate === null ? 'common rate' : `${fmtInt(v.commonRate)} req/s`;
    return mdTable(
      ['tier', 'max sustainable req/s [interval]', `p50 ms @ ${at}`, `p99 ms @ ${at}`, `p99.9 ms @ ${at}`, 'error rate', 'cache hit', 'checks', 'warnings'],
      v.rows.map((r) => [r.tier, fmtSustainable(r.maxSustainable),
        fmtMs(r.p50Us), fmtMs(r.p99Us), fmtMs(r.p999Us), fmtPct(r.errorRate, 2), fmtPct(r.cacheHitRate), checks(r), warn(r)]),
      [false, true, true, true, true, true, true, false, false],
    );
  }
  return mdTable(
    ['tier', 'offered req/s', 'achieved req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'errors + timeouts', 'dropped', 'cache hit', 'checks', 'warnings'],
    v.rows.map((r) => [r.tier, fmtNum(r.offeredRate), fmtNum(r.achievedRate), fmtMs(r.p50Us), fmtMs(r.p99Us), fmtMs(r.p999Us), fmtPct(r.errorRate, 2), fmtPct(r.dropRate, 2), fmtPct(r.cacheHitRate), checks(r), warn(r)]),
    [false, true, true, true, true, true, true, true, true, false, false],
  );
}

function headlineSection(results: ResultsFile): string {
  const v = verdicts(results);
  const out = ['## Which tier, and why'];
  if (v.slo) out.push(`SLO: p99 of all requests under ${fmtNum(v.slo.p99Ms)} ms, errors and timeouts under ${fmtNum(v.slo.errorBudget * 100, 2)}%, drops under ${fmtNum(v.slo.dropBudget * 100, 2)}%.`);
  else out.push('No headline in this run (no scenario swept on two or more tiers): tiers are compared on what their windows measured, which is **not a sustainable-throughput comparison**.');
  if (v.headlineSentences.length) out.push(v.headlineSentences.map((s) => `- **${e(s)}**`).join('\n'));
  for (const s of v.scenarios) {
    out.push(`### ${e(s.scenario)}: ${s.basis === 'headline' ? 'maximum sustainable throughput under the SLO' : 'not a sustainable-throughput comparison (no sweep)'}`);
    if (s.basis === 'window') out.push(...s.sentences.map((x) => `**${e(x)}**`));
    out.push(verdictTable(s));
  }
  return out.join('\n\n');
}

function trialsSection(summaries: TrialSummary[]): string {
  if (summaries.length === 0) return '## Trials\n\nNo trials in this run.';
  const rows = summaries.map((s) => {
    const t = s.trial;
    const c = s.all?.counts;
    return [String(s.index + 1), t.tier, t.scenario, `${fmtNum(t.generator.targetRate)} / ${fmtNum(t.generator.achievedRate)}`, fmtInt(c?.scheduled), fmtInt(c?.ok), fmtInt(c?.errors), fmtInt(c?.timeouts), fmtInt(c?.dropped),
      fmtMs(s.all?.p50Us), fmtMs(s.all?.p99Us), fmtMs(s.all?.p999Us), fmtMs(s.all?.maxUs), fmtPct(t.backends.memcached.hitRate), t.generator.limited ? 'LIMITED' : 'ok', checks({ checksPassed: s.checksPassed, checksTotal: t.checks.length })];
  });
  return `## Trials\n\nAll operations together; latency of all requests from their intended send time (ms).\n\n${mdTable(
    ['#', 'tier', 'scenario', 'req/s target / achieved', 'scheduled', 'ok', 'errors', 'timeouts', 'dropped', 'p50', 'p99', 'p99.9', 'max', 'cache hit', 'generator', 'checks'],
    rows,
    [true, false, false, ...Array<boolean>(12).fill(true), false],
  )}`;
}

function operationsSection(summaries: TrialSummary[]): string {
  const rows = summaries.flatMap((s) =>
    s.operations.map((o) => {
      const seconds = s.trial.timing.measuredMs / 1000;
      const byClass = Object.entries(o.counts.errorsByClass).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || '0';
      return [String(s.index + 1), s.trial.tier, s.trial.scenario, o.operation, fmtInt(o.counts.scheduled), fmtInt(o.counts.ok), byClass, fmtInt(o.counts.timeouts), fmtInt(o.counts.dropped),
        fmtNum(seconds > 0 ? o.counts.ok / seconds : null), fmtMs(o.p50Us), fmtMs(o.p90Us), fmtMs(o.p99Us), fmtMs(o.p999Us), fmtMs(o.maxUs), fmtMs(o.p99OkUs), fmtMs(o.p99UncorrectedUs)];
    }),
  );
  if (rows.length === 0) return '## Operations\n\nNo operations recorded.';
  return `## Operations\n\nLatency (ms) of all requests from their intended send time, then OK answers only, corrected and uncorrected.\n\n${mdTable(
    ['#', 'tier', 'scenario', 'operation', 'count', 'ok', 'errors by class', 'timeouts', 'dropped', 'OK req/s', 'p50', 'p90', 'p99', 'p99.9', 'max', 'OK p99', 'OK p99 uncorrected'],
    rows,
    [true, false, false, false, true, true, false, ...Array<boolean>(10).fill(true)],
  )}`;
}

/** A section of one line per item of each trial (a fault, a cache flush, a threshold); null when no trial has any. */
function perTrialSection(summaries: TrialSummary[], title: string, intro: string, lines: (s: TrialSummary) => string[]): string | null {
  const items = summaries.flatMap((s) => lines(s).map((line) => `- trial ${s.index + 1} (${e(s.trial.tier)} / ${e(s.trial.scenario)}): ${line}`));
  return items.length ? `## ${title}\n\n${intro}\n\n${items.join('\n')}` : null;
}

/** What the checks do not say: the thresholds (they decide the exit code too), faults and cache flushes. */
function trialFindingsSections(summaries: TrialSummary[]): string[] {
  const sections = [
    perTrialSection(summaries, 'Thresholds', 'The scenario\'s thresholds, evaluated at the end of each trial; one that failed makes the run exit 99.', (s) =>
      (s.trial.thresholds ?? []).map((f) => `${f.ok ? 'pass' : '**FAIL**'} ${e(f.name)}: ${e(f.detail)}`)),
    perTrialSection(summaries, 'Faults', 'Times in seconds into the measured window.', (s) => (s.trial.faults ?? []).map((f) => e(faultSentence(f)))),
    perTrialSection(summaries, 'Cache flushes', 'Times in seconds into the measured window.', (s) => (s.trial.cacheRecovery ? [e(cacheRecoverySentence(s.trial.cacheRecovery))] : [])),
  ];
  return sections.filter((x): x is string => x !== null);
}

function warningsSection(results: ResultsFile, summaries: TrialSummary[]): string {
  const items = summaries.flatMap((s) => trialWarnings(s.trial).map((w) => `- trial ${s.index + 1} (${e(s.trial.tier)} / ${e(s.trial.scenario)}): ${e(w.text)}`));
  if (results.upgradedFrom) items.unshift(`- Read from a schema version ${results.upgradedFrom} file. ${e(UPGRADED_NOTE)}`);
  return `## Warnings\n\n${items.length ? items.join('\n') : 'None.'}`;
}

function provenanceSection(results: ResultsFile): string {
  const env = results.environment;
  const d = results.dataset;
  return ['## Provenance', 'Command:', mdCodeBlock(results.run.command, 'sh'),
    [`- **git:** ${e(gitText(results.run))}`,
      `- **machine load:** ${e(loadText(results))}`,
      `- **environment:** ${e(`${env.cores} cores, ${env.cpuModel}, ${env.os}, Node ${env.node}, ${env.stackProvider} stack; ${Object.entries(env.servers).map(([k, v]) => `${k} ${v}`).join(', ')}`)}`,
      `- **capacity model:** ${e(capacityText(results))}`,
      `- **dataset:** ${e(`${d.profile}, seed ${d.seed}, ${d.logicalShards} logical shards, ${d.source ?? 'source not recorded'}, digest ${d.digest ?? 'not recorded'}`)}`,
      `- **seeds:** ${e(`dataset ${results.run.seeds.dataset}, scenario ${results.run.seeds.scenario}`)}`].join('\n')].join('\n\n');
}

function head(results: ResultsFile): string {
  const cm = results.environment.capacityModel;
  const notes = [
    ...(results.upgradedFrom ? [`> Read from a schema version ${results.upgradedFrom} file. ${e(UPGRADED_NOTE)}`] : []),
    cm.applied
      ? `> Node capacity model applied: ${e(cm.description)}`
      : `> **UNCONSTRAINED**: node capacity model not applied. All PostgreSQL nodes share this machine's ${results.environment.cores} cores and memory, so a replica or shard adds processes, not capacity. (${e(cm.description)})`,
  ];
  return [`# tierbench report ${e(results.run.id)}`, `${results.trials.length} trials, ${e(results.run.startedAt)}. Charts are in index.html; every figure comes from results.json.`, ...notes].join('\n\n');
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Render summary.md within SUMMARY_BUDGET_BYTES. */
export function renderSummaryMarkdown(results: ResultsFile, budget = SUMMARY_BUDGET_BYTES): string {
  const summaries = summarizeResults(results);
  const fixed = [head(results), headlineSection(results), ...trialFindingsSections(summaries)];
  const optional: Array<[string, string]> = [['per-trial table', trialsSection(summaries)], ['per-operation table', operationsSection(summaries)]];
  const tail = [warningsSection(results, summaries), provenanceSection(results)];
  const footer = `---\nFigures are read from results.json (schema version ${results.schemaVersion}) and rounded for display; latencies in milliseconds.`;
  const assemble = (parts: string[]) => parts.join('\n\n') + '\n';
  let kept = optional;
  let omitted: string[] = [];
  while (kept.length > 0 && bytes(assemble([...fixed, ...kept.map(([, s]) => s), ...tail, footer])) > budget) {
    omitted = [kept.at(-1)![0], ...omitted];
    kept = kept.slice(0, -1);
  }
  const note = omitted.length ? [`> Omitted to stay under ${budget / 1024} KiB: the ${omitted.join(' and the ')}; see index.html.`] : [];
  return assemble([...fixed, ...note, ...kept.map(([, s]) => s), ...tail, footer]);
}
