import type { OptionSpec } from './options.ts';
import { parseNumberInRange } from './parse.ts';

/** `npm run perf:sampler -- ...`: every setting in one table, validated together. */
export const perfSamplerOptions: OptionSpec[] = [
  { key: 'rounds', flag: 'rounds', describe: 'rounds; each times both readings back to back, 1 to 20', default: '5', parse: (t) => parseNumberInRange(t, 1, 20, true) },
  { key: 'readings', flag: 'readings', describe: 'readings of each kind per round, 1 to 1000', default: '20', parse: (t) => parseNumberInRange(t, 1, 1000, true) },
  { key: 'shapes', flag: 'shapes', describe: 'statement shapes run on each of the 64 shard schemas before measuring: pg_stat_statements entries (44 leaves about as many as a perf:tiers likes sweep on the cache tier, 2,800), 1 to 150', default: '44', parse: (t) => parseNumberInRange(t, 1, 150, true) },
  { key: 'nodeCpus', flag: 'node-cpus', describe: 'CPU quota of the PostgreSQL node, to say what share of it one reading a second takes; above 0', default: '0.2', parse: (t) => parseNumberInRange(t, 0.01, 64, false) },
];
