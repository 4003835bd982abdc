/** The gate's figures as words, shared by gate.md and gate.html (rendered from gate.json alone). */
import type { CountMetricReport, RatioMetricReport } from '../../gate/gate.ts';
import { formatPercent, ratioMetric } from '../../gate/metrics.ts';
import type { MetricVerdict } from '../../gate/verdict.ts';
import type { GateRecord } from '../../run/gate/runner.ts';
import { sustainableText } from '../../results/headline.ts';

export const VERDICT_MARK: Record<MetricVerdict, string> = { PASS: '✓ PASS', FAIL: '✗ FAIL', INCONCLUSIVE: '? INCONCLUSIVE', INVALID: '✗ INVALID', REPORTED: 'reported' };

export const fmtP = (p: number | null): string => (p === null ? '' : p < 0.0001 ? p.toExponential(1) : p.toPrecision(2));

export function thresholdText(r: RatioMetricReport): string {
  return r.thresholdPct === null ? 'not gated' : formatPercent(r.thresholdPct);
}

export function estimateText(r: RatioMetricReport): string {
  return r.stats ? formatPercent(r.stats.estimatePct) : 'n/a';
}

export function intervalText(r: RatioMetricReport): string {
  if (!r.stats) return r.problems.join('; ');
  const [lo, hi] = r.stats.intervalPct;
  return `[${lo === null ? '-∞' : formatPercent(lo)}, ${hi === null ? '+∞' : formatPercent(hi)}]`;
}

export function pText(r: RatioMetricReport): string {
  if (!r.stats) return '';
  return r.adjustedP === null ? fmtP(r.stats.pValue) : `${fmtP(r.stats.pValue)} (${fmtP(r.adjustedP)})`;
}

export function detectableText(r: RatioMetricReport): string {
  if (!r.stats) return 'n/a';
  return r.stats.detectablePct === null ? 'none with this few pairs' : formatPercent(r.stats.detectablePct);
}

/** What a ratio metric is, for people: "p50 latency (open model)". */
export function metricLabel(name: string): string {
  if (name === 'throughput') return 'throughput (closed loop)';
  return `${name} latency`;
}

export function countText(c: CountMetricReport): string {
  return c.baseline === null || c.candidate === null ? c.problems.join('; ') : `${c.baseline} → ${c.candidate}`;
}

export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 12) : 'n/a';
}

export function versionText(v: GateRecord['versions']['baseline']): string {
  const dirty = v.dirty === true ? ' + uncommitted changes' : '';
  const src = v.kind === 'git-ref' ? `git ${v.spec}` : `directory ${v.spec}`;
  return `${src} @ ${shortSha(v.sha)}${dirty}${v.defaulted ? ` (default: ${v.defaulted})` : ''}`;
}

/** "6 ABBA blocks, 2 of them added within the 600 s budget" (blocks beyond the config's came from --budget). */
export function blocksText(record: GateRecord): string {
  const added = record.plan.orders.length - record.config.abbaBlocks;
  return `${record.plan.orders.length} ABBA blocks${added > 0 ? `, ${added} of them added within the ${record.settings.budgetSec} s budget` : ''}`;
}

export function capacityText(cap: GateRecord['loads'][number]['capacity']): string {
  return cap ? sustainableText(cap) : 'not measured';
}

export function wallText(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return m ? `${m} min ${s} s` : `${s} s`;
}

/** The per-pair values of a ratio metric in the A and B trials, in run order (for figures and tables). */
export function pairedValues(record: GateRecord, scenario: string, metricName: string): Array<{ pair: number; block: number; a: number | null; b: number | null }> {
  const key = ratioMetric(metricName)?.key;
  if (!key) return [];
  const get = (block: number, slot: string) => record.trials.find((t) => t.block === block && t.slot === slot)?.scenarios[scenario]?.gated[key] ?? null;
  return record.plan.orders.flatMap((_, block) => [
    { pair: 2 * block + 1, block: block + 1, a: get(block, 'a1'), b: get(block, 'b1') },
    { pair: 2 * block + 2, block: block + 1, a: get(block, 'a2'), b: get(block, 'b2') },
  ]);
}

/** One sentence of the verdict for people. */
export function verdictSentence(record: GateRecord): string {
  const r = record.report;
  const failedRatios = r.ratios.filter((x) => x.verdict === 'FAIL').map((x) => `${x.scenario} ${x.metric}`);
  const failedCounts = r.counts.filter((x) => x.verdict === 'FAIL').map((x) => `${x.scenario} ${x.metric} ${x.baseline} → ${x.candidate} (${x.rule})`);
  const failedAbsolute = r.absolute.filter((x) => x.verdict === 'FAIL').map((x) => `${x.scenario} absolute thresholds`);
  const invalid = [...r.ratios, ...r.counts].filter((x) => x.verdict === 'INVALID').map((x) => `${x.scenario} ${x.metric}`);
  const checks = record.checksFailed.length ? ` ${record.checksFailed.length} after-trial check(s) failed, so the gate exits 99.` : '';
  switch (r.verdict) {
    case 'FAIL':
      return (
        'The candidate is worse: ' +
        [
          failedRatios.length ? `${failedRatios.join(', ')} worsened beyond the threshold, significantly after Holm's correction` : '',
          failedCounts.length ? `more failed requests in B's trials than in A's: ${failedCounts.join(', ')}` : '',
          failedAbsolute.length ? `${failedAbsolute.join(', ')} did not hold` : '',
        ]
          .filter(Boolean)
          .join('; ') +
        `.${checks}`
      );
    case 'INVALID':
      return `The data cannot support a verdict (${invalid.join(', ')}): the gate fails closed.${checks}`;
    case 'INCONCLUSIVE':
      return `No regression was established, but the data do not rule out one as large as a threshold for every metric (see the smallest detectable change).${checks}`;
    default:
      return `No regression: every gated metric's worse end is within its threshold.${checks}`;
  }
}
