/**
 * The README's screenshots: docs/report.png (a report's headline, then one scenario's charts) and
 * docs/compare.png (a comparison of two runs). Run with `npm run docs:screenshots`; by default from
 * the fixtures, from real runs with TIERBENCH_REPORT=reports/<run>/index.html and
 * TIERBENCH_COMPARE=reports/<a>,reports/<b> (TIERBENCH_SCENARIO names the scenario shown, default
 * photo-reads; TIERBENCH_TIER the compare's tier, default sharded).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCanvas, Image } from '@napi-rs/canvas';
import { chromium, type Page } from 'playwright-core';
import { writeComparison } from '../../harness/report/compare/write.ts';
import type { ResultsFile } from '../../harness/results/types.ts';
import { writeReport } from '../../harness/report/write.ts';
import { which } from '../../harness/stack/system-packages.ts';
import { buildCompareRun } from '../fixtures/compare-fixture.ts';
import { buildThreeTierFixture } from '../fixtures/three-tier-fixture.ts';

const WIDTH = 1100;

/** A slice of the page from an element's top, `height` pixels or up to another element, as PNG bytes. */
async function slice(page: Page, selector: string, height: number | string): Promise<Buffer> {
  const top = (await (await page.$(selector))!.boundingBox())!.y - 8;
  const end = typeof height === 'number' ? top + height : (await (await page.$(height))!.boundingBox())!.y - 8;
  return page.screenshot({ fullPage: true, clip: { x: 0, y: top, width: WIDTH, height: end - top } });
}

/** Slices stacked into one PNG, scaled to `scale`. */
function stack(parts: Buffer[], scale: number): Buffer {
  const images = parts.map((p) => Object.assign(new Image(), { src: p }));
  const height = images.reduce((a, i) => a + i.height, 0);
  const canvas = createCanvas(Math.round(WIDTH * scale), Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  let y = 0;
  for (const img of images) {
    ctx.drawImage(img, 0, y, img.width * scale, img.height * scale);
    y += img.height * scale;
  }
  return canvas.toBuffer('image/png');
}

async function shoot(html: string, slices: Array<[string, number | string]>, out: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: which('chromium') ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: WIDTH, height: 900 } })).newPage();
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    const parts = [];
    for (const [selector, height] of slices) parts.push(await slice(page, selector, height));
    const png = stack(parts, 0.72);
    writeFileSync(out, png);
    console.log(`${out}: ${Math.round(png.length / 1024)} KiB`);
  } finally {
    await browser.close();
  }
}

const docs = resolve(import.meta.dirname, '../../docs');
const tmp = mkdtempSync(join(tmpdir(), 'tierbench-shots-'));
try {
  const report = process.env.TIERBENCH_REPORT ?? (await writeReport(buildThreeTierFixture(), join(tmp, 'report'))).html;
  const scenario = process.env.TIERBENCH_SCENARIO ?? 'photo-reads';
  const tier = process.env.TIERBENCH_TIER ?? 'sharded';
  await shoot(report, [['header', '#headline'], ['#headline', 640], [`#scenario-${scenario}`, 420]], join(docs, 'report.png'));
  const real = process.env.TIERBENCH_COMPARE?.split(',');
  const runs = real
    ? real.map((dir, i) => ({ label: i === 0 ? 'A' : 'B', path: join(dir, 'results.json'), results: JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsFile }))
    : [
        { label: 'A', path: 'baseline/results.json', results: buildCompareRun({ seedOffset: 0, runId: '20250603-090000-baseline' }) },
        { label: 'B', path: 'candidate/results.json', results: buildCompareRun({ seedOffset: 2, runId: '20250603-093000-candidate', slower: { tier: 'sharded', factor: 1.5 } }) },
      ];
  const compare = await writeComparison(runs, join(tmp, 'compare'));
  await shoot(compare.html, [['header', '#method'], ['#pair-B', 900], [`#compare-${tier}-${scenario}`, 480]], join(docs, 'compare.png'));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
