import { profiles } from '../seed/profiles.ts';
import type { OptionSpec } from './options.ts';
import { parseChoice } from './parse.ts';

/** `npm run perf:seed -- ...`: every setting in one table, validated together. */
export const perfSeedOptions: OptionSpec[] = [
  { key: 'profile', flag: 'profile', describe: `dataset profile to seed, snapshot and restore: ${Object.keys(profiles).join(', ')}`, default: 'small', parse: (t) => parseChoice(t, Object.keys(profiles)) },
];
