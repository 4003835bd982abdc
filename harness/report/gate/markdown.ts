/**
 * gate.md: the gate for a CI job summary ($GITHUB_STEP_SUMMARY) or a pull-request comment: the
 * verdict, the verdict table, the smallest detectable change, the load and the versions. No images.
 * Kept under GitHub's 64 KiB limit: the per-trial table is the first thing dropped, saying so.
 */
import { formatPercent } from '../../gate/metrics.ts';
import type { GateRecord } from '../../run/gate/runner.ts';
import { escapeMd } from '../format.ts';
import { blocksText, capacityText, countText, detectableText, estimateText, intervalText, metricLabel, pairedValues, pText, thresholdText, VERDICT_MARK, verdictSentence, versionText, wallText } from './text.ts';

export const MARKDOWN_LIMIT = 64 * 1024;

const row = (cells: string[]) => `| ${cells.map((c) => escapeMd(c)).join(' | ')} |`;

function verdictTable(record: GateRecord): string[] {
  const r = record.report;
  const lines = [
    `| scenario | metric | threshold | change (estimate) | ${Math.round((1 - 2 * r.alpha) * 100)}% interval | p (Holm-adjusted) | verdict |`,
    '|---|---|---|---:|---|---:|---|',
  ];
  for (const m of r.ratios) lines.push(row([m.scenario, metricLabel(m.metric), thresholdText(m), estimateText(m), intervalText(m), pText(m), VERDICT_MARK[m.verdict]]));
  for (const c of r.counts) lines.push(row([c.scenario, `${c.metric} (all A → all B trials)`, c.rule, countText(c), '', c.pValue === null ? '' : c.pValue.toPrecision(2), VERDICT_MARK[c.verdict]]));
  for (const a of r.absolute) lines.push(row([a.scenario, 'absolute thresholds', '', '', '', '', `${VERDICT_MARK[a.verdict]}: ${a.message}`]));
  return lines;
}

function detectable(record: GateRecord): string[] {
  const r = record.report;
  const gated = r.ratios.filter((m) => m.gated);
  if (!gated.length) return [];
  return [
    `**Smallest detectable change** (the worsening these pairs, with their spread, would show as significant at Holm's strictest level alpha/m = ${(r.alpha / Math.max(1, r.family)).toPrecision(2)}; a FAIL also needs the estimate past the threshold): ` +
      gated.map((m) => `${m.scenario} ${m.metric} ${detectableText(m)}`).join(', ') +
      '.',
  ];
}

function loads(record: GateRecord): string[] {
  return record.loads.map((l) => {
    return `- **${escapeMd(l.scenario)}**: open model at **${l.gateRate} req/s** (${escapeMd(l.note)}); baseline capacity under the SLO (p99 < ${record.settings.slo.p99Ms} ms) ${capacityText(l.capacity)}; closed loop with ${record.settings.closedConnections} connections for throughput`;
  });
}

function trialsTable(record: GateRecord): string[] {
  const lines = ['| # | version | block | scenario | p50 ms | p90 ms | p99 ms | throughput req/s | load avg |', '|---:|---|---|---|---:|---:|---:|---:|---:|'];
  const ms = (v: number | undefined) => (v === undefined ? 'n/a' : (v / 1000).toFixed(2));
  for (const t of record.trials) {
    for (const [name, m] of Object.entries(t.scenarios)) {
      lines.push(row([String(t.index), t.version, t.block === null ? 'warm-up (discarded)' : `${t.block + 1} ${t.slot}`, name, ms(m.gated['latency.p50']), ms(m.gated['latency.p90']), ms(m.gated['latency.p99']), m.gated['ok.rate'] === undefined ? 'n/a' : String(Math.round(m.gated['ok.rate']!)), t.loadAverage.toFixed(2)]));
    }
  }
  return lines;
}

/** gate.md for a gate record, under MARKDOWN_LIMIT bytes. */
export function renderGateMarkdown(record: GateRecord): string {
  const r = record.report;
  const { baseline: a, candidate: b } = record.versions;
  const head = [
    `## Performance gate: ${VERDICT_MARK[r.verdict]} (exit ${record.exitCode})`,
    '',
    verdictSentence(record),
    '',
    `- **A (baseline)**: ${escapeMd(versionText(a))}`,
    `- **B (candidate)**: ${escapeMd(versionText(b))}`,
    `- ${blocksText(record)} (${r.pairs} pairs per scenario; orders ${record.plan.orders.join(' ')}, order seed ${record.seeds.order}) after a discarded warm-up trial; tier ${record.settings.tier}, profile ${record.dataset.profile}; ` +
      `Hodges–Lehmann estimates, exact Wilcoxon signed-rank bounds and p-values, Holm over ${r.family} gated comparisons at alpha ${r.alpha}; wall time ${wallText(record.wallSeconds)}`,
    '',
    ...verdictTable(record),
    '',
    ...detectable(record),
    '',
    '**Load**',
    ...loads(record),
    '',
    ...(record.notes.length || r.notes.length ? ['**Notes**', ...[...record.notes, ...r.notes].map((n) => `- ${escapeMd(n)}`), ''] : []),
    ...(record.checksFailed.length ? ['**Failed checks**', ...record.checksFailed.slice(0, 20).map((c) => `- ${escapeMd(c)}`), ''] : []),
  ];
  const pairs = r.ratios
    .filter((m) => m.gated)
    .map((m) => {
      const values = pairedValues(record, m.scenario, m.metric);
      const unit = m.metric === 'throughput' ? 'req/s' : 'ms';
      const f = (v: number | null) => (v === null ? 'n/a' : m.metric === 'throughput' ? String(Math.round(v)) : (v / 1000).toFixed(2));
      const changes = m.stats?.lnRatios.map((x) => formatPercent((Math.exp(x) - 1) * 100)) ?? [];
      return `- ${escapeMd(m.scenario)} ${m.metric} (${unit}, A → B per pair): ${values.map((v, i) => `${f(v.a)}→${f(v.b)} (${changes[i] ?? 'n/a'})`).join(', ')}`;
    });
  const tail = ['Full figures: gate.json; the paired values drawn: gate.html.'];
  const withTrials = [...head, '<details><summary>Paired values</summary>', '', ...pairs, '', '</details>', '', '<details><summary>Trials</summary>', '', ...trialsTable(record), '', '</details>', '', ...tail].join('\n') + '\n';
  if (Buffer.byteLength(withTrials) <= MARKDOWN_LIMIT) return withTrials;
  const withPairs = [...head, '<details><summary>Paired values</summary>', '', ...pairs, '', '</details>', '', '_The per-trial table was left out to stay under 64 KiB: see gate.json._', '', ...tail].join('\n') + '\n';
  if (Buffer.byteLength(withPairs) <= MARKDOWN_LIMIT) return withPairs;
  const bare = [...head, '_Paired values and trials were left out to stay under 64 KiB: see gate.json._', '', ...tail].join('\n') + '\n';
  return Buffer.byteLength(bare) <= MARKDOWN_LIMIT ? bare : bare.slice(0, MARKDOWN_LIMIT - 200) + '\n\n_(cut at 64 KiB: see gate.json)_\n';
}
