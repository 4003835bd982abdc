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

let stopping = false;

/**
 * Ctrl-C or SIGTERM (a CI timeout, `kill`) during a perf script: runs its cleanup (servers down,
 * temp folders removed) once, then exits 130. A second signal exits at once.
 */
export function stopOnSignals(script: string, cleanup: () => Promise<void>): void {
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) process.exit(ExitCode.interrupted);
    stopping = true;
    process.stderr.write(`\n${script}: ${sig}, stopping its servers\n`);
    cleanup().then(
      () => process.exit(ExitCode.interrupted),
      () => process.exit(ExitCode.interrupted),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * The end of a perf script's main() on an error. After a signal the error is the interruption's own
 * (its servers were stopped under it): nothing is printed, and the signal's handler exits 130 once
 * the cleanup is done.
 */
export function failUnlessStopping(script: string): (err: unknown) => void {
  return (err) => {
    if (!stopping) exitWith(script, err);
  };
}
