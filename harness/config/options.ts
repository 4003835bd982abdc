import { tierNames } from '../../app/tiers/index.ts';
import { MAX_LOGICAL_SHARDS } from '../../app/schema/ids.ts';
import { DEFAULT_SCENARIOS, scenarioNames } from '../../scenarios/index.ts';
import { profileNames } from '../seed/profiles.ts';
import { DEFAULT_NODE_CAPACITY } from '../stack/capacity.ts';
import { DEFAULT_SNAPSHOTS } from '../seed/snapshot.ts';
import { providerNames } from '../stack/registry.ts';
import { parseBoolean, parseBytes, parseChoice, parseChoiceList, parseDuration, parseNumberInRange, parseShare, parseString, type Parsed } from './parse.ts';

/**
 * Every setting of `bench run`, in one table: its flag, help text, default and parser. The CLI's
 * flags, BENCH_* variables and config-file keys are all derived from it.
 */
export interface OptionSpec {
  /** camelCase key in the resolved config and in config files. */
  key: string;
  flag: string;
  describe: string;
  /** Default as the user would type it; undefined = taken from the scenario. */
  default?: string;
  parse: (text: string) => Parsed<string | number | boolean | string[]>;
  /** A switch: given alone it means true. */
  boolean?: true;
}

const choice = (choices: () => readonly string[]) => (t: string) => parseChoice(t, choices());
const choices = (list: () => readonly string[]) => (t: string) => parseChoiceList(t, list());

export const runOptions: OptionSpec[] = [
  { key: 'tier', flag: 'tier', describe: `tiers to run, comma-separated: ${tierNames.join(', ')}`, default: tierNames.join(','), parse: choices(() => tierNames) },
  { key: 'stack', flag: 'stack', describe: `stack provider: ${providerNames.join(', ')}`, default: 'local', parse: choice(() => providerNames) },
  { key: 'stackConfig', flag: 'stack-config', describe: 'with --stack external: JSON file of node URLs ({ tier, nodes: [{ name, role, url }] })', parse: parseString },
  { key: 'scenario', flag: 'scenario', describe: `scenarios to run on each tier, comma-separated (bench list shows them): ${scenarioNames().join(', ')}`, default: DEFAULT_SCENARIOS.join(','), parse: choices(scenarioNames) },
  { key: 'scenarioFile', flag: 'scenario-file', describe: "a scenario of your own, a JSON (or .ts) file, instead of --scenario: validated as a whole before anything starts", parse: parseString },
  { key: 'profile', flag: 'profile', describe: `dataset profile: ${profileNames.join(', ')}`, default: 'small', parse: choice(() => profileNames) },
  { key: 'seed', flag: 'seed', describe: 'dataset seed (same seed, same rows)', default: '1', parse: (t) => parseNumberInRange(t, 0, 2 ** 31 - 1, true) },
  { key: 'scenarioSeed', flag: 'scenario-seed', describe: 'request stream seed (same seed, same requests)', default: '1', parse: (t) => parseNumberInRange(t, 0, 2 ** 31 - 1, true) },
  { key: 'rate', flag: 'rate', describe: "arrival rate, requests per second (default: the scenario's)", parse: (t) => parseNumberInRange(t, 1, 100_000, false) },
  { key: 'duration', flag: 'duration', describe: "measured window, e.g. 20s, 2m (default: the scenario's)", parse: parseDuration },
  { key: 'warmup', flag: 'warmup', describe: "warm-up before measuring, never recorded, e.g. 5s (default: the scenario's)", parse: (t) => (t.trim() === '0' ? { ok: true, value: 0 } : parseDuration(t)) },
  { key: 'connections', flag: 'connections', describe: "HTTP connections to the app (default: the scenario's)", parse: (t) => parseNumberInRange(t, 1, 1024, true) },
  { key: 'maxInFlight', flag: 'max-in-flight', describe: "requests outstanding before further sends are dropped and counted (default: the scenario's)", parse: (t) => parseNumberInRange(t, 1, 100_000, true) },
  { key: 'replicas', flag: 'replicas', describe: 'streaming replicas of the replicas tier, 1 to 8', default: '2', parse: (t) => parseNumberInRange(t, 1, 8, true) },
  { key: 'pgShards', flag: 'pg-shards', describe: 'PostgreSQL primaries of the sharded tier, 1 to 16', default: '4', parse: (t) => parseNumberInRange(t, 1, 16, true) },
  { key: 'nodeCpus', flag: 'node-cpus', describe: 'CPU quota per PostgreSQL node (cgroup v1, as root), e.g. 0.5; 0 = no limit', default: String(DEFAULT_NODE_CAPACITY.cpus), parse: (t) => parseNumberInRange(t, 0, 64, false) },
  { key: 'nodeMemory', flag: 'node-memory', describe: 'memory budget per PostgreSQL node, e.g. 1g, 512m; 0 = no limit', default: `${DEFAULT_NODE_CAPACITY.memoryBytes / 2 ** 20}m`, parse: parseBytes },
  { key: 'logicalShards', flag: 'logical-shards', describe: `logical shards (PostgreSQL schemas), 1 to ${MAX_LOGICAL_SHARDS}`, default: '64', parse: (t) => parseNumberInRange(t, 1, MAX_LOGICAL_SHARDS, true) },
  { key: 'appProcesses', flag: 'app-processes', describe: 'app server processes behind one port (node:cluster), as stateless app servers behind a load balancer, 1 to 16', default: '1', parse: (t) => parseNumberInRange(t, 1, 16, true) },
  { key: 'workers', flag: 'workers', describe: 'fan-out worker processes, 1 to 16', default: '2', parse: (t) => parseNumberInRange(t, 1, 16, true) },
  { key: 'cacheTtl', flag: 'cache-ttl', describe: 'Memcached TTL for cached users and photos, e.g. 300s', default: '300s', parse: parseDuration },
  { key: 'snapshots', flag: 'snapshots', describe: 'folder of seeded-dataset snapshots (local stack): restored instead of seeding again; "off" to neither use nor make them', default: DEFAULT_SNAPSHOTS, parse: parseString },
  { key: 'reseed', flag: 'reseed', describe: 'seed again even when a snapshot exists, and replace it', default: 'false', parse: parseBoolean, boolean: true },
  { key: 'sweep', flag: 'sweep', describe: 'also find each tier\'s maximum sustainable throughput under the SLO (a sweep of open-model windows; minutes per tier and scenario)', default: 'false', parse: parseBoolean, boolean: true },
  { key: 'sloP99', flag: 'slo-p99', describe: 'SLO: p99 of all requests under this, e.g. 50ms', default: '50ms', parse: parseDuration },
  { key: 'sloErrors', flag: 'slo-errors', describe: 'SLO: share of requests that may fail (errors and timeouts), e.g. 1%', default: '1%', parse: parseShare },
  { key: 'sloDrops', flag: 'slo-drops', describe: 'SLO: share of requests that may be dropped at maxInFlight, e.g. 0.1%', default: '0.1%', parse: parseShare },
  { key: 'out', flag: 'out', describe: 'folder for run reports (reports/<run-id>/, reports/latest)', default: 'reports', parse: parseString },
];

export interface RunConfig {
  /** Tiers to run, in order. */
  tier: string[];
  stack: string;
  stackConfig?: string;
  /** Scenarios to run on each tier, in order. */
  scenario: string[];
  /** A user's scenario file, run instead of the named ones. */
  scenarioFile?: string;
  profile: string;
  seed: number;
  scenarioSeed: number;
  rate?: number;
  duration?: number;
  warmup?: number;
  connections?: number;
  maxInFlight?: number;
  replicas: number;
  nodeCpus: number;
  nodeMemory: number;
  pgShards: number;
  logicalShards: number;
  appProcesses: number;
  workers: number;
  cacheTtl: number;
  snapshots: string;
  reseed: boolean;
  sweep: boolean;
  /** SLO: p99 bound in seconds (as every duration), error and drop budgets as shares. */
  sloP99: number;
  sloErrors: number;
  sloDrops: number;
  out: string;
}

export function envName(key: string): string {
  return 'BENCH_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}
