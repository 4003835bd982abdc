/**
 * One trial's backend charts, from the per-second samples (`backends.series`): CPU and queries
 * per PostgreSQL node as small multiples on a shared scale with the node's CPU quota, replica lag,
 * the fan-out queue, and writes per logical shard.
 */
import type { ChartConfiguration } from 'chart.js';
import type { BackendSecond, PostgresNodeStats, Trial } from '../../results/types.ts';
import { lineChart, type Line, type Point } from './line.ts';
import { markersPlugin, type VerticalMarker } from './plugins.ts';
import { eventMarkers, windowEnd } from './trial-time.ts';
import { PART, legend, linearAxis, niceCeil, secondsAxis, styleAt, titleFont } from './style.ts';

type NodeField = keyof BackendSecond['postgres'][string];

/** One node's per-second values of a field; null where the sample had none. */
export function nodeSeries(trial: Trial, node: string, field: NodeField): Point[] {
  return trial.backends.series.map((s) => ({ x: s.second, y: s.postgres[node]?.[field] ?? null }));
}

/** Whether any sample of any node has a value for the field. */
export function hasNodeField(trial: Trial, field: NodeField): boolean {
  return trial.backends.series.some((s) => Object.values(s.postgres).some((n) => n[field] !== null && n[field] !== undefined));
}

function peak(points: readonly Point[]): number {
  return Math.max(0, ...points.map((p) => p.y ?? 0));
}

/** "pg-replica-1 (pg-replica)", or just the name where it already says the role. */
function nodeName(n: PostgresNodeStats): string {
  return n.node === n.role || n.node.startsWith(n.role) ? n.node : `${n.node} (${n.role})`;
}

/** CPU (cores) of each node, one panel each, on one y scale, with the node's quota as a line. */
export function nodeCpuPanels(trial: Trial): ChartConfiguration[] {
  const nodes = trial.backends.postgres;
  const series = nodes.map((n) => nodeSeries(trial, n.node, 'cpuSeconds'));
  const top = Math.max(0.1, ...series.map(peak), ...nodes.map((n) => n.cpuQuota ?? 0)) * 1.15;
  return nodes.map((n, i) =>
    lineChart({
      title: `${nodeName(n)}: CPU`,
      lines: [{ label: 'CPU (cores)', points: series[i]!, style: styleAt(0) }],
      x: secondsAxis(windowEnd(trial)),
      y: linearAxis('CPU (cores)', { max: niceCeil(top) }),
      markers: {
        horizontal: n.cpuQuota ? [{ y: n.cpuQuota, label: `quota ${n.cpuQuota} CPU`, color: PART.quota.color }] : [],
        vertical: eventMarkers(trial.events, true),
      },
      emptyNote: 'CPU not read',
    }),
  );
}

/** Statements and write statements per second of each node, one panel each, on one y scale. */
export function nodeQueryPanels(trial: Trial): ChartConfiguration[] {
  const nodes = trial.backends.postgres;
  const queries = nodes.map((n) => nodeSeries(trial, n.node, 'queries'));
  const writes = nodes.map((n) => nodeSeries(trial, n.node, 'writes'));
  const top = Math.max(1, ...queries.map(peak), ...writes.map(peak)) * 1.1;
  return nodes.map((n, i) =>
    lineChart({
      title: nodeName(n),
      lines: [
        { label: 'statements/s', points: queries[i]!, style: styleAt(0) },
        { label: 'writes/s', points: writes[i]!, style: styleAt(1) },
      ],
      x: secondsAxis(windowEnd(trial)),
      y: linearAxis('statements per second', { max: niceCeil(top) }),
      markers: { vertical: eventMarkers(trial.events, true) },
      emptyNote: 'pg_stat_statements not loaded',
    }),
  );
}

export function replicaNodes(trial: Trial): PostgresNodeStats[] {
  return trial.backends.postgres.filter((n) => n.replicaLagSeconds !== null || n.replicaLagBytes !== null || hasLagSamples(trial, n.node));
}

function hasLagSamples(trial: Trial, node: string): boolean {
  return trial.backends.series.some((s) => s.postgres[node]?.replicaLagSeconds != null || s.postgres[node]?.replicaLagBytes != null);
}

/** Replica lag per second: seconds behind (left panel) and WAL bytes not yet replayed (right panel). */
export function replicaLagPanels(trial: Trial): ChartConfiguration[] {
  const replicas = replicaNodes(trial);
  const lines = (field: 'replicaLagSeconds' | 'replicaLagBytes', scale: number) =>
    replicas.map<Line>((n, i) => ({
      label: n.node,
      short: n.node,
      points: nodeSeries(trial, n.node, field).map((p) => ({ x: p.x, y: p.y === null ? null : p.y / scale })),
      style: styleAt(i),
    }));
  const markers = { vertical: eventMarkers(trial.events, true) };
  return [
    lineChart({ title: 'seconds behind the primary', lines: lines('replicaLagSeconds', 1), x: secondsAxis(windowEnd(trial)), y: linearAxis('lag (s)'), markers }),
    lineChart({ title: 'WAL not yet replayed', lines: lines('replicaLagBytes', 1024), x: secondsAxis(windowEnd(trial)), y: linearAxis('lag (KiB)'), markers }),
  ];
}

/** Whether the trial sampled the fan-out queue. */
export function hasQueue(trial: Trial): boolean {
  return trial.backends.series.some((s) => s.queue !== null && (s.queue.waiting > 0 || s.queue.active > 0));
}

/** Fan-out jobs waiting and being worked on, per second. */
export function queueDepth(title: string, trial: Trial): ChartConfiguration {
  const s = trial.backends.series;
  const lines: Line[] = [
    { label: 'jobs waiting', short: 'waiting', points: s.map((p) => ({ x: p.second, y: p.queue?.waiting ?? null })), style: styleAt(1) },
    { label: 'jobs active', short: 'active', points: s.map((p) => ({ x: p.second, y: p.queue?.active ?? null })), style: styleAt(0) },
  ];
  return lineChart({ title, lines, x: secondsAxis(windowEnd(trial)), y: linearAxis('jobs'), markers: { vertical: eventMarkers(trial.events) } });
}

/** "0-511" -> {first: 0, last: 511}; "7" -> {7, 7}; null when unreadable. */
export function parseShardRange(text: string): { first: number; last: number } | null {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return null;
  return { first: Number(m[1]), last: Number(m[2] ?? m[1]) };
}

/** Shard schemas in numeric order with their write counts. */
export function shardWriteRows(trial: Trial): Array<{ shard: string; number: number; writes: number }> {
  return Object.entries(trial.backends.shardWrites)
    .map(([shard, writes]) => ({ shard, number: Number(shard.replace(/^\D+/, '')), writes }))
    .sort((a, b) => a.number - b.number || a.shard.localeCompare(b.shard));
}

/** Where each primary's shards begin along the shard axis, as labelled markers. */
function nodeBoundaries(trial: Trial, rows: ReturnType<typeof shardWriteRows>): VerticalMarker[] {
  const primaries = trial.backends.postgres.filter((n) => !/replica/.test(n.role));
  if (primaries.length < 2) return [];
  return primaries.flatMap((n) => {
    const range = parseShardRange(n.shards);
    const index = range ? rows.findIndex((r) => r.number >= range.first) : -1;
    return index < 0 ? [] : [{ x: index - 0.5, label: n.node, color: '#333333' }];
  });
}

/** Writes per logical shard schema, in shard order, with the mean as a line and node boundaries marked. */
export function shardWritesChart(title: string, trial: Trial): ChartConfiguration {
  const rows = shardWriteRows(trial);
  const mean = rows.reduce((a, r) => a + r.writes, 0) / Math.max(1, rows.length);
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.shard),
      datasets: [{ label: 'write statements in the window', data: rows.map((r) => r.writes), backgroundColor: styleAt(0).color, borderWidth: 0, categoryPercentage: 1, barPercentage: 0.85 }],
    },
    options: {
      layout: { padding: { right: 10, top: 4 } },
      plugins: { title: { display: true, text: title, font: titleFont }, legend: legend() },
      scales: {
        x: { type: 'category', title: { display: true, text: 'logical shard (schema)', font: { size: 12 } }, ticks: { font: { size: 10 }, autoSkip: true, maxRotation: 0 } },
        y: linearAxis('write statements') as never,
      },
    },
    plugins: [markersPlugin({ horizontal: [{ y: mean, label: `mean ${Math.round(mean).toLocaleString('en-US')} per shard`, color: '#444444' }], vertical: nodeBoundaries(trial, rows) })],
  };
}
