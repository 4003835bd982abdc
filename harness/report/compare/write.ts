/** The thin I/O shell of `bench compare`: compare, render, write compare.html and compare.md. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderFigures } from '../charts/figure.ts';
import { hrefFrom } from '../write.ts';
import { compareFigures } from './figures.ts';
import { renderCompareHtml } from './html.ts';
import { renderCompareMarkdown } from './markdown.ts';
import { compareRuns, type Comparison, type RunRef } from './model.ts';

export interface ComparePaths {
  html: string;
  markdown: string;
  comparison: Comparison;
}

export async function writeComparison(runs: readonly RunRef[], dir: string, level = 0.95): Promise<ComparePaths> {
  const outDir = resolve(dir);
  const comparison = compareRuns(runs, level);
  const groups = compareFigures(comparison);
  const images = renderFigures(groups.flatMap((g) => g.figures));
  const hrefs = new Map(runs.map((r) => [r, hrefFrom(outDir, resolve(r.path))]));
  await mkdir(outDir, { recursive: true });
  const paths = { html: join(outDir, 'compare.html'), markdown: join(outDir, 'compare.md'), comparison };
  await writeFile(paths.html, renderCompareHtml(comparison, groups, images, hrefs), 'utf8');
  await writeFile(paths.markdown, renderCompareMarkdown(comparison), 'utf8');
  return paths;
}
