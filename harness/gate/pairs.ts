/**
 * From ABBA blocks to paired log-ratios, failing closed on any value that cannot be compared.
 *
 * A block runs A1 B1 B2 A2 back to back (fresh app process per trial). It gives two pairs,
 * (A1, B1) and (A2, B2): both trials of a pair share the block's conditions, so a drift that moves a
 * whole block (another job on the machine, a cache warming across blocks) cancels in each ratio; a
 * linear trend within the block adds +t to the first pair and −t to the second (B after A, then B
 * before A), which cancels in the estimate and only widens the interval.
 */
import type { FlatMetrics } from '../thresholds/metrics.ts';

/** One ABBA block of trials, each trial as its flat metrics map (harness/thresholds/metrics.ts). */
export interface AbbaBlock {
  a1: FlatMetrics;
  b1: FlatMetrics;
  b2: FlatMetrics;
  a2: FlatMetrics;
}

export type Extracted<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Why a metric value cannot enter a ratio, or undefined when it can. */
function ratioProblem(metrics: FlatMetrics, key: string): string | undefined {
  if (!(key in metrics)) return `${key} is missing`;
  const v = metrics[key];
  if (v === undefined) return `${key} has no value (no samples)`;
  if (!Number.isFinite(v)) return `${key} is ${v}`;
  if (v <= 0) return `${key} is ${v}: a ratio needs a positive value`;
  return undefined;
}

const TRIALS = [
  ['a1', 'A1'],
  ['b1', 'B1'],
  ['b2', 'B2'],
  ['a2', 'A2'],
] as const;

/**
 * The measured log-ratio ln(B/A) of every pair, in run order: block 1 (A1,B1), block 1 (A2,B2),
 * block 2 (A1,B1), ...
 * @param key flat metrics key of a positive quantity (a latency in µs, a rate per second)
 * @returns 2 × blocks log-ratios, or every problem (each naming its block and trial); no blocks is a problem
 */
export function pairLogRatios(blocks: readonly AbbaBlock[], key: string): Extracted<number[]> {
  if (blocks.length === 0) return { ok: false, problems: ['no ABBA blocks were run'] };
  const problems: string[] = [];
  blocks.forEach((block, i) => {
    for (const [field, label] of TRIALS) {
      const why = ratioProblem(block[field], key);
      if (why) problems.push(`block ${i + 1} trial ${label}: ${why}`);
    }
  });
  if (problems.length) return { ok: false, problems };
  const value = blocks.flatMap((b) => [Math.log(b.b1[key]! / b.a1[key]!), Math.log(b.b2[key]! / b.a2[key]!)]);
  return { ok: true, value };
}

/** Why a value cannot be a count, or undefined when it can. */
function countProblem(metrics: FlatMetrics, key: string): string | undefined {
  if (!(key in metrics)) return `${key} is missing`;
  const v = metrics[key];
  if (v === undefined || !Number.isInteger(v) || v < 0) return `${key} is ${v}: a count must be a whole number >= 0`;
  return undefined;
}

/**
 * A count metric per pair, [A, B], in the order of pairLogRatios: (A1, B1), (A2, B2) of each block.
 * Equal numbers of A and B trials, and the open-model schedule offers both versions the same
 * requests, so the counts of a pair compare directly.
 * @returns the pairs' counts, or every problem; no blocks is a problem
 */
export function pairCounts(blocks: readonly AbbaBlock[], key: string): Extracted<Array<[number, number]>> {
  if (blocks.length === 0) return { ok: false, problems: ['no ABBA blocks were run'] };
  const problems: string[] = [];
  blocks.forEach((block, i) => {
    for (const [field, label] of TRIALS) {
      const why = countProblem(block[field], key);
      if (why) problems.push(`block ${i + 1} trial ${label}: ${why}`);
    }
  });
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: blocks.flatMap((b): Array<[number, number]> => [[b.a1[key]!, b.b1[key]!], [b.a2[key]!, b.b2[key]!]]) };
}
