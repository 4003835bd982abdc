import { decodeHistogram, mergeEncoded, newHistogram, summarize } from '../metrics/histograms.ts';
import { ERROR_CLASSES, OUTCOME_CLASSES, type HistogramSummary, type OperationCounts, type OperationResult, type OutcomeClass, type TimeseriesPoint } from '../results/types.ts';
import type { RecorderPart } from './recorder.ts';

/** Exact merge of summaries (their encoded histograms), never of percentiles. */
export function mergeSummaries(list: readonly HistogramSummary[]): HistogramSummary {
  if (list.length === 1) return list[0]!;
  return summarize(mergeEncoded(list.map((s) => s.encoded)));
}

function addRecord<K extends string>(into: Partial<Record<K, number>>, from: Partial<Record<K, number>>): void {
  for (const [k, n] of Object.entries(from) as Array<[K, number]>) into[k] = (into[k] ?? 0) + n;
}

function mergeCounts(list: readonly OperationCounts[]): OperationCounts {
  const out: OperationCounts = { scheduled: 0, sent: 0, dropped: 0, ok: 0, errors: 0, errorsByClass: {}, timeouts: 0, unfinished: 0, byStatus: {} };
  for (const c of list) {
    out.scheduled += c.scheduled;
    out.sent += c.sent;
    out.dropped += c.dropped;
    out.ok += c.ok;
    out.errors += c.errors;
    out.timeouts += c.timeouts;
    out.unfinished += c.unfinished;
    addRecord(out.errorsByClass, c.errorsByClass);
    addRecord(out.byStatus, c.byStatus);
    // Skipped follow-ups appear only where there were some, as the recorder writes them.
    if (c.skipped !== undefined) out.skipped = (out.skipped ?? 0) + c.skipped;
    if (c.expectFailed !== undefined) out.expectFailed = (out.expectFailed ?? 0) + c.expectFailed;
    if (c.skippedBy !== undefined) addRecord((out.skippedBy ??= {}), c.skippedBy);
  }
  return out;
}

function mergePerSecond(list: ReadonlyArray<OperationResult['perSecond']>): OperationResult['perSecond'] {
  if (list.length === 1) return list[0]!;
  const seconds = Math.max(0, ...list.map((p) => p.length));
  return Array.from({ length: seconds }, (_, s) => {
    const merged: Partial<Record<OutcomeClass, string>> = {};
    for (const cls of OUTCOME_CLASSES) {
      const parts = list.map((p) => p[s]?.[cls]).filter((e): e is string => e !== undefined);
      if (parts.length === 1) merged[cls] = parts[0]!;
      else if (parts.length > 1) merged[cls] = summarize(mergeEncoded(parts)).encoded;
    }
    return merged;
  });
}

/** The window's operations from every generator worker's part, merged exactly. */
export function mergeParts(parts: readonly RecorderPart[]): { operations: Record<string, OperationResult>; answered: number[] } {
  const names = Object.keys(parts[0]?.operations ?? {});
  const operations: Record<string, OperationResult> = {};
  for (const name of names) {
    const ops = parts.map((p) => p.operations[name]!);
    operations[name] = {
      counts: mergeCounts(ops.map((o) => o.counts)),
      latency: {
        all: mergeSummaries(ops.map((o) => o.latency.all)),
        ok: mergeSummaries(ops.map((o) => o.latency.ok)),
        okUncorrected: mergeSummaries(ops.map((o) => o.latency.okUncorrected)),
      },
      perSecond: mergePerSecond(ops.map((o) => o.perSecond)),
    };
  }
  const seconds = Math.max(0, ...parts.map((p) => p.answered.length));
  const answered = Array.from({ length: seconds }, (_, s) => parts.reduce((n, p) => n + (p.answered[s] ?? 0), 0));
  return { operations, answered };
}

const ERRORS = new Set<OutcomeClass>(ERROR_CLASSES);

/**
 * The per-second series, derived from the per-second histograms (requests by the second they were
 * due) and the answers' arrival times. cacheHitRate is filled by the trial from Memcached's stats.
 */
export function deriveTimeseries(operations: Record<string, OperationResult>, answered: readonly number[]): TimeseriesPoint[] {
  const ops = Object.values(operations);
  const seconds = Math.max(answered.length, ...ops.map((o) => o.perSecond.length));
  return Array.from({ length: seconds }, (_, second) => {
    const all = newHistogram();
    const n: Record<OutcomeClass, number> = Object.fromEntries(OUTCOME_CLASSES.map((c) => [c, 0])) as Record<OutcomeClass, number>;
    for (const op of ops) {
      for (const [cls, encoded] of Object.entries(op.perSecond[second] ?? {}) as Array<[OutcomeClass, string]>) {
        const h = decodeHistogram(encoded);
        n[cls] += h.totalCount;
        all.add(h);
      }
    }
    const errors = [...ERRORS].reduce((a, c) => a + n[c], 0);
    const has = all.totalCount > 0;
    const scheduled = all.totalCount;
    return {
      second,
      scheduled,
      sent: scheduled - n.dropped,
      ok: n.ok,
      errors,
      timeouts: n.timeout,
      dropped: n.dropped,
      unfinished: n.unfinished,
      answered: answered[second] ?? 0,
      p50Us: has ? all.getValueAtPercentile(50) : null,
      p99Us: has ? all.getValueAtPercentile(99) : null,
      p999Us: has ? all.getValueAtPercentile(99.9) : null,
      maxUs: has ? all.getValueAtPercentile(100) : null,
      cacheHitRate: null,
    };
  });
}
