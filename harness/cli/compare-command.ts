import { prepareOutFolder } from '../config/out-folder.ts';
import { resolveFlags } from '../config/flags.ts';
import { compareOptions } from '../config/report-options.ts';
import { ExitCode } from '../errors.ts';
import type { RunRef } from '../report/compare/model.ts';
import { writeComparison } from '../report/compare/write.ts';
import { loadResults } from '../report/load.ts';
import type { CliIo, CommandResult } from './cli.ts';
import { shownPath } from './report-command.ts';

const LABELS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `bench compare <a> <b> [...]`: the first run is the baseline; writes compare.html and compare.md. */
export async function compareCommand(argv: Record<string, unknown>, io: CliIo): Promise<CommandResult> {
  const flags = resolveFlags(compareOptions, argv);
  const args = [argv.a, argv.b, ...((argv.more as unknown[] | undefined) ?? [])].map(String);
  const runs: RunRef[] = [];
  for (const [i, arg] of args.entries()) {
    const { path, results } = await loadResults(arg);
    runs.push({ label: LABELS[i] ?? `R${i + 1}`, path, results });
  }
  const paths = await writeComparison(runs, prepareOutFolder(String(flags.out)), Number(flags.level));
  const rel = shownPath;
  for (const r of runs) io.out(`${r.label}: ${r.results.run.id} (${rel(r.path)})${r === runs[0] ? ' baseline' : ''}\n`);
  const called = paths.comparison.pairs.flatMap((p) => p.rows.flatMap((r) => r.metrics)).filter((m) => m.verdict === 'change').length;
  io.out(`${called} figure${called === 1 ? '' : 's'} changed beyond the noise of repeated windows\ncompare: ${rel(paths.html)}\n         ${rel(paths.markdown)}\n`);
  return ExitCode.ok;
}
