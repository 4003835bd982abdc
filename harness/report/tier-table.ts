/**
 * The run at a glance on the terminal: one row per tier, a column group per scenario (achieved
 * rate, all-requests p50/p99/p99.9, errors, cache hit rate, checks). Plain fixed-width text.
 */
import type { ResultsFile, Trial } from '../results/types.ts';
import { fmtMs, fmtNum, fmtPct } from './format.ts';
import { summarizeTrial } from './summary.ts';

const GROUP = ['req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'err', 'hit', 'checks'] as const;

function cells(trial: Trial | undefined): string[] {
  if (!trial) return GROUP.map(() => '-');
  const s = summarizeTrial(trial, 0);
  const c = s.all?.counts;
  const failed = (c?.errors ?? 0) + (c?.timeouts ?? 0) + (c?.dropped ?? 0);
  return [
    fmtNum(trial.generator.achievedRate, 0),
    fmtMs(s.all?.p50Us ?? null),
    fmtMs(s.all?.p99Us ?? null),
    fmtMs(s.all?.p999Us ?? null),
    String(failed),
    trial.backends.memcached.hitRate === null ? '-' : fmtPct(trial.backends.memcached.hitRate),
    s.checksFailed === 0 ? 'ok' : `${s.checksFailed} FAILED`,
  ];
}

/** Rows of tiers by column groups of scenarios, in the order the run met them. */
export function renderTierTable(results: ResultsFile): string {
  const tiers = [...new Set(results.trials.map((t) => t.tier))];
  const scenarios = [...new Set(results.trials.map((t) => t.scenario))];
  const find = (tier: string, scenario: string) => results.trials.find((t) => t.tier === tier && t.scenario === scenario);
  const head = ['', ...scenarios.flatMap(() => GROUP)];
  const rows = tiers.map((tier) => [tier, ...scenarios.flatMap((sc) => cells(find(tier, sc)))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const groupWidth = (g: number) => GROUP.reduce((w, _, k) => w + widths[1 + g * GROUP.length + k]! + 2, -2);
  const title = ['tier'.padEnd(widths[0]!), ...scenarios.map((sc, g) => sc.slice(0, groupWidth(g)).padEnd(groupWidth(g)))].join('  |  ');
  const line = (r: string[]) =>
    [r[0]!.padEnd(widths[0]!), ...scenarios.map((_, g) => GROUP.map((__, k) => (r[1 + g * GROUP.length + k] ?? '').padStart(widths[1 + g * GROUP.length + k]!)).join('  '))].join('  |  ');
  const out = [title, line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  return out.map((l) => l.trimEnd()).join('\n') + '\n' + 'latency: all requests, from the intended send time; err: errors + timeouts + dropped\n';
}
