import type { OptionSpec } from './options.ts';
import { parseNumberInRange, parseShare, parseString } from './parse.ts';

/** `npm run gate:calibrate -- ...`: every setting in one table, validated together. */
export const gateCalibrateOptions: OptionSpec[] = [
  { key: 'records', flag: 'records', describe: 'gate.json files of A-against-A gates (baseline and candidate the same code), comma-separated; folders holding a gate.json are accepted', parse: parseString },
  { key: 'gateConfig', flag: 'gate-config', describe: 'gate config to calibrate (default: harness/gate/defaults.json); its scenarios must be in every record', parse: parseString },
  { key: 'target', flag: 'target', describe: 'largest acceptable share of A/A gates that FAIL, e.g. 1%', default: '1%', parse: parseShare },
  { key: 'resamples', flag: 'resamples', describe: 'synthetic A/A gates per evaluation, 100 to 100000', default: '2000', parse: (t) => parseNumberInRange(t, 100, 100_000, true) },
  { key: 'seed', flag: 'seed', describe: 'seed of the resampling (same seed and records, same figures)', default: '1', parse: (t) => parseNumberInRange(t, 0, 2 ** 31 - 1, true) },
];
