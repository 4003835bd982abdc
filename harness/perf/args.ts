import yargs from 'yargs';
import { flagsOf } from '../cli/cli.ts';
import { resolveFlags } from '../config/flags.ts';
import type { OptionSpec } from '../config/options.ts';
import { BenchError, ExitCode, UsageError } from '../errors.ts';

export type PerfFlags = ReturnType<typeof resolveFlags>;

/** The exit codes every perf script has; one that gates a figure adds its own 99. */
export const PERF_EPILOG = 'Exit codes: 0 done (figures on the last stdout line, as JSON), 1 internal error, 2 usage error, 3 stack or environment error, 130 interrupted.';

/**
 * A perf script's flags from its option table, validated together as `bench`'s are. --help prints
 * them and exits 0; a usage error prints every problem, one line each, and exits 2.
 */
export async function perfFlags(script: string, specs: readonly OptionSpec[], epilog = PERF_EPILOG, args: readonly string[] = process.argv.slice(2)): Promise<PerfFlags> {
  let help: string | undefined;
  try {
    const argv = await flagsOf(yargs([...args]).scriptName(`npm run ${script} --`), specs, epilog)
      .strict()
      .help()
      .version(false)
      .exitProcess(false)
      .fail((msg, err) => {
        if (err && err.name !== 'YError') throw err;
        throw new UsageError(`${(msg || err?.message || 'invalid arguments').replace(/\n\s*/g, ' ')} (see npm run ${script} -- --help)`);
      })
      .parseAsync([...args], {}, (_err, _argv, output) => {
        if (output) help = output;
      });
    if (help !== undefined) {
      process.stdout.write(`${help}\n`);
      process.exit(ExitCode.ok);
    }
    return resolveFlags(specs, argv as Record<string, unknown>);
  } catch (err) {
    return exitWith(script, err);
  }
}

/** Ends a perf script on an error: one line per problem for the user's mistakes, the stack otherwise. */
export function exitWith(script: string, err: unknown): never {
  if (err instanceof BenchError) {
    process.stderr.write(`${script}: ${err.message.split('\n').join(`\n${script}: `)}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`${script} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(ExitCode.internal);
}
