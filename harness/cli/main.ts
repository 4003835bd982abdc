import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runOptions } from '../config/options.ts';
import { BenchError, ExitCode, UsageError } from '../errors.ts';

/**
 * bench CLI. Exit codes: 0 ok, 1 internal error, 2 usage or config error, 3 stack or environment
 * error, 99 thresholds or gate failed, 130 interrupted.
 */

function fail(err: unknown): never {
  if (err instanceof BenchError) {
    process.stderr.write(`bench: ${err.message.split('\n').join('\nbench: ')}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`bench: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(ExitCode.internal);
}

const EPILOG =
  'Exit codes: 0 ok, 1 internal error, 2 usage or config error, 3 stack or environment error, ' +
  '99 thresholds or gate failed, 130 interrupted.';

async function main(): Promise<void> {
  const cli = yargs(hideBin(process.argv))
    .scriptName('bench')
    .usage('$0 <command> [options]')
    .command(
      'run',
      'seed a dataset, run a scenario against a tier on real servers, write results.json and an HTML report',
      (y) => {
        for (const o of runOptions) {
          const describe = o.describe + (o.default !== undefined ? ` [default: ${o.default}]` : '');
          y.option(o.flag, o.boolean ? { type: 'boolean', describe } : { type: 'string', describe, requiresArg: true });
        }
        return y.option('config', { type: 'string', describe: 'JSON file of settings (keys as in results: rate, duration, logicalShards, ...)', requiresArg: true });
      },
      async (argv) => (await import('./run-command.ts')).runCommand(argv),
    )
    .command(
      'stack <action>',
      'keep a local stack running between runs: up, status or down',
      (y) =>
        y
          .positional('action', { choices: ['up', 'status', 'down'] as const, describe: 'up: start and keep; status: show nodes; down: stop and remove' })
          .option('tier', { type: 'string', describe: 'tier whose nodes to start [default: cache]', requiresArg: true })
          .option('stack', { type: 'string', describe: 'stack provider [default: local]', requiresArg: true })
          .option('pg-shards', { type: 'string', describe: 'PostgreSQL primaries of the sharded tier, 1 to 16 [default: 4]', requiresArg: true }),
      async (argv) => (await import('./stack-command.ts')).stackCommand(argv),
    )
    .demandCommand(1, 'name a command: run or stack')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .epilog(EPILOG + ' Settings resolve as defaults < --config file < BENCH_* environment < flags.')
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => {
      // yargs' own validation errors (YError) are usage errors; anything else thrown by a handler is not.
      if (err && err.name !== 'YError') fail(err);
      const text = (msg || err?.message || 'invalid arguments').replace(/\n\s*/g, ' ');
      fail(new UsageError(`${text} (see bench --help)`));
    });
  await cli.parseAsync();
}

main().catch(fail);
