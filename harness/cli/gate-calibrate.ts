/**
 * npm run gate:calibrate -- --records a/gate.json,b/gate.json,...
 *
 * Calibrates a gate config's thresholds from real A-against-A gates (harness/gate/calibrate.ts):
 * the false-FAIL rate of the config as given, resampled from the records' ABBA blocks, then the
 * smallest loosening that brings it within --target. Prints each step, the recommended rules as a
 * gate config (JSON, ready for --gate-config or defaults.json), and a last stdout line of JSON.
 * Exit codes: 0 the target is met (by the config or a loosening), 99 no loosening within +100%
 * meets it, 2 usage (a record missing, not a gate.json, not A/A, lacking a scenario), 1 internal.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readUserJson, RESULTS_FILE_MAX_BYTES } from '../config/user-file.ts';
import { gateCalibrateOptions } from '../config/gate-calibrate-options.ts';
import { ExitCode, UsageError } from '../errors.ts';
import { calibrate, recordedBlocks, type RecordedGate } from '../gate/calibrate.ts';
import { readGateConfig, resolveGateConfig, type GateConfig } from '../gate/config.ts';
import { exitWith, perfFlags } from '../perf/args.ts';

const SCRIPT = 'gate:calibrate';
const EPILOG = 'Exit codes: 0 the target false-FAIL rate is met, 99 not met by any threshold up to ±100%, 1 internal error, 2 usage error (a record missing, not a gate.json of an A/A gate, or without a scenario of the config).';

interface GateJson {
  kind?: string;
  versions?: { baseline?: { sha?: string | null; tree?: string; dirty?: boolean }; candidate?: { sha?: string | null; dirty?: boolean } };
  trials?: RecordedGate['trials'];
}

/** A record, checked to be a gate.json of an A/A gate (both versions one clean commit). */
function readRecord(path: string): { gate: RecordedGate; problems: string[] } {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'gate.json') : path;
  const none = { gate: { source: path, trials: [] }, problems: [] as string[] };
  if (!existsSync(file)) return { ...none, problems: [`${path}: no such file`] };
  const read = readUserJson(file, RESULTS_FILE_MAX_BYTES);
  if (!read.ok) return { ...none, problems: [read.problem] };
  const data = read.data as GateJson;
  if (data.kind !== 'tierbench-gate' || !Array.isArray(data.trials)) return { ...none, problems: [`${file}: not a gate.json of bench gate (kind "tierbench-gate" with trials)`] };
  const [a, b] = [data.versions?.baseline, data.versions?.candidate];
  const sameCode = a?.sha && a.sha === b?.sha && !a.dirty && !b?.dirty;
  if (!sameCode) return { ...none, problems: [`${file}: not an A/A gate (baseline ${a?.sha ?? '?'}${a?.dirty ? ' dirty' : ''}, candidate ${b?.sha ?? '?'}${b?.dirty ? ' dirty' : ''}): only a gate of one clean commit against itself has only false FAILs`] };
  return { gate: { source: file, trials: data.trials }, problems: [] };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The rules as a gate config's relative and counts keys. */
function rulesJson(config: Pick<GateConfig, 'relative' | 'counts'>): Record<string, unknown> {
  const relative = Object.fromEntries(Object.entries(config.relative).map(([m, r]) => [m, r?.gated ? `${r.percent > 0 ? '+' : ''}${r.percent}%` : 'report']));
  return { relative, counts: config.counts };
}

async function main(): Promise<void> {
  const flags = await perfFlags(SCRIPT, gateCalibrateOptions, EPILOG);
  if (flags.records === undefined) throw new UsageError('--records: required (gate.json files of A/A gates, comma-separated)');
  const config = flags.gateConfig === undefined ? resolveGateConfig() : readGateConfig(String(flags.gateConfig));
  const read = String(flags.records).split(',').map((p) => p.trim()).filter(Boolean).map(readRecord);
  const problems = read.flatMap((r) => r.problems);
  for (const r of read.filter((x) => !x.problems.length))
    for (const s of config.scenarios) {
      try {
        if (recordedBlocks(r.gate, s).length === 0) problems.push(`${r.gate.source}: no ABBA block`);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  if (problems.length) throw new UsageError(problems.join('\n'));
  const result = calibrate(config, read.map((r) => r.gate), { target: Number(flags.target), resamples: Number(flags.resamples), seed: Number(flags.seed) });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`${result.gates} A/A gates; blocks per scenario: ${Object.entries(result.blocksPerScenario).map(([s, n]) => `${s} ${n}`).join(', ')}; synthetic gates of ${config.abbaBlocks} blocks, alpha ${config.alpha}`);
  for (const o of result.observed) log(`  ${o.source}: ${o.verdict}; ${o.estimates.map((e) => `${e.scenario} ${e.metric} ${e.estimatePct === null ? 'n/a' : `${e.estimatePct > 0 ? '+' : ''}${e.estimatePct.toFixed(1)}%`}`).join(', ')}`);
  for (const step of result.steps) {
    const top = [...step.byMetric].sort((a, b) => b.failRate - a.failRate).filter((m) => m.failRate > 0).slice(0, 4);
    log(`${step.change || 'as given'}: false FAIL in ${pct(step.falseFailRate)} of A/A gates${top.length ? ` (${top.map((m) => `${m.scenario} ${m.metric} ${pct(m.failRate)}`).join(', ')})` : ''}`);
  }
  const last = result.steps[result.steps.length - 1]!;
  log(`${result.met ? 'recommended' : 'NOT MET, the loosest tried'}: ${JSON.stringify(rulesJson(last.config))}`);
  process.stdout.write(`${JSON.stringify({ met: result.met, target: Number(flags.target), falseFailRateAsGiven: result.steps[0]!.falseFailRate, falseFailRate: last.falseFailRate, recommended: rulesJson(last.config), gates: result.gates, blocksPerScenario: result.blocksPerScenario })}\n`);
  process.exitCode = result.met ? ExitCode.ok : ExitCode.gate;
}

main().catch((err: unknown) => exitWith(SCRIPT, err));
