import { profileNames } from '../seed/profiles.ts';
import { DEFAULT_SWEEP } from '../sweep/search.ts';
import type { OptionSpec } from './options.ts';
import { parseBoolean, parseBytes, parseChoice, parseChoiceList, parseDuration, parseNumberInRange, parseShare, parseString } from './parse.ts';

/** The tiers perf:tiers compares, each with its node count (cache: one primary). */
export const PERF_TIERS = ['cache', 'replicas', 'sharded'] as const;

/**
 * `npm run perf:tiers -- ...`: every setting in one table, validated together (resolveFlags). The
 * defaults are the comparison the figures' targets are set for: per PostgreSQL node 1 GiB, and a CPU
 * quota per workload small enough that PostgreSQL, not the app or the generator, is the limit, and
 * large enough that the quota's stalls are not (reads 0.1, likes 0.2), the starter profile.
 */
export const perfTiersOptions: OptionSpec[] = [
  { key: 'readsNodeCpus', flag: 'reads-node-cpus', describe: 'CPU quota of every PostgreSQL node (the same on every tier) for the uncached reads; above 0. At 0.2 the tiers read faster than the generator could send (1,428 req/s, no knee)', default: '0.1', parse: (t) => parseNumberInRange(t, 0.01, 64, false) },
  { key: 'writesNodeCpus', flag: 'writes-node-cpus', describe: 'CPU quota of every PostgreSQL node for the new likes; above 0. At 0.1 a like\'s p99 passed 200 ms at 10 req/s (measured when quotas ran over a 100 ms CFS period: its stalls and autovacuum, not the node\'s capacity)', default: '0.2', parse: (t) => parseNumberInRange(t, 0.01, 64, false) },
  { key: 'nodeMemory', flag: 'node-memory', describe: 'memory budget of every PostgreSQL node, e.g. 1g; 0 = none', default: '1g', parse: parseBytes },
  { key: 'profile', flag: 'profile', describe: `dataset profile: ${profileNames.join(', ')}`, default: 'starter', parse: (t) => parseChoice(t, profileNames) },
  { key: 'tiers', flag: 'tiers', describe: `tiers to sweep, comma-separated (a ratio needs cache and its other tier): ${PERF_TIERS.join(', ')}`, default: PERF_TIERS.join(','), parse: (t) => parseChoiceList(t, PERF_TIERS) },
  { key: 'ratiosOnly', flag: 'ratios-only', describe: 'sweep only what the two ratios need (reads on cache and replicas, likes on cache and sharded): 4 sweeps instead of 6, and none for a workload whose ratio lacks a tier in --tiers', default: 'false', parse: parseBoolean, boolean: true },
  // Not bench run's 50ms. Measured when quotas ran over a 100 ms CFS period (now 10 ms,
  // harness/stack/capacity.ts): a node of 0.1 CPU that had spent its 10 ms of a period waited out
  // the other 90 ms, so a p99 bound near that put the knee
  // where a node first runs out of quota in some period, well below what it can serve. At 200 ms the
  // reads' knee still fell anywhere from 53% to 83% of the node's quota (p99 ~60-280 ms at every
  // rate from 250 to 700 req/s); at 500 ms it is the quota (94-95% used at the knee). Those 200 ms
  // figures were taken while the backend sampler's once-a-second reading (14-22 ms of CPU, more
  // than a 0.1-CPU node's whole 10 ms share of a period) stalled every node; not measured since.
  { key: 'readsSloP99', flag: 'reads-slo-p99', describe: 'SLO of the uncached-reads comparison: p99 of all requests under this; far enough above a node\'s throttling stalls that the knee is the node\'s capacity, not its first throttled periods (chosen when quotas ran over 100 ms periods; not re-measured at 10 ms)', default: '500ms', parse: parseDuration },
  { key: 'writesSloP99', flag: 'writes-slo-p99', describe: 'SLO of the new-likes comparison: p99 of all requests under this (at 200 ms the likes knee is already the node\'s capacity, 94-97% of its quota)', default: '200ms', parse: parseDuration },
  { key: 'sloErrors', flag: 'slo-errors', describe: 'SLO: share of requests that may fail (errors and timeouts), e.g. 1%', default: '1%', parse: parseShare },
  { key: 'sloDrops', flag: 'slo-drops', describe: 'SLO: share of requests that may be dropped, e.g. 0.1%', default: '0.1%', parse: parseShare },
  { key: 'sweepWindow', flag: 'sweep-window', describe: 'measured window of each sweep step, e.g. 8s', default: `${DEFAULT_SWEEP.windowSec}s`, parse: parseDuration },
  { key: 'sweepWindows', flag: 'sweep-windows', describe: 'most windows a sweep may take (ramp, bisection and repeats at the knee), 3 to 100', default: String(DEFAULT_SWEEP.maxWindows), parse: (t) => parseNumberInRange(t, 3, 100, true) },
  { key: 'warmupMax', flag: 'warmup-max', describe: "longest adaptive warm-up before each sweep (it ends once p99 stops improving), e.g. 60s", default: '60s', parse: parseDuration },
  { key: 'out', flag: 'out', describe: 'folder to keep each run\'s sweeps in, every window with its rate, percentiles and node CPU (run-1.json, ...); none when not given', parse: parseString },
  { key: 'runs', flag: 'runs', describe: 'whole comparisons back to back, 1 to 20; above 1 also prints each run\'s ratios, their median and each run\'s deviation from it (target: all within ±5%)', default: '1', parse: (t) => parseNumberInRange(t, 1, 20, true) },
];
