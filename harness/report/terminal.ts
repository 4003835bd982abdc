/**
 * The compact fixed-width summary the CLI prints after a run: one row per trial x operation
 * (latency: all requests, from the intended send time), then the generator's own evidence per
 * trial, what the app did not answer in time, failed checks and an unconstrained capacity model.
 * Plain ASCII layout, no colours (the caller may add them).
 */
import type { ResultsFile } from '../results/types.ts';
import { fmtMs, fmtNum, fmtPct } from './format.ts';
import { cacheRecoverySentence, faultSentence } from './faults-text.ts';
import { summarizeResults } from './summary.ts';
import { verdicts } from './verdict.ts';

/** Strip control characters (including ESC) so results text cannot drive the terminal. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

interface Col {
  head: string;
  right: boolean;
}

const COLUMNS: Col[] = [
  { head: 'tier', right: false },
  { head: 'scenario', right: false },
  { head: 'op', right: false },
  { head: 'rate tgt/got', right: true },
  { head: 'ok', right: true },
  { head: 'err', right: true },
  { head: 't/o', right: true },
  { head: 'dropped', right: true },
  { head: 'p50 ms', right: true },
  { head: 'p99 ms', right: true },
  { head: 'p99.9 ms', right: true },
  { head: 'max ms', right: true },
  { head: 'hit', right: true },
];

function pad(text: string, width: number, right: boolean): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** Render the terminal summary table (ends with a newline). */
export function renderTerminalSummary(results: ResultsFile): string {
  const summaries = summarizeResults(results);
  const rows: string[][] = [];
  for (const s of summaries) {
    const t = s.trial;
    const rate = `${fmtNum(t.generator.targetRate, 1)}/${fmtNum(t.generator.achievedRate, 1)}`;
    const hit = t.backends.memcached.hitRate === null ? '-' : fmtPct(t.backends.memcached.hitRate);
    if (s.operations.length === 0) {
      rows.push([t.tier, t.scenario, '(none)', rate, '0', '0', '0', '0', '-', '-', '-', '-', hit].map(clean));
      continue;
    }
    for (const o of s.operations) {
      const ms = (us: number | null) => (us === null ? '-' : fmtMs(us));
      rows.push(
        [
          t.tier,
          t.scenario,
          o.operation,
          rate,
          String(o.counts.ok),
          String(o.counts.errors),
          String(o.counts.timeouts),
          String(o.counts.dropped),
          ms(o.p50Us),
          ms(o.p99Us),
          ms(o.p999Us),
          ms(o.maxUs),
          hit,
        ].map(clean),
      );
    }
  }
  const widths = COLUMNS.map((c, i) => Math.max(c.head.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => pad(cell, widths[i] ?? cell.length, COLUMNS[i]?.right ?? false))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  out.push(line(COLUMNS.map((c) => c.head)));
  out.push(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) out.push(line(r));
  if (rows.length === 0) out.push('(no trials)');

  const notes: string[] = [];
  if (!results.environment.capacityModel.applied) {
    notes.push(`! capacity model not applied: nodes are UNCONSTRAINED (${clean(results.environment.capacityModel.description)})`);
  }
  for (const s of summaries) {
    const label = clean(`trial ${s.index + 1} (${s.trial.tier}/${s.trial.scenario})`);
    const g = s.trial.generator;
    const lat = g.sendLateness.percentilesUs;
    notes.push(`  ${label}: generator ${g.limited ? 'LIMITED' : 'kept its schedule'}: send lateness p50 ${fmtMs(lat.p50)} ms, p99 ${fmtMs(lat.p99)} ms, max ${fmtMs(g.sendLateness.maxUs)} ms; ${g.workers} worker${g.workers === 1 ? '' : 's'}`);
    if (g.limited) {
      const why = g.limitReasons.map(clean).join('; ') || 'no reason given';
      notes.push(`! ${label}: the load generator could not keep its schedule (${why}): these figures may show its limits, not the app's`);
    }
    const c = s.all?.counts;
    if (c && (c.dropped > 0 || c.timeouts > 0 || c.errors > 0)) {
      const parts = [
        c.dropped > 0 && `${c.dropped} dropped (maxInFlight requests outstanding: the app did not keep up)`,
        c.timeouts > 0 && `${c.timeouts} timed out`,
        c.errors > 0 && `${c.errors} errors (${Object.entries(c.errorsByClass).map(([k, n]) => `${k} ${n}`).join(', ')})`,
      ].filter(Boolean);
      notes.push(`! ${label}: the app: ${parts.join('; ')}; all counted in the latency percentiles`);
    }
    for (const f of s.trial.faults ?? []) notes.push(`  ${label}: fault ${clean(faultSentence(f))}`);
    if (s.trial.cacheRecovery) notes.push(`  ${label}: cache flush: ${clean(cacheRecoverySentence(s.trial.cacheRecovery))}`);
    for (const ch of s.trial.checks.filter((ch) => !ch.ok)) {
      notes.push(`x ${label}: check ${clean(ch.name)} FAILED: ${clean(ch.detail)}`);
    }
  }
  if (notes.length > 0) out.push('', ...notes);
  const which = verdicts(results).scenarios.flatMap((v) => v.sentences);
  if (which.length > 0) out.push('', 'Which tier:', ...which.map((line) => `  ${clean(line)}`));
  return out.join('\n') + '\n';
}
