/**
 * The thin I/O shell of the report: render charts and strings with the pure functions, then
 * write index.html, summary.md and the exports (.hgrm per operation, per-second CSVs) into a folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ResultsFile } from '../results/types.ts';
import { renderReportCharts } from './charts/report-figures.ts';
import { exportFiles } from './exports.ts';
import { renderHtml } from './html.ts';
import { renderSummaryMarkdown } from './summary-md.ts';

export interface ReportPaths {
  /** Absolute path of index.html. */
  html: string;
  /** Absolute path of summary.md. */
  markdown: string;
  /** Absolute paths of the exports. */
  exports: string[];
}

export interface ReportOptions {
  /** Where results.json is (default: `dir`/results.json); the report links to it. */
  resultsPath?: string;
}

/** A relative URL from a folder to a file, '/'-separated. */
export function hrefFrom(dir: string, file: string): string {
  return relative(dir, file).split(sep).join('/');
}

/** Render the report for `results` and write it into `dir` (created if missing). */
export async function writeReport(results: ResultsFile, dir: string, options: ReportOptions = {}): Promise<ReportPaths> {
  const outDir = resolve(dir);
  const resultsHref = hrefFrom(outDir, resolve(options.resultsPath ?? join(outDir, 'results.json')));
  const files = exportFiles(results);
  const html = renderHtml(results, renderReportCharts(results), {
    results: resultsHref,
    files: [
      { href: 'summary.md', label: 'summary.md' },
      { href: 'timeseries.csv', label: 'timeseries.csv' },
      { href: 'postgres-nodes.csv', label: 'postgres-nodes.csv' },
      { href: 'hgrm/', label: `hgrm/ (${files.filter((f) => f.path.startsWith('hgrm/')).length} percentile distributions)` },
    ],
  });
  const markdown = renderSummaryMarkdown(results);
  await mkdir(outDir, { recursive: true });
  const paths: ReportPaths = { html: join(outDir, 'index.html'), markdown: join(outDir, 'summary.md'), exports: files.map((f) => join(outDir, ...f.path.split('/'))) };
  await writeFile(paths.html, html, 'utf8');
  await writeFile(paths.markdown, markdown, 'utf8');
  for (const [k, f] of files.entries()) {
    await mkdir(dirname(paths.exports[k]!), { recursive: true });
    await writeFile(paths.exports[k]!, f.text, 'utf8');
  }
  return paths;
}
