import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../harness/cli/cli.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'tierbench-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const V1 = new URL('../fixtures/results-v1.json', import.meta.url).pathname;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t) };
  return { code: await runCli(args, io), out, err };
}

describe('bench report', () => {
  it('re-renders index.html, summary.md and the exports beside results.json, from the file alone', async () => {
    const run = join(dir, 'run');
    mkdirSync(run);
    const fixture = buildResultsFixture();
    writeFileSync(join(run, 'results.json'), JSON.stringify({ ...fixture, trials: fixture.trials.slice(0, 1) }));
    const { code, out, err } = await cli('report', run);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/report: .*index\.html/);
    for (const f of ['index.html', 'summary.md', 'timeseries.csv', 'postgres-nodes.csv']) expect(existsSync(join(run, f)), f).toBe(true);
    expect(readdirSync(join(run, 'hgrm'))).toContain('t01-cache-feed-heavy.feed.read.all.hgrm');
    expect(readFileSync(join(run, 'index.html'), 'utf8')).toContain('<a href="results.json">');
  });

  it('reads a version 1 file through the upgrade, writes where --out says and links back to the file', async () => {
    const out = join(dir, 'v1-report');
    const { code, out: text } = await cli('report', V1, '--out', out);
    expect(code).toBe(0);
    expect(text).toContain('read a schema version 1 file');
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('Read from a schema version 1 file');
    expect(html).toMatch(/<a href="(\.\.\/)+[^"]*test\/fixtures\/results-v1\.json">/);
  });

  it('refuses what is not a results file with one line saying what is accepted (exit 2)', async () => {
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    writeFileSync(join(dir, 'future.json'), JSON.stringify({ schemaVersion: 7 }));
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ schemaVersion: 2, hello: 'world' }));
    mkdirSync(join(dir, 'empty'));
    const cases: Array<[string[], RegExp]> = [
      [['report', join(dir, 'nope')], /no such file or folder; accepted: a results\.json/],
      [['report', join(dir, 'empty')], /a folder without a results\.json; accepted:/],
      [['report', join(dir, 'bad.json')], /is not valid JSON .*; accepted:/],
      [['report', join(dir, 'future.json')], /schemaVersion 7; accepted: 1, 2/],
      [['report', join(dir, 'other.json')], /is not a tierbench results file \(missing run\.id, environment, dataset, trials\)/],
      [['report'], /Not enough non-option arguments/],
    ];
    for (const [args, message] of cases) {
      const { code, err } = await cli(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(message);
      expect(err).not.toMatch(/\n\s+at /);
    }
  });
});
