/**
 * What a results file records about how it was made (DESIGN.md, measurement rule 7): the resolved
 * configuration and where each part came from (flags, the --config file as read, the BENCH_*
 * variables that were set), the app's settings, whether the git tree was dirty, and the machine's
 * load at the start and the end (it is shared).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { APP_DEFAULTS } from '../../app/config.ts';
import type { ConfigSources } from '../config/resolve.ts';
import { envName, runOptions, type RunConfig } from '../config/options.ts';

export interface ConfigOrigin {
  /** Flags as typed, by option key. */
  flags: Record<string, string>;
  /** BENCH_* variables that were set (and so read). */
  env: Record<string, string>;
  /** The --config file and what it held. */
  configFile: { path: string; contents: unknown } | null;
}

/** Where the configuration came from, from the same sources resolveRunConfig read. */
export function configOrigin(sources: ConfigSources): ConfigOrigin {
  const flags = Object.fromEntries(Object.entries(sources.flags).filter((e): e is [string, string] => e[1] !== undefined));
  const env: Record<string, string> = {};
  for (const o of runOptions) {
    const value = sources.env[envName(o.key)];
    if (value !== undefined) env[envName(o.key)] = value;
  }
  let configFile: ConfigOrigin['configFile'] = null;
  if (sources.configFile) {
    let contents: unknown;
    try {
      contents = JSON.parse(readFileSync(sources.configFile, 'utf8'));
    } catch {
      contents = null; // resolveRunConfig has already refused a file it could not read
    }
    configFile = { path: sources.configFile, contents };
  }
  return { flags, env, configFile };
}

/** The app's settings in a run: its defaults, what the harness chose, and the tier's shape. */
export interface AppSettings {
  tier: string;
  logicalShards: number;
  cacheTtlSec: number;
  primaries: number;
  replicas: number;
  fanoutWorkers: number;
}

/** run.config of the results file. */
export function runConfigRecord(config: RunConfig, origin: ConfigOrigin | undefined, app: AppSettings): Record<string, unknown> {
  return {
    resolved: config,
    ...(origin ?? { flags: {}, env: {}, configFile: null }),
    app: { ...APP_DEFAULTS, ...app },
  };
}

/** True when `git status --porcelain` lists anything; undefined outside a git checkout. */
export function gitDirty(cwd = process.cwd()): boolean | undefined {
  try {
    return execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
  } catch {
    return undefined;
  }
}

/** The 1-minute load average now. */
export function loadAverageNow(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
