/**
 * Files for other tools, computed from the results file alone (the shell writes them):
 * - `.hgrm` per trial and operation: HdrHistogram's percentile distribution text, exactly as its
 *   outputPercentileDistribution prints it (5 ticks per half-distance), values in milliseconds;
 *   for all requests (corrected), OK answers, and OK answers uncorrected. The HdrHistogram plotter
 *   (hdrhistogram.github.io/HdrHistogram/plotFiles.html) reads them.
 * - `timeseries.csv`: every trial's per-second series, with Memcached, Redis and queue samples.
 * - `postgres-nodes.csv`: every trial's per-second samples of each PostgreSQL node.
 */
import { decodeHistogram } from '../metrics/histograms.ts';
import type { HistogramSummary, ResultsFile, Trial } from '../results/types.ts';

export interface ExportFile {
  /** Path relative to the report folder, '/'-separated. */
  path: string;
  text: string;
}

const MS = 1000;

/** The percentile distribution of an encoded histogram of microseconds, in milliseconds. */
export function hgrmText(h: HistogramSummary): string {
  const histogram = decodeHistogram(h.encoded);
  try {
    return histogram.outputPercentileDistribution(5, MS);
  } finally {
    histogram.destroy();
  }
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** "t03-replicas-photo-reads": a trial's prefix in export file names (1-based, as the report numbers trials). */
export function trialFilePrefix(index: number, trial: Trial): string {
  return `t${String(index + 1).padStart(2, '0')}-${safe(trial.tier)}-${safe(trial.scenario)}`;
}

export function hgrmFiles(results: ResultsFile): ExportFile[] {
  return results.trials.flatMap((t, i) =>
    Object.entries(t.operations).flatMap(([name, op]) => {
      const base = `hgrm/${trialFilePrefix(i, t)}.${safe(name)}`;
      return [
        { path: `${base}.all.hgrm`, text: hgrmText(op.latency.all) },
        { path: `${base}.ok.hgrm`, text: hgrmText(op.latency.ok) },
        { path: `${base}.ok-uncorrected.hgrm`, text: hgrmText(op.latency.okUncorrected) },
      ];
    }),
  );
}

type Cell = string | number | null | undefined;

function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(head: readonly string[], rows: readonly Cell[][]): string {
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

const ms = (us: number | null) => (us === null ? null : us / MS);

export function timeseriesCsv(results: ResultsFile): string {
  const head = ['trial', 'tier', 'scenario', 'second', 'scheduled', 'sent', 'ok', 'errors', 'timeouts', 'dropped', 'unfinished', 'answered',
    'p50_ms', 'p99_ms', 'p999_ms', 'max_ms', 'cache_hit_rate', 'memcached_get_hits', 'memcached_get_misses', 'redis_commands', 'queue_waiting', 'queue_active'];
  const rows = results.trials.flatMap((t, i) =>
    t.timeseries.map((p) => {
      const b = t.backends.series.find((s) => s.second === p.second);
      return [i + 1, t.tier, t.scenario, p.second, p.scheduled, p.sent, p.ok, p.errors, p.timeouts, p.dropped, p.unfinished, p.answered,
        ms(p.p50Us), ms(p.p99Us), ms(p.p999Us), ms(p.maxUs), p.cacheHitRate, b?.memcached?.getHits, b?.memcached?.getMisses, b?.redis?.commands, b?.queue?.waiting, b?.queue?.active];
    }),
  );
  return csv(head, rows);
}

export function nodesCsv(results: ResultsFile): string {
  const head = ['trial', 'tier', 'scenario', 'second', 'node', 'cpu_seconds', 'cpu_quota', 'queries', 'writes', 'commits', 'rows', 'blks_hit', 'blks_read', 'replica_lag_bytes', 'replica_lag_seconds'];
  const rows = results.trials.flatMap((t, i) =>
    t.backends.series.flatMap((s) =>
      Object.entries(s.postgres).map(([node, n]) => {
        const quota = t.backends.postgres.find((p) => p.node === node)?.cpuQuota;
        return [i + 1, t.tier, t.scenario, s.second, node, n.cpuSeconds, quota, n.queries, n.writes, n.commits, n.rows, n.blksHit, n.blksRead, n.replicaLagBytes, n.replicaLagSeconds];
      }),
    ),
  );
  return csv(head, rows);
}

/** Every export of a run. */
export function exportFiles(results: ResultsFile): ExportFile[] {
  return [
    { path: 'timeseries.csv', text: timeseriesCsv(results) },
    { path: 'postgres-nodes.csv', text: nodesCsv(results) },
    ...hgrmFiles(results),
  ];
}
