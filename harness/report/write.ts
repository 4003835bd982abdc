/**
 * The thin I/O shell of the report: render charts and strings with the pure functions, then
 * write index.html and summary.md into a folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ResultsFile } from '../results/types.ts';
import { renderReportCharts } from './charts.ts';
import { renderHtml } from './html.ts';
import { renderSummaryMarkdown } from './summary-md.ts';

export interface ReportPaths {
  /** Absolute path of index.html. */
  html: string;
  /** Absolute path of summary.md. */
  markdown: string;
}

/** Render the report for `results` and write index.html and summary.md into `dir` (created if missing). */
export async function writeReport(results: ResultsFile, dir: string): Promise<ReportPaths> {
  const charts = renderReportCharts(results);
  const html = renderHtml(results, charts);
  const markdown = renderSummaryMarkdown(results);
  const outDir = resolve(dir);
  await mkdir(outDir, { recursive: true });
  const paths: ReportPaths = { html: join(outDir, 'index.html'), markdown: join(outDir, 'summary.md') };
  await writeFile(paths.html, html, 'utf8');
  await writeFile(paths.markdown, markdown, 'utf8');
  return paths;
}
