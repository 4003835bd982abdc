/** compare.md: the runs, how to read the intervals, and per candidate its table of differences. */
import { escapeMd as e, fmtInt } from '../format.ts';
import { gitText } from '../html/provenance.ts';
import type { Comparison, PairComparison } from './model.ts';
import { calledChanges, diffText, methodText } from './text.ts';

function mdTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head.map(e)), line(head.map(() => '---')), ...rows.map((r) => line(r.map(e)))].join('\n');
}

export function runsTable(c: Comparison): string {
  const runs = [c.baseline, ...c.pairs.map((p) => p.candidate)];
  return mdTable(
    ['run', 'id', 'started', 'git', 'trials', 'results file'],
    runs.map((r) => [r.label, r.results.run.id, r.results.run.startedAt, gitText(r.results.run), String(r.results.trials.length), r.path]),
  );
}

function pairSection(c: Comparison, p: PairComparison): string {
  const out = [`## ${e(p.candidate.label)} against ${e(c.baseline.label)}`];
  if (p.notes.length) out.push(p.notes.map((n) => `- ⚠ ${e(n)}`).join('\n'));
  const called = calledChanges(p);
  out.push(called.length ? `**Changed beyond the noise of repeated windows (${called.length}):**\n\n${called.map((l) => `- ${e(l)}`).join('\n')}` : '**No figure changed beyond the noise of repeated windows.**');
  if (p.sweeps.length) {
    out.push('### Maximum sustainable throughput', mdTable(['tier', 'scenario', 'max sustainable req/s'], p.sweeps.map((s) => [s.tier, s.scenario, diffText(s.maxSustainable)])));
  }
  if (p.rows.length) {
    const metrics = p.rows[0]!.metrics.map((m) => m.metric);
    out.push(
      '### Per tier, scenario and operation',
      'Latency of all requests from their intended send time; windows: trials of that tier × scenario in each run.',
      mdTable(['tier', 'scenario', 'operation', 'windows', ...metrics], p.rows.map((r) => [r.tier, r.scenario, r.operation, `${r.windows.a} / ${r.windows.b}`, ...r.metrics.map(diffText)])),
    );
  } else out.push('No tier × scenario ran in both runs.');
  const steps = p.sweeps.flatMap((s) => s.perRate.map((r) => [s.tier, s.scenario, fmtInt(r.rate), diffText(r.p99), diffText(r.achieved)]));
  if (steps.length) out.push('### Sweep steps at offered rates both ran', mdTable(['tier', 'scenario', 'offered req/s', 'p99', 'achieved req/s'], steps));
  if (p.onlyBaseline.length) out.push(`Only in ${e(c.baseline.label)}: ${p.onlyBaseline.map(e).join(', ')}.`);
  if (p.onlyCandidate.length) out.push(`Only in ${e(p.candidate.label)}: ${p.onlyCandidate.map(e).join(', ')}.`);
  return out.join('\n\n');
}

export function renderCompareMarkdown(c: Comparison): string {
  return [
    '# tierbench comparison',
    runsTable(c),
    '## How to read it',
    e(methodText(c)),
    ...c.pairs.map((p) => pairSection(c, p)),
    '---\nEvery figure comes from the results files listed above. Charts are in compare.html.',
  ].join('\n\n') + '\n';
}
