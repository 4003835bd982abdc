import yargs, { type Argv } from 'yargs';
import { runOptions, type OptionSpec } from '../config/options.ts';
import { compareOptions, reportOptions } from '../config/report-options.ts';
import { GATE_EPILOG, gateOptions } from '../config/gate-options.ts';
import { BenchError, ExitCode, UsageError, type ExitCodeValue } from '../errors.ts';

/** Where the CLI writes: the process's streams in `bench`, buffers in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** What a command handler hands back: the exit code `bench` ends with. */
export type CommandResult = ExitCodeValue;

const EPILOG =
  'Exit codes: 0 ok, 1 internal error, 2 usage or config error, 3 stack or environment error, ' +
  '99 thresholds or gate failed, 130 interrupted. Settings resolve as defaults < --config file < BENCH_* environment < flags.';

/** A user's mistake or a known failure: one line per problem, never a stack trace. */
export function reportError(err: unknown, io: CliIo): ExitCodeValue {
  if (err instanceof BenchError) {
    io.err(`bench: ${err.message.split('\n').join('\nbench: ')}\n`);
    return err.exitCode;
  }
  io.err(`bench: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return ExitCode.internal;
}

/** Register a command's flags from its option table (values are validated by the table, not yargs). */
export function flagsOf(y: Argv, specs: readonly OptionSpec[], epilog = EPILOG): Argv {
  for (const o of specs) {
    const describe = o.describe + (o.default !== undefined ? ` [default: ${o.default}]` : '');
    y.option(o.flag, o.boolean ? { type: 'boolean', describe } : { type: 'string', describe, requiresArg: true });
  }
  return y.epilog(epilog);
}

function runFlags(y: Argv): Argv {
  return flagsOf(y, runOptions)
    .option('config', { type: 'string', describe: 'JSON file of settings (keys as in results: rate, duration, logicalShards, ...)', requiresArg: true });
}

/**
 * The `bench` command line, in process: parses args, runs the command and returns its exit code.
 * Nothing here exits the process, so tests drive it directly (bin/bench.mjs exits with the code).
 */
export async function runCli(args: readonly string[], io: CliIo = processIo): Promise<number> {
  let result: CommandResult | undefined;
  let failure: unknown;
  const handle = (load: () => Promise<(argv: Record<string, unknown>, io: CliIo) => Promise<CommandResult>>) => async (argv: Record<string, unknown>) => {
    result = await (await load())(argv, io);
  };
  const cli = yargs([...args])
    .scriptName('bench')
    .usage('$0 <command> [options]')
    .command('run', 'seed a dataset, run a scenario against a tier on real servers, write results.json and an HTML report', runFlags, handle(async () => (await import('./run-command.ts')).runCommand))
    .command(
      'stack <action>',
      'keep a local stack running between runs: up, status or down',
      (y) =>
        y
          .positional('action', { choices: ['up', 'status', 'down'] as const, describe: 'up: start and keep; status: show nodes; down: stop and remove' })
          .option('tier', { type: 'string', describe: 'tier whose nodes to start [default: cache]', requiresArg: true })
          .option('stack', { type: 'string', describe: 'stack provider [default: local]', requiresArg: true })
          .option('pg-shards', { type: 'string', describe: 'PostgreSQL primaries of the sharded tier, 1 to 16 [default: 4]', requiresArg: true })
          .epilog(EPILOG),
      handle(async () => (await import('./stack-command.ts')).stackCommand),
    )
    .command('list', 'list the scenarios (--scenario takes them) with what each does', (y) => y.epilog(EPILOG), handle(async () => (await import('./list-command.ts')).listCommand))
    .command(
      'report <results>',
      'render index.html, summary.md and the exports (.hgrm, CSV) again from a results file alone (any schema version bench reads)',
      (y) => flagsOf(y.positional('results', { type: 'string', describe: 'a results.json, or a run folder holding one (e.g. reports/latest)' }), reportOptions),
      handle(async () => (await import('./report-command.ts')).reportCommand),
    )
    .command(
      'compare <a> <b> [more..]',
      'compare two or more runs (the first is the baseline): the same charts overlaid and a table of differences with intervals where windows were repeated',
      (y) =>
        flagsOf(
          y
            .positional('a', { type: 'string', describe: 'the baseline: a results.json or a run folder' })
            .positional('b', { type: 'string', describe: 'a run to compare with it' })
            .positional('more', { type: 'string', array: true, describe: 'more runs to compare with the baseline' }),
          compareOptions,
        ),
      handle(async () => (await import('./compare-command.ts')).compareCommand),
    )
    .command(
      'gate',
      'performance regression gate: run a baseline and a candidate version of the app in ABBA blocks on one stack and decide FAIL, PASS or INCONCLUSIVE (gate.json, gate.md, gate.html)',
      (y) => flagsOf(y, gateOptions, GATE_EPILOG),
      handle(async () => (await import('./gate-command.ts')).gateCommand),
    )
    .demandCommand(1, 'name a command: run, list, stack, report, compare or gate')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .exitProcess(false)
    .epilog(EPILOG)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => {
      // yargs' own validation errors (YError) are usage errors; anything else thrown by a handler is not.
      if (err && err.name !== 'YError') throw err;
      const text = (msg || err?.message || 'invalid arguments').replace(/\n\s*/g, ' ');
      throw new UsageError(`${text} (see bench --help)`);
    });
  try {
    // With a parse callback yargs hands --help text back instead of printing it.
    await cli.parseAsync([...args], {}, (_err, _argv, output) => {
      if (output) io.out(`${output}\n`);
    });
  } catch (err) {
    failure = err;
  }
  if (failure !== undefined) return reportError(failure, io);
  return result ?? ExitCode.ok;
}
