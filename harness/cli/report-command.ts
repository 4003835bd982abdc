import { dirname, relative, resolve } from 'node:path';
import { prepareOutFolder } from '../config/out-folder.ts';
import { resolveFlags } from '../config/flags.ts';
import { reportOptions } from '../config/report-options.ts';
import { ExitCode } from '../errors.ts';
import { loadResults } from '../report/load.ts';
import { writeReport } from '../report/write.ts';
import type { CliIo, CommandResult } from './cli.ts';

/** `bench report <results.json|run dir>`: render index.html, summary.md and the exports again from the results file alone. */
export async function reportCommand(argv: Record<string, unknown>, io: CliIo): Promise<CommandResult> {
  const flags = resolveFlags(reportOptions, argv);
  const { path, results } = await loadResults(String(argv.results));
  const out = prepareOutFolder(typeof flags.out === 'string' ? flags.out : dirname(path));
  const paths = await writeReport(results, out, { resultsPath: path });
  const rel = shownPath;
  if (results.upgradedFrom) io.out(`read a schema version ${results.upgradedFrom} file: the report says what that version did not measure\n`);
  io.out(`report:  ${rel(paths.html)}\nsummary: ${rel(paths.markdown)}\nexports: ${paths.exports.length} files (.hgrm per operation, timeseries.csv, postgres-nodes.csv) in ${rel(dirname(paths.html))}\n`);
  return ExitCode.ok;
}

/** A path as the user would type it: relative to the working folder when inside it, else absolute. */
export function shownPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r === '' ? '.' : r.startsWith('..') ? resolve(p) : r;
}
