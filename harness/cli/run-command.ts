import { prepareOutFolder } from '../config/out-folder.ts';
import { resolveRunConfig } from '../config/resolve.ts';
import { runOptions } from '../config/options.ts';
import { ExitCode, InterruptedError, UsageError, type ExitCodeValue } from '../errors.ts';
import type { CliIo, CommandResult } from './cli.ts';
import { renderTerminalSummary } from '../report/terminal.ts';
import { renderTierTable } from '../report/tier-table.ts';
import { configOrigin } from '../run/provenance.ts';
import { runBench, runScenarios } from '../run/run.ts';
import { loadScenarioFile } from '../../scenarios/validate.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { progressPrinter } from '../seed/progress.ts';
import { relative } from 'node:path';
import type { Trial } from '../results/types.ts';
import { thresholdsExitCode } from '../thresholds/scenario.ts';

/** A user's scenario file, validated as a whole: every problem, one line each, exit 2. */
async function userScenario(path: string): Promise<Scenario> {
  const out = await loadScenarioFile(path);
  if ('problems' in out) throw new UsageError(`--scenario-file ${path}: ${out.problems.length} problem${out.problems.length > 1 ? 's' : ''}:\n${out.problems.join('\n')}`);
  return out.scenario;
}

/** A failed check fails the run as a failed threshold does (thresholdsExitCode): exit 99. */
function runExitCode(trials: readonly Trial[]): ExitCodeValue {
  return trials.some((t) => t.checks.some((c) => !c.ok)) ? ExitCode.gate : thresholdsExitCode(trials);
}

/** "tier/scenario: name" of every failed check and threshold, for the message. */
function failedFindings(trials: readonly Trial[]): string[] {
  return trials.flatMap((t) => [...t.checks, ...(t.thresholds ?? [])].filter((c) => !c.ok).map((c) => `${t.tier}/${t.scenario}: ${c.name}`));
}

/** `bench run`: validate everything first, then run; Ctrl-C stops cleanly with exit 130. */
export async function runCommand(argv: Record<string, unknown>, io: CliIo): Promise<CommandResult> {
  const flags: Record<string, string | undefined> = {};
  for (const o of runOptions) {
    const v = argv[o.flag];
    if (v !== undefined) flags[o.key] = Array.isArray(v) ? String(v.at(-1)) : String(v);
  }
  const sources = { flags, env: process.env, configFile: argv.config as string | undefined };
  const config = resolveRunConfig(sources);
  // Every scenario is checked as a whole before any server starts (exit 2 with every problem).
  const fromFile = config.scenarioFile ? await userScenario(config.scenarioFile) : undefined;
  const scenarios = runScenarios(config, fromFile);
  prepareOutFolder(config.out);
  // A local stack makes its snapshots there after seeding: found unwritable then, the seeding is lost.
  if (config.stack === 'local' && config.snapshots !== 'off') prepareOutFolder(config.snapshots, '--snapshots');

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      io.err(`\n${sig}: stopping; servers are being shut down (press Ctrl-C again to force)\n`);
      controller.abort(sig);
    } else {
      process.exit(ExitCode.interrupted); // the exit hook and the reaper still stop the servers
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const log = (line: string) => io.out(line + '\n');
  const command = ['bench', ...process.argv.slice(2)].join(' ');
  try {
    const { results, htmlPath } = await runBench(config, { command, signal: controller.signal, log, progress: progressPrinter(process.stdout, log), configOrigin: configOrigin(sources), scenarios });
    log('');
    log(renderTerminalSummary(results));
    if (results.trials.length > 1) log(renderTierTable(results));
    log(`results: ${relative(process.cwd(), htmlPath.replace(/index\.html$/, 'results.json'))}`);
    log(`report:  ${relative(process.cwd(), htmlPath)}`);
    const code = runExitCode(results.trials);
    if (code !== ExitCode.ok) {
      const failed = failedFindings(results.trials);
      io.err(`bench: ${failed.length} check${failed.length > 1 ? 's or thresholds' : ' or threshold'} failed (exit ${code}): ${failed.join('; ')}\n`);
      return code;
    }
  } catch (err) {
    if (controller.signal.aborted) throw new InterruptedError(String(controller.signal.reason));
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return ExitCode.ok;
}
