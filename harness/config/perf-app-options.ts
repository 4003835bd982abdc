import { DEFAULT_NODE_CAPACITY } from '../stack/capacity.ts';
import type { OptionSpec } from './options.ts';
import { parseBytes, parseDuration, parseNumberInRange } from './parse.ts';

/** `npm run perf:app -- ...`: every setting in one table, validated together. */
export const perfAppOptions: OptionSpec[] = [
  { key: 'rounds', flag: 'rounds', describe: 'rounds; each runs every side back to back and the figures are medians over rounds, 1 to 20', default: '3', parse: (t) => parseNumberInRange(t, 1, 20, true) },
  { key: 'seconds', flag: 'seconds', describe: 'length of each measured run, e.g. 6s', default: '6s', parse: parseDuration },
  { key: 'connections', flag: 'connections', describe: 'connections of the HTTP closed loop, 1 to 256', default: '32', parse: (t) => parseNumberInRange(t, 1, 256, true) },
  { key: 'pgbenchClients', flag: 'pgbench-clients', describe: 'pgbench clients (-S and the photo-page script), 1 to 256', default: '16', parse: (t) => parseNumberInRange(t, 1, 256, true) },
  { key: 'pgPool', flag: 'pg-pool', describe: 'the app\'s PostgreSQL connections, 1 to 256', default: '16', parse: (t) => parseNumberInRange(t, 1, 256, true) },
  { key: 'nodeCpus', flag: 'node-cpus', describe: 'CPU quota of the PostgreSQL node for the gated ratio (the bench\'s default node size); above 0', default: String(DEFAULT_NODE_CAPACITY.cpus), parse: (t) => parseNumberInRange(t, 0.01, 64, false) },
  { key: 'nodeMemory', flag: 'node-memory', describe: 'memory budget of the PostgreSQL node, e.g. 1g; 0 = none', default: '1g', parse: parseBytes },
];
