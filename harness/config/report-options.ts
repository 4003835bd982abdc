import { parseNumberInRange, parseString } from './parse.ts';
import type { OptionSpec } from './options.ts';

/** `bench report <results.json|run dir>`. */
export const reportOptions: OptionSpec[] = [
  { key: 'out', flag: 'out', describe: "folder for index.html, summary.md and the exports (default: the results file's folder)", parse: parseString },
];

/** `bench compare <a> <b> [...]`. */
export const compareOptions: OptionSpec[] = [
  { key: 'out', flag: 'out', describe: 'folder for compare.html and compare.md', default: 'reports/compare', parse: parseString },
  { key: 'level', flag: 'level', describe: 'confidence the intervals aim at, from 0.5 to 0.99', default: '0.95', parse: (t) => parseNumberInRange(t, 0.5, 0.99, false) },
];
