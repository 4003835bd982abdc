import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../harness/cli/cli.ts';
import { mannWhitneyCounts, shiftInterval } from '../../harness/report/compare/interval.ts';
import { compareRuns, type Comparison, type DiffRow } from '../../harness/report/compare/model.ts';
import { comparabilityNotes } from '../../harness/report/compare/notes.ts';
import { renderCompareMarkdown } from '../../harness/report/compare/markdown.ts';
import { verdictText } from '../../harness/report/compare/text.ts';
import { buildCompareRun } from '../fixtures/compare-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'tierbench-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Three runs of the same two tiers, each trial repeated four times: A, A' (same, other noise) and
// B, whose sharded tier is 1.5× slower (service times) with a third less capacity (sweep).
const A = buildCompareRun({ seedOffset: 0, runId: 'run-a' });
const A2 = buildCompareRun({ seedOffset: 1, runId: 'run-a-again' });
const B = buildCompareRun({ seedOffset: 2, runId: 'run-b', slower: { tier: 'sharded', factor: 1.5 } });

function save(name: string, results: unknown): string {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'results.json'), JSON.stringify(results));
  return join(dir, name);
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t) };
  return { code: await runCli(args, io), out, err };
}

const runs = (b: typeof A): Comparison => compareRuns([{ label: 'A', path: 'a', results: A }, { label: 'B', path: 'b', results: b }]);
const row = (c: Comparison, tier: string, operation: string): DiffRow => c.pairs[0]!.rows.find((r) => r.tier === tier && r.operation === operation)!;
const metric = (r: DiffRow, name: string) => r.metrics.find((m) => m.metric === name)!;

describe('intervals over repeated windows', () => {
  it('uses the exact Mann-Whitney distribution', () => {
    expect(mannWhitneyCounts(2, 2)).toEqual([1, 1, 2, 1, 1]);
    expect(mannWhitneyCounts(5, 5).reduce((a, b) => a + b, 0)).toBe(252);
  });

  it('gives the Hodges-Lehmann shift with order-statistic bounds, and the confidence few windows allow', () => {
    expect(shiftInterval([1, 2, 3, 4, 5], [11, 12, 13, 14, 15], 'linear')).toMatchObject({ estimate: 10, low: 7, high: 13 });
    expect(shiftInterval([1, 2, 3, 4, 5], [11, 12, 13, 14, 15], 'linear')!.level).toBeCloseTo(1 - 2 * (4 / 252), 6);
    expect(shiftInterval([1, 2, 3, 4], [1, 2, 3, 4], 'log')!.level).toBeCloseTo(1 - 2 / 70, 6);
    expect(shiftInterval([1, 2, 3], [4, 5, 6], 'linear')!.level).toBeCloseTo(0.9, 6);
    expect(shiftInterval([1, 2], [3, 4], 'linear')!.level).toBeCloseTo(2 / 3, 6);
    expect(shiftInterval([1], [2, 3], 'linear')).toBeNull();
  });
});

describe('compare model', () => {
  it('shows the injected difference, with an interval that excludes no change', () => {
    const c = runs(B);
    const p99 = metric(row(c, 'sharded', 'all operations'), 'p99');
    expect(p99.change!).toBeGreaterThan(0.3);
    expect(p99.change!).toBeLessThan(1);
    expect(p99.interval!.low).toBeGreaterThan(0);
    expect(p99.interval!.level).toBeGreaterThan(0.95);
    expect(p99.verdict).toBe('change');
    expect(verdictText(p99)).toBe('worse');
    expect(metric(row(c, 'sharded', 'getPhoto'), 'p50').verdict).toBe('change');
    // The tier left alone does not change.
    for (const m of row(c, 'cache', 'all operations').metrics) expect(m.verdict, m.metric).toBe('no change');
    // Its sweep found a lower maximum, outside both sweeps' intervals.
    const sweep = c.pairs[0]!.sweeps.find((s) => s.tier === 'sharded')!;
    expect(sweep.maxSustainable.verdict).toBe('change');
    expect(sweep.maxSustainable.interval!.high).toBeLessThan(0);
  });

  it('calls no change anywhere in an A/A comparison', () => {
    const c = runs(A2);
    const called = c.pairs[0]!.rows.flatMap((r) => r.metrics.filter((m) => m.verdict === 'change').map((m) => `${r.tier} ${r.operation} ${m.metric}`));
    expect(called).toEqual([]);
    expect(c.pairs[0]!.rows.every((r) => r.metrics.every((m) => m.interval !== null))).toBe(true);
    expect(c.pairs[0]!.sweeps.every((s) => s.maxSustainable.verdict === 'no change')).toBe(true);
  });

  it('does not call a change from single windows', () => {
    const one = { ...A, trials: A.trials.filter((_, i) => i % 4 === 0) };
    const c = compareRuns([{ label: 'A', path: 'a', results: one }, { label: 'B', path: 'b', results: { ...B, trials: B.trials.filter((_, i) => i % 4 === 0) } }]);
    const p99 = metric(row(c, 'sharded', 'all operations'), 'p99');
    expect(p99.change!).toBeGreaterThan(0.2);
    expect(p99.verdict).toBe('single window');
  });
});

describe('bench compare', () => {
  const a = save('a', A);
  const a2 = save('a2', A2);
  const b = save('b', B);

  it('writes compare.html and compare.md with the difference and its interval', async () => {
    const out = join(dir, 'out-ab');
    const { code, out: text, err } = await cli('compare', a, b, '--out', out);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(text).toMatch(/^A: run-a .* baseline$/m);
    const md = readFileSync(join(out, 'compare.md'), 'utf8');
    const line = md.split('\n').find((l) => l.startsWith('| sharded | photo-reads | all operations |'))!;
    // Markdown escapes the brackets of the interval.
    expect(line).toMatch(/\| 2\.\d+ ms → 4\.\d+ ms, \+\d+(\.\d)?% \\\[\+\d+(\.\d)?%, \+\d+(\.\d)?%\\\] \(97%, 4 vs 4 windows\) worse \|/);
    expect(md).toContain('Hodges–Lehmann');
    const html = readFileSync(join(out, 'compare.html'), 'utf8');
    expect(html).toContain('✗ worse');
    expect(html.match(/<img /g)?.length).toBeGreaterThanOrEqual(8);
    expect(html).toContain('<a href="../a/results.json">');
  });

  it('says "no change" for an A/A pair', () => {
    // The model and its Markdown; the command's files and charts are the test above.
    const md = renderCompareMarkdown(compareRuns([{ label: 'A', path: a, results: A }, { label: 'B', path: a2, results: A2 }]));
    expect(md).toContain('**No figure changed beyond the noise of repeated windows.**');
    expect(md).not.toMatch(/\b(worse|better)\b/);
    expect(md).toContain('no change (within noise)');
  });

  it('refuses bad input with one line saying what is accepted (exit 2)', async () => {
    for (const args of [['compare', a], ['compare', a, join(dir, 'missing')], ['compare', a, b, '--level', '1.5']]) {
      const { code, err } = await cli(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).not.toMatch(/\n\s+at /);
    }
  });
});

describe('busy-machine note', () => {
  const run = (label: string, start: number, end: number) => {
    const results = buildCompareRun({ seedOffset: 0, runId: `r-${label}` });
    return { label, path: `${label}/results.json`, results: { ...results, run: { ...results.run, loadAverage: { start, end } }, environment: { ...results.environment, cores: 2 } } };
  };

  it('judges the machine by its load before the run: the run\'s own load at its end is no warning', () => {
    expect(comparabilityNotes(run('A', 0.9, 3.6), run('B', 0.5, 4.1)).filter((n) => n.includes('busy'))).toEqual([]);
    expect(comparabilityNotes(run('A', 0.9, 3.6), run('B', 5.2, 6.0)).filter((n) => n.includes('busy'))).toEqual([
      'run B started on a busy machine (1-minute load 5.20 on 2 cores before it began, 6.00 at its end): its figures are noisier',
    ]);
  });
});
