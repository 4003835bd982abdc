import { prepareOutFolder } from '../config/out-folder.ts';
import { randomInt } from 'node:crypto';
import { readUserJson } from '../config/user-file.ts';
import { relative } from 'node:path';
import { scenarios as registry } from '../../scenarios/index.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { resolveFlags } from '../config/flags.ts';
import { gateOptions } from '../config/gate-options.ts';
import { ExitCode, InterruptedError, UsageError } from '../errors.ts';
import { resolveGateConfig, type GateConfig } from '../gate/config.ts';
import { formatGateReport } from '../gate/format.ts';
import { writeGateOutputs } from '../report/gate/write.ts';
import { runGate, type GateSettings } from '../run/gate/runner.ts';
import type { CliIo, CommandResult } from './cli.ts';

/**
 * The gate config: defaults.json, a --gate-config file over it, --scenario over both; every
 * problem at once. Its scenarios must be in the registry (usage error naming the accepted ones).
 */
export function gateConfigOf(file: string | undefined, scenarioFlag: string[] | undefined, known: Readonly<Record<string, Scenario>> = registry): { config: GateConfig; source: string } {
  let data: Record<string, unknown> | undefined;
  if (file !== undefined) {
    const read = readUserJson(file);
    if (!read.ok) throw new UsageError(`--gate-config: ${read.problem}`);
    data = read.data as Record<string, unknown>;
  }
  if (scenarioFlag) data = { ...(data ?? {}), scenarios: scenarioFlag };
  const source = [file ? `"${file}"` : 'defaults', scenarioFlag ? '--scenario' : ''].filter(Boolean).join(' + ');
  const config = resolveGateConfig(data, `gate config ${source}`);
  const unknown = config.scenarios.filter((s) => !known[s]);
  if (unknown.length)
    throw new UsageError(
      `gate config ${source}: scenario${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in the scenario registry (scenarios/); ` +
        `accepted: ${Object.keys(known).join(', ')}. Pick others with --scenario or a --gate-config file ({ "scenarios": [...] })`,
    );
  return { config, source };
}

/** reports/gate-20250102-030405 */
export function defaultGateOut(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `reports/gate-${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
}

/** Settings of a gate from validated flags (resolveFlags over gateOptions). */
export function gateSettingsOf(flags: Record<string, unknown>, config: GateConfig, configSource: string): GateSettings {
  return {
    ...(flags.baseline !== undefined ? { baseline: String(flags.baseline) } : {}),
    ...(flags.candidate !== undefined ? { candidate: String(flags.candidate) } : {}),
    config,
    configSource,
    tier: String(flags.tier),
    profile: String(flags.profile),
    seed: Number(flags.seed),
    scenarioSeed: Number(flags.scenarioSeed),
    orderSeed: flags.orderSeed === undefined ? randomInt(2 ** 31 - 1) : Number(flags.orderSeed),
    logicalShards: Number(flags.logicalShards),
    snapshots: flags.snapshots === 'off' ? null : String(flags.snapshots),
    nodeCpus: Number(flags.nodeCpus),
    nodeMemory: Number(flags.nodeMemory),
    workers: Number(flags.workers),
    cacheTtlSec: Math.max(1, Math.round(Number(flags.cacheTtl))),
    windowSec: Number(flags.window),
    warmupSec: Number(flags.warmup),
    closedWindowSec: Number(flags.closedWindow),
    closedWarmupSec: Number(flags.closedWarmup),
    closedConnections: Number(flags.closedConnections),
    ...(flags.rate !== undefined ? { rate: Number(flags.rate) } : {}),
    loadShare: Number(flags.loadShare),
    sweepWindowSec: Number(flags.sweepWindow),
    sweepWindows: Number(flags.sweepWindows),
    slo: { p99Ms: Number(flags.sloP99) * 1000, errorBudget: Number(flags.sloErrors), dropBudget: Number(flags.sloDrops) },
    budgetSec: flags.budget === undefined ? 0 : Number(flags.budget),
    pin: Boolean(flags.pin),
  };
}

/**
 * `bench gate`: validate everything first, run A and B in ABBA blocks, write gate.json, gate.md and
 * gate.html, and exit with the gate's code (0 PASS/INCONCLUSIVE, 99 FAIL/INVALID); Ctrl-C stops
 * cleanly with exit 130.
 */
export async function gateCommand(argv: Record<string, unknown>, io: CliIo, opts: { scenarios?: Readonly<Record<string, Scenario>>; tmpBase?: string } = {}): Promise<CommandResult> {
  const scenarios = opts.scenarios ?? registry;
  const startedAt = new Date();
  const t0 = performance.now();
  const flags = resolveFlags(gateOptions, argv);
  if (flags.loadShare !== undefined && !(Number(flags.loadShare) > 0 && Number(flags.loadShare) <= 0.9)) throw new UsageError(`--load-share: ${flags.loadShare}; accepted: above 0 and at most 90%`);
  const { config, source } = gateConfigOf(flags.gateConfig as string | undefined, flags.scenario as string[] | undefined, scenarios);
  const settings = gateSettingsOf(flags, config, source);
  const out = flags.out === undefined ? defaultGateOut(startedAt) : String(flags.out);
  prepareOutFolder(out);
  if (settings.snapshots !== null) prepareOutFolder(settings.snapshots, '--snapshots');

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      io.err(`\n${sig}: stopping; the apps and servers are being shut down (press Ctrl-C again to force)\n`);
      controller.abort(sig);
    } else {
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const log = (line: string) => io.out(line + '\n');
  const command = ['bench', ...process.argv.slice(2)].join(' ');
  try {
    log(`gate: ${config.scenarios.join(', ')}; ${config.abbaBlocks} ABBA blocks${settings.budgetSec > 0 ? `, more while a block fits the ${settings.budgetSec}s budget` : ''}; alpha ${config.alpha}; order seed ${settings.orderSeed}; output ${out}`);
    const { record } = await runGate(settings, { command, signal: controller.signal, log, scenarios, ...(opts.tmpBase ? { tmpBase: opts.tmpBase } : {}) });
    const reportStart = performance.now();
    record.wallSeconds = Math.round((performance.now() - t0) / 100) / 10;
    const paths = writeGateOutputs(record, out);
    record.phases.report = Math.round((performance.now() - reportStart) / 100) / 10;
    log('');
    log(formatGateReport(record.report));
    for (const c of record.checksFailed) log(`  check failed: ${c}`);
    log(`wall time ${record.wallSeconds.toFixed(0)} s`);
    log(`gate.json: ${relative(process.cwd(), paths.json)}`);
    log(`gate.md:   ${relative(process.cwd(), paths.markdown)}`);
    log(`gate.html: ${relative(process.cwd(), paths.html)}`);
    return record.exitCode as CommandResult;
  } catch (err) {
    if (controller.signal.aborted) throw new InterruptedError(String(controller.signal.reason));
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
