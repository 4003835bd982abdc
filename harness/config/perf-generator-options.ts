import type { OptionSpec } from './options.ts';
import { parseNumberInRange } from './parse.ts';

/** `npm run perf:generator -- ...`: every setting in one table, validated together. */
export const perfGeneratorOptions: OptionSpec[] = [
  { key: 'rounds', flag: 'rounds', describe: 'throughput rounds, alternating which client goes first; the figure is the median of per-round ratios, 1 to 20', default: '3', parse: (t) => parseNumberInRange(t, 1, 20, true) },
  { key: 'connections', flag: 'connections', describe: 'connections of both closed loops (ours and wrk), 1 to 256', default: '32', parse: (t) => parseNumberInRange(t, 1, 256, true) },
];
