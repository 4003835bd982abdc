/**
 * Reading a results file named on the command line: a results.json or a run folder holding one,
 * any version upgradeResults reads. A path that is not one is a usage error saying what is
 * accepted, never a stack trace.
 */
import { stat } from 'node:fs/promises';
import { readUserJson, RESULTS_FILE_MAX_BYTES } from '../config/user-file.ts';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import type { ResultsFile } from '../results/types.ts';
import { ResultsVersionError, upgradeResults } from '../results/upgrade.ts';

const ACCEPTED = 'accepted: a results.json written by bench run, or a run folder holding one (e.g. reports/latest)';

/** The results file a path names: itself, or results.json inside a folder. */
export async function resultsPathOf(arg: string): Promise<string> {
  const info = await stat(arg).catch(() => null);
  if (!info) throw new UsageError(`"${arg}": no such file or folder; ${ACCEPTED}`);
  if (!info.isDirectory()) return arg;
  const inside = join(arg, 'results.json');
  if (!(await stat(inside).catch(() => null))?.isFile()) throw new UsageError(`"${arg}" is a folder without a results.json; ${ACCEPTED}`);
  return inside;
}

/** The fields every reader (and the v1 upgrade) relies on, so a stray JSON file is refused rather than half rendered. */
function checkShape(value: unknown, path: string): void {
  const data = (typeof value === 'object' && value !== null ? value : {}) as Partial<ResultsFile>;
  const missing = [
    typeof data.run?.id !== 'string' && 'run.id',
    typeof data.environment !== 'object' && 'environment',
    typeof data.dataset !== 'object' && 'dataset',
    !Array.isArray(data.trials) && 'trials',
  ].filter((m): m is string => typeof m === 'string');
  if (missing.length) throw new UsageError(`"${path}" is not a tierbench results file (missing ${missing.join(', ')}); ${ACCEPTED}`);
}

/** Read, parse and upgrade a results file. */
export async function loadResults(arg: string): Promise<{ path: string; results: ResultsFile }> {
  const path = await resultsPathOf(arg);
  const read = readUserJson(path, RESULTS_FILE_MAX_BYTES);
  if (!read.ok) throw new UsageError(`${read.problem}; ${ACCEPTED}`);
  const data = read.data;
  if ((data as { schemaVersion?: unknown } | null)?.schemaVersion === 1) checkShape(data, path);
  try {
    const results = upgradeResults(data);
    checkShape(results, path);
    return { path, results };
  } catch (err) {
    if (err instanceof ResultsVersionError) throw new UsageError(`"${path}": ${err.message}`);
    throw err;
  }
}
