import { tierNames } from '../../app/tiers/index.ts';
import { MAX_LOGICAL_SHARDS } from '../../app/schema/ids.ts';
import { scenarioNames } from '../../scenarios/index.ts';
import { profileNames } from '../seed/profiles.ts';
import { DEFAULT_SNAPSHOTS } from '../seed/snapshot.ts';
import type { OptionSpec } from './options.ts';
import { parseBoolean, parseBytes, parseChoice, parseChoiceList, parseDuration, parseNumberInRange, parseShare, parseString } from './parse.ts';

/**
 * `bench gate`: every flag in one table (help text, default, parser), validated together like
 * `bench run`'s. Defaults are chosen so the whole gate (two scenarios, 4 ABBA blocks) fits in about
 * 10 minutes on a 2-core machine (README, Performance regression gate).
 */
export const gateOptions: OptionSpec[] = [
  { key: 'baseline', flag: 'baseline', describe: 'version A: a git ref (sha, branch, tag) or an app directory (a checkout\'s root, copied with its uncommitted changes) [default: the merge-base of HEAD with the main branch]', parse: parseString },
  { key: 'candidate', flag: 'candidate', describe: 'version B: a git ref or an app directory [default: this working tree, uncommitted changes included]', parse: parseString },
  { key: 'gateConfig', flag: 'gate-config', describe: 'JSON file overriding harness/gate/defaults.json key by key (alpha, abbaBlocks, scenarios, relative, counts, absolute, failOnInconclusive)', parse: parseString },
  { key: 'scenario', flag: 'scenario', describe: `gated scenarios, comma-separated, instead of the gate config's: ${scenarioNames().join(', ')}`, parse: (t) => parseChoiceList(t, scenarioNames()) },
  { key: 'tier', flag: 'tier', describe: `tier of the stack both versions run on: ${tierNames.join(', ')}`, default: 'cache', parse: (t) => parseChoice(t, tierNames) },
  { key: 'profile', flag: 'profile', describe: `dataset profile: ${profileNames.join(', ')}`, default: 'starter', parse: (t) => parseChoice(t, profileNames) },
  { key: 'seed', flag: 'seed', describe: 'dataset seed', default: '1', parse: (t) => parseNumberInRange(t, 0, 2 ** 31 - 1, true) },
  { key: 'scenarioSeed', flag: 'scenario-seed', describe: 'request stream seed (every trial replays the same requests)', default: '1', parse: (t) => parseNumberInRange(t, 0, 2 ** 31 - 1, true) },
  { key: 'orderSeed', flag: 'order-seed', describe: 'seed of the blocks\' orders (ABBA or BAAB each) [default: drawn at random and recorded in gate.json]', parse: (t) => parseNumberInRange(t, 0, 2 ** 31 - 1, true) },
  { key: 'logicalShards', flag: 'logical-shards', describe: `logical shards, 1 to ${MAX_LOGICAL_SHARDS}`, default: '64', parse: (t) => parseNumberInRange(t, 1, MAX_LOGICAL_SHARDS, true) },
  { key: 'snapshots', flag: 'snapshots', describe: 'folder of dataset snapshots (restored instead of seeding); "off" for none', default: DEFAULT_SNAPSHOTS, parse: parseString },
  { key: 'nodeCpus', flag: 'node-cpus', describe: 'CPU quota per PostgreSQL node; 0 = none (the gate measures the app, not a node model)', default: '0', parse: (t) => parseNumberInRange(t, 0, 64, false) },
  { key: 'nodeMemory', flag: 'node-memory', describe: 'memory budget per PostgreSQL node, e.g. 1g; 0 = none', default: '0', parse: parseBytes },
  { key: 'workers', flag: 'workers', describe: 'fan-out worker processes of each app, 1 to 16 (each is a process to start per trial)', default: '1', parse: (t) => parseNumberInRange(t, 1, 16, true) },
  { key: 'cacheTtl', flag: 'cache-ttl', describe: 'Memcached TTL of the app, e.g. 300s', default: '300s', parse: parseDuration },
  { key: 'window', flag: 'window', describe: "open-model window per scenario and trial at the gate's rate (p50, p90 ...)", default: '3s', parse: parseDuration },
  { key: 'warmup', flag: 'warmup', describe: 'unrecorded warm-up before each open-model window (after a Memcached flush)', default: '2s', parse: parseDuration },
  { key: 'closedWindow', flag: 'closed-window', describe: 'closed-loop window per scenario and trial (throughput)', default: '1500ms', parse: parseDuration },
  { key: 'closedWarmup', flag: 'closed-warmup', describe: 'unrecorded warm-up before each closed-loop window (the open-model window before it has warmed the process)', default: '500ms', parse: parseDuration },
  { key: 'closedConnections', flag: 'closed-connections', describe: 'connections of the closed loop, 1 to 256', default: '16', parse: (t) => parseNumberInRange(t, 1, 256, true) },
  { key: 'rate', flag: 'rate', describe: 'open-model rate of every scenario, req/s, instead of measuring the baseline\'s capacity first', parse: (t) => parseNumberInRange(t, 1, 100_000, false) },
  { key: 'loadShare', flag: 'load-share', describe: 'share of the baseline\'s measured capacity the open-model windows run at, e.g. 50%', default: '50%', parse: parseShare },
  { key: 'sweepWindow', flag: 'sweep-window', describe: 'window of the capacity sweep', default: '2s', parse: parseDuration },
  { key: 'sweepWindows', flag: 'sweep-windows', describe: 'most windows the capacity sweep may take per scenario, 3 to 30', default: '6', parse: (t) => parseNumberInRange(t, 3, 30, true) },
  { key: 'sloP99', flag: 'slo-p99', describe: 'SLO of the capacity sweep: p99 of all requests under this', default: '50ms', parse: parseDuration },
  { key: 'sloErrors', flag: 'slo-errors', describe: 'SLO of the capacity sweep: share of requests that may fail', default: '1%', parse: parseShare },
  { key: 'sloDrops', flag: 'slo-drops', describe: 'SLO of the capacity sweep: share of requests that may be dropped', default: '0.1%', parse: parseShare },
  { key: 'budget', flag: 'budget', describe: "time budget of the whole gate, e.g. 10m: after the config's abbaBlocks, more blocks run while the longest block so far still fits (decided on time alone, never on results) [default: none, exactly abbaBlocks]", parse: parseDuration },
  { key: 'pin', flag: 'pin', describe: 'pin the app to core 0 and the generator to the other core(s) with taskset (--no-pin: do not)', default: 'true', parse: parseBoolean, boolean: true },
  { key: 'out', flag: 'out', describe: 'output folder for gate.json, gate.md and gate.html [default: reports/gate-<timestamp>]', parse: parseString },
];

export const GATE_EPILOG =
  'Exit codes: 0 PASS or INCONCLUSIVE (99 for INCONCLUSIVE with failOnInconclusive in the gate config); ' +
  '99 FAIL or INVALID (a regression, or data that cannot support a verdict: fails closed), or an after-trial check failed; ' +
  '2 usage or config error; 3 stack or environment error (a server, git or an app version could not start); ' +
  '1 internal error; 130 interrupted. A harness error never exits 0.';
