/**
 * Reports opened in headless Chromium from file:// URLs (offline): every chart decodes and is drawn
 * (the page itself decodes each image into a canvas and counts colours), nothing is fetched, no
 * console error, and the 18-trial report stays under 5 MB.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFigures, reportFigures } from '../../harness/report/charts/report-figures.ts';
import { writeComparison } from '../../harness/report/compare/write.ts';
import { writeReport, type ReportPaths } from '../../harness/report/write.ts';
import { buildCompareRun } from '../fixtures/compare-fixture.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';
import { buildThreeTierFixture } from '../fixtures/three-tier-fixture.ts';
import { expectCleanReport, isDrawn, openReport } from '../helpers/browser.ts';

const FIVE_MB = 5 * 1024 * 1024;

describe('report in a real browser', () => {
  let dir = '';
  let paths: ReportPaths;
  const results = buildThreeTierFixture();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tierbench-report-'));
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
    paths = await writeReport(results, dir);
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renders 18 trials of three tiers into one page under 5 MB', () => {
    expect(results.trials).toHaveLength(18);
    expect(new Set(results.trials.map((t) => t.tier))).toEqual(new Set(['cache', 'replicas', 'sharded']));
    const size = statSync(paths.html).size;
    expect(size).toBeLessThan(FIVE_MB);
    expect(existsSync(paths.markdown)).toBe(true);
    expect(paths.exports.some((p) => p.endsWith('.hgrm'))).toBe(true);
  });

  it('loads offline: every chart present and drawn, no console error, no request, and a screenshot', async () => {
    const shot = join(dir, 'screenshot.png');
    const seen = await openReport(paths.html, shot);
    expectCleanReport(seen, expect);
    expect(seen.images).toHaveLength(allFigures(reportFigures(results)).length);
    expect(seen.title).toContain(results.run.id);
    expect(seen.bodyText).toContain('Which tier, and why');
    for (const s of results.headline!.sentences) expect(seen.bodyText).toContain(s);
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  }, 120_000);

  it('notices a blank chart and a broken one (the checks can fail)', async () => {
    const blank = createCanvas(960, 340);
    const ctx = blank.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, 960, 340);
    const blankUri = `data:image/webp;base64,${blank.toBuffer('image/webp', 70).toString('base64')}`;
    let html = readFileSync(paths.html, 'utf8');
    const uris = html.match(/data:image\/webp;base64,[A-Za-z0-9+/=]+/g)!;
    html = html.replace(uris[0]!, blankUri).replace(uris[1]!, 'data:image/webp;base64,AAAA');
    const tampered = join(dir, 'tampered.html');
    writeFileSync(tampered, html);
    const seen = await openReport(tampered);
    expect(isDrawn(seen.images[0]!)).toBe(false);
    expect(seen.images[1]!.naturalWidth).toBe(0);
    expect(seen.images.slice(2).every(isDrawn)).toBe(true);
  }, 120_000);

  it('opens a comparison the same way: charts drawn, offline, no console error', async () => {
    const runs = [
      { label: 'A', path: join(dir, 'a.json'), results: buildCompareRun({ seedOffset: 0, runId: 'a' }) },
      { label: 'B', path: join(dir, 'b.json'), results: buildCompareRun({ seedOffset: 2, runId: 'b', slower: { tier: 'sharded', factor: 1.5 } }) },
    ];
    const compare = await writeComparison(runs, join(dir, 'compare'));
    const seen = await openReport(compare.html, join(dir, 'compare.png'));
    expectCleanReport(seen, expect);
    expect(seen.bodyText).toContain('Changed beyond the noise of repeated windows');
  }, 120_000);

  it('shows text from the results file as text', async () => {
    const small = buildResultsFixture({ command: 'bench run --note "<script>alert(1)</script>"' });
    const p = await writeReport(small, join(dir, 'small'));
    const seen = await openReport(p.html);
    expectCleanReport(seen, expect);
    expect(seen.bodyText).toContain('UNCONSTRAINED');
    expect(seen.bodyText).toContain('<script>alert(1)</script>');
  }, 120_000);
});
