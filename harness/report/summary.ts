/**
 * The figures every renderer shows, taken from a results file. Latency leads with the
 * all-requests corrected histogram (every scheduled request, dropped and timed-out ones
 * included). Per operation the figures are copied from the file; the "all operations" row sums
 * the counts and merges the encoded histograms exactly (percentiles are never averaged).
 */
import type { OperationCounts, ResultsFile, Trial } from '../results/types.ts';
import { mergeEncoded } from './histogram-decode.ts';

/** Percentiles shown in summary tables. */
export const SUMMARY_PERCENTILES = [50, 90, 99, 99.9] as const;

export interface LatencyRow {
  /** All-requests corrected latency, microseconds, by SUMMARY_PERCENTILES. */
  p50Us: number | null;
  p90Us: number | null;
  p99Us: number | null;
  p999Us: number | null;
  maxUs: number | null;
  /** OK answers only: corrected p99, and uncorrected p99 (from the socket write); null for merged rows. */
  p99OkUs: number | null;
  p99UncorrectedUs: number | null;
  /** Requests with a recorded latency (every scheduled one). */
  latencyCount: number;
}

export interface OperationRow extends LatencyRow {
  operation: string;
  counts: OperationCounts;
}

export interface TrialSummary {
  index: number;
  trial: Trial;
  operations: OperationRow[];
  /** Sums over operations and the merged corrected histogram; null when the trial has no operations. */
  all: (LatencyRow & { counts: Omit<OperationCounts, 'byStatus'> }) | null;
  checksPassed: number;
  checksFailed: number;
}

function operationRow(operation: string, trial: Trial): OperationRow {
  const op = trial.operations[operation]!;
  const c = op.latency.all;
  const has = c.count > 0;
  return {
    operation,
    counts: op.counts,
    p50Us: has ? c.percentilesUs.p50 : null,
    p90Us: has ? c.percentilesUs.p90 : null,
    p99Us: has ? c.percentilesUs.p99 : null,
    p999Us: has ? c.percentilesUs['p99.9'] : null,
    maxUs: has ? c.maxUs : null,
    p99OkUs: op.latency.ok.count > 0 ? op.latency.ok.percentilesUs.p99 : null,
    p99UncorrectedUs: op.latency.okUncorrected.count > 0 ? op.latency.okUncorrected.percentilesUs.p99 : null,
    latencyCount: c.count,
  };
}

export function summarizeTrial(trial: Trial, index: number): TrialSummary {
  const names = Object.keys(trial.operations);
  const operations = names.map((n) => operationRow(n, trial));
  let all: TrialSummary['all'] = null;
  if (operations.length > 0) {
    const sum = (f: (c: OperationCounts) => number) => operations.reduce((a, r) => a + f(r.counts), 0);
    const encoded = names
      .map((n) => trial.operations[n]!.latency.all)
      .filter((h) => h.count > 0)
      .map((h) => h.encoded);
    const merged = mergeEncoded(encoded, SUMMARY_PERCENTILES);
    const has = merged.count > 0;
    const at = (p: number) => (has ? (merged.valuesUs.get(p) ?? null) : null);
    const maxima = operations.map((r) => r.maxUs).filter((v): v is number => v !== null);
    all = {
      counts: {
        scheduled: sum((c) => c.scheduled),
        sent: sum((c) => c.sent),
        dropped: sum((c) => c.dropped),
        ok: sum((c) => c.ok),
        errors: sum((c) => c.errors),
        timeouts: sum((c) => c.timeouts),
        unfinished: sum((c) => c.unfinished),
        errorsByClass: operations.reduce<OperationCounts['errorsByClass']>((acc, r) => {
          for (const [k, n] of Object.entries(r.counts.errorsByClass) as Array<[keyof OperationCounts['errorsByClass'], number]>) acc[k] = (acc[k] ?? 0) + n;
          return acc;
        }, {}),
      },
      p50Us: at(50),
      p90Us: at(90),
      p99Us: at(99),
      p999Us: at(99.9),
      // The largest recorded maximum as stored in the file (exact), not the merged histogram's
      // bucket-rounded one.
      maxUs: maxima.length > 0 ? Math.max(...maxima) : null,
      p99OkUs: null,
      p99UncorrectedUs: null,
      latencyCount: merged.count,
    };
  }
  const checksPassed = trial.checks.filter((c) => c.ok).length;
  return { index, trial, operations, all, checksPassed, checksFailed: trial.checks.length - checksPassed };
}

export function summarizeResults(results: ResultsFile): TrialSummary[] {
  return results.trials.map((t, i) => summarizeTrial(t, i));
}

/** Rows "200: 7069, 503: 4" from byStatus, most frequent first. */
export function statusBreakdown(byStatus: Record<string, number>): string {
  return Object.entries(byStatus)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}
