import { readUserJson } from './user-file.ts';
import { UsageError } from '../errors.ts';
import { envName, runOptions, type RunConfig } from './options.ts';

export interface ConfigSources {
  /** Flags the user typed (strings as typed), by option key. */
  flags: Record<string, string | undefined>;
  env: NodeJS.ProcessEnv;
  /** Path given with --config, if any. */
  configFile?: string;
}

function readConfigFile(path: string, problems: string[]): Record<string, string> {
  const read = readUserJson(path);
  if (!read.ok) {
    problems.push(`--config: ${read.problem}`);
    return {};
  }
  const data = read.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push(`--config: "${path}" must hold a JSON object of settings`);
    return {};
  }
  const known = new Set(runOptions.map((o) => o.key));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) {
    if (!known.has(k)) problems.push(`config file: unknown key "${k}"; accepted: ${[...known].join(', ')}`);
    else if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    else problems.push(`config file: "${k}" must be a string or a number`);
  }
  return out;
}

/** defaults < config file < BENCH_* env < flags; every value validated, all problems reported at once. */
export function resolveRunConfig(sources: ConfigSources): RunConfig {
  const problems: string[] = [];
  const file = sources.configFile ? readConfigFile(sources.configFile, problems) : {};
  const config: Record<string, string | number | boolean | string[]> = {};
  for (const opt of runOptions) {
    const candidates: Array<[string, string | undefined]> = [
      [`--${opt.flag}`, sources.flags[opt.key]],
      [envName(opt.key), sources.env[envName(opt.key)]],
      [`config file "${opt.key}"`, file[opt.key]],
      ['default', opt.default],
    ];
    const found = candidates.find(([, v]) => v !== undefined);
    if (!found) continue;
    const [source, text] = found;
    const parsed = opt.parse(text!);
    if (parsed.ok) config[opt.key] = parsed.value;
    else problems.push(`${source}: ${parsed.message}`);
  }
  if (problems.length) throw new UsageError(problems.join('\n'));
  return config as unknown as RunConfig;
}
