/**
 * The figures of one trial, in reading order, each with alt text carrying its key numbers. Figures
 * whose data the trial does not have (no cache gets, no replicas, one shard, no fan-out) are left out.
 */
import type { Trial } from '../../results/types.ts';
import { fmtBytes, fmtInt, fmtMs, fmtNum, fmtPct } from '../format.ts';
import { SHORT } from './canvas.ts';
import { chartFigure, gridOf, panelFigure, type FigureSpec } from './figure.ts';
import { maxOf, mean, median, minOf, present, argMax } from './stats.ts';
import { spectrumChart, type SpectrumLine } from './spectrum.ts';
import { PART, styleAt } from './style.ts';
import {
  hasNodeField,
  hasQueue,
  nodeCpuPanels,
  nodeQueryPanels,
  nodeSeries,
  queueDepth,
  replicaLagPanels,
  replicaNodes,
  shardWriteRows,
  shardWritesChart,
} from './trial-backends.ts';
import { hitRateOverTime, latencyOverTime, throughputOverTime } from './trial-time.ts';

/** "cache / photo-reads": the prefix of a trial's chart titles. */
export function trialTitle(trial: Trial): string {
  return `${trial.tier} / ${trial.scenario}`;
}

export const trialKey = (index: number, chart: string): string => `trial-${index + 1}/${chart}`;

function eventsText(trial: Trial): string {
  return trial.events.length ? ` Events marked: ${trial.events.map((e) => `${e.kind} "${e.label}" at second ${e.atSecond}`).join(', ')}.` : '';
}

function latencyFigure(i: number, t: Trial): FigureSpec {
  const p99 = t.timeseries.map((p) => p.p99Us);
  const vals = present(p99);
  const at = argMax(p99);
  const alt = vals.length
    ? `${trialTitle(t)} latency per second: p99 from ${fmtMs(minOf(vals))} to ${fmtMs(maxOf(vals))} ms (median ${fmtMs(median(vals))} ms, highest at second ${t.timeseries[at]?.second}); p50 median ${fmtMs(median(present(t.timeseries.map((p) => p.p50Us))))} ms.${eventsText(t)}`
    : `${trialTitle(t)} latency per second: no timeseries.`;
  return chartFigure(trialKey(i, 'latency'), alt,
    'All-requests latency (from the intended send time, drops and timeouts included) of the requests due in each second of the window: p50, p99, p99.9.',
    ['generator', 'upgraded'], () => latencyOverTime(`${trialTitle(t)}: latency per second`, t));
}

function throughputFigure(i: number, t: Trial): FigureSpec {
  const ok = present(t.timeseries.map((p) => p.ok));
  const errors = t.timeseries.reduce((a, p) => a + p.errors, 0);
  const notAnswered = t.timeseries.reduce((a, p) => a + p.timeouts + p.dropped + p.unfinished, 0);
  const alt = `${trialTitle(t)} throughput per second: offered ${fmtNum(t.load.rate)} req/s; OK answers per second median ${fmtInt(median(ok))}, lowest ${fmtInt(minOf(ok))}; ${fmtInt(errors)} errors and ${fmtInt(notAnswered)} timeouts, drops or unfinished in the window.${eventsText(t)}`;
  return chartFigure(trialKey(i, 'throughput'), alt,
    'Per second: requests due (scheduled), answers as they arrived, OK answers, errors, and requests not answered in time (timeouts, drops, unfinished).',
    ['dropped', 'generator'], () => throughputOverTime(`${trialTitle(t)}: throughput and errors per second`, t));
}

function hitRateFigure(i: number, t: Trial): FigureSpec | null {
  const rates = present(t.timeseries.map((p) => p.cacheHitRate));
  if (rates.length === 0) return null;
  const alt = `${trialTitle(t)} cache hit rate per second: ${fmtPct(t.backends.memcached.hitRate)} over the window; ${fmtPct(rates[0])} in the first second, ${fmtPct(rates.at(-1))} in the last, lowest ${fmtPct(minOf(rates))}.${eventsText(t)}`;
  return chartFigure(trialKey(i, 'hit-rate'), alt, "Memcached's get hit rate per second, from its own stats; gaps are seconds without gets.",
    ['hit-rate'], () => hitRateOverTime(`${trialTitle(t)}: cache hit rate per second`, t), SHORT);
}

/** One line per operation (all requests), and every operation's OK answers from the socket write merged. */
function spectrumFigure(i: number, t: Trial): FigureSpec {
  const ops = Object.entries(t.operations);
  const facts = ops.map(([name, op]) => {
    const a = op.latency.all;
    return `${name} p50 ${fmtMs(a.percentilesUs.p50)}, p99 ${fmtMs(a.percentilesUs.p99)}, p99.9 ${fmtMs(a.percentilesUs['p99.9'])}, max ${fmtMs(a.maxUs)} ms (n=${fmtInt(a.count)}); OK uncorrected p99 ${fmtMs(op.latency.okUncorrected.percentilesUs.p99)} ms`;
  });
  const lines: SpectrumLine[] = ops.map(([name, op], k) => ({ label: `${name}, all requests`, short: name, encoded: [op.latency.all.encoded], style: styleAt(k) }));
  const uncorrected = ops.map(([, op]) => op.latency.okUncorrected).filter((h) => h.count > 0).map((h) => h.encoded);
  if (uncorrected.length > 0) lines.push({ label: 'all operations, OK answers from socket write (uncorrected)', short: 'uncorrected', encoded: uncorrected, style: PART.uncorrected });
  return chartFigure(trialKey(i, 'spectrum'), `${trialTitle(t)} latency by percentile: ${facts.join('; ') || 'no operations'}.`,
    'Latency by percentile from the encoded histograms: each operation\'s requests, all of them, from their intended send time (drops and timeouts included); the thin line is every OK answer timed from the socket write (uncorrected), to show what coordinated omission would hide.',
    ['upgraded', 'generator'], () => spectrumChart(`${trialTitle(t)}: latency by percentile`, lines).config);
}

function nodeFigures(i: number, t: Trial): FigureSpec[] {
  const nodes = t.backends.postgres;
  if (nodes.length === 0 || t.backends.series.length === 0) return [];
  const out: FigureSpec[] = [];
  if (hasNodeField(t, 'cpuSeconds')) {
    const facts = nodes.map((n) => {
      const v = present(nodeSeries(t, n.node, 'cpuSeconds').map((p) => p.y));
      return `${n.node} mean ${fmtNum(mean(v), 2)}, peak ${fmtNum(maxOf(v), 2)} cores${n.cpuQuota ? ` of a ${n.cpuQuota} CPU quota` : ' (no quota)'}`;
    });
    out.push(panelFigure(trialKey(i, 'node-cpu'), `${trialTitle(t)} CPU per PostgreSQL node per second: ${facts.join('; ')}.`,
      "CPU of each PostgreSQL node's processes per second (cores), one panel per node on the same scale; the dashed line is the node's CPU quota under the capacity model.",
      [], () => nodeCpuPanels(t), gridOf(`${trialTitle(t)}: CPU per PostgreSQL node`, nodes.length, 4, 210)));
  }
  if (hasNodeField(t, 'queries')) {
    const facts = nodes.map((n) => `${n.node} mean ${fmtInt(mean(present(nodeSeries(t, n.node, 'queries').map((p) => p.y))))} statements/s`);
    out.push(panelFigure(trialKey(i, 'node-queries'), `${trialTitle(t)} statements per second per PostgreSQL node: ${facts.join('; ')}.`,
      'Statements (pg_stat_statements) and write statements per second on each PostgreSQL node, one panel per node on the same scale.',
      [], () => nodeQueryPanels(t), gridOf(`${trialTitle(t)}: statements per second per PostgreSQL node`, nodes.length, 4, 210)));
  }
  return out;
}

function replicaLagFigure(i: number, t: Trial): FigureSpec | null {
  const replicas = replicaNodes(t);
  if (replicas.length === 0 || t.backends.series.length === 0) return null;
  const facts = replicas.map((n) => {
    const s = maxOf(present(nodeSeries(t, n.node, 'replicaLagSeconds').map((p) => p.y)));
    const b = maxOf(present(nodeSeries(t, n.node, 'replicaLagBytes').map((p) => p.y)));
    return `${n.node} at most ${fmtNum(s, 3)} s and ${fmtBytes(b)} behind`;
  });
  return panelFigure(trialKey(i, 'replica-lag'), `${trialTitle(t)} replica lag per second: ${facts.join('; ')}.`,
    'Replica lag each second: seconds since the last replayed transaction committed (left) and WAL bytes received but not yet replayed (right).',
    [], () => replicaLagPanels(t), gridOf(`${trialTitle(t)}: replica lag`, 2, 2, 240));
}

function shardFigure(i: number, t: Trial): FigureSpec | null {
  const rows = shardWriteRows(t);
  if (rows.length < 2) return null;
  const avg = rows.reduce((a, r) => a + r.writes, 0) / rows.length;
  const top = rows.reduce((a, r) => (r.writes > a.writes ? r : a), rows[0]!);
  const alt = `${trialTitle(t)} writes per logical shard: ${rows.length} shards written, mean ${fmtInt(avg)}, most ${fmtInt(top.writes)} on ${top.shard} (${fmtNum(top.writes / Math.max(1, avg), 2)}× the mean).`;
  return chartFigure(trialKey(i, 'shard-writes'), alt, 'Write statements per logical shard schema over the window, in shard order; the line is the mean, labels mark where each primary\'s shards begin. Skew shows as bars far above the line.',
    [], () => shardWritesChart(`${trialTitle(t)}: writes per logical shard`, t), SHORT);
}

function fanoutFigures(i: number, t: Trial): FigureSpec[] {
  const out: FigureSpec[] = [];
  const f = t.fanout;
  if (f) {
    const alt = `${trialTitle(t)} fan-out lag by percentile: ${fmtInt(f.uploads)} uploads tracked, p50 ${fmtMs(f.lag.percentilesUs.p50)} ms, p99 ${fmtMs(f.lag.percentilesUs.p99)} ms, max ${fmtMs(f.lag.maxUs)} ms; ${fmtInt(f.incomplete)} not in every follower's feed by the end.`;
    out.push(chartFigure(trialKey(i, 'fanout-lag'), alt, "Fan-out lag by percentile: from an upload's answer until it was in every follower's feed.",
      [], () => spectrumChart(`${trialTitle(t)}: fan-out lag by percentile`, [{ label: 'upload answered → in every follower\'s feed', encoded: [f.lag.encoded], style: PART.p50 }]).config, SHORT));
  }
  if (hasQueue(t)) {
    const waiting = present(t.backends.series.map((s) => s.queue?.waiting));
    const active = present(t.backends.series.map((s) => s.queue?.active));
    out.push(chartFigure(trialKey(i, 'queue'), `${trialTitle(t)} fan-out queue per second: at most ${fmtInt(maxOf(waiting))} jobs waiting and ${fmtInt(maxOf(active))} active; ${fmtInt(waiting.at(-1))} waiting at the end.`,
      'Fan-out jobs waiting in the queue and being worked on, at the end of each second.', [], () => queueDepth(`${trialTitle(t)}: fan-out queue depth`, t), SHORT));
  }
  return out;
}

function latenessFigure(i: number, t: Trial): FigureSpec {
  const l = t.generator.sendLateness;
  const alt = `${trialTitle(t)} generator send lateness by percentile: p50 ${fmtMs(l.percentilesUs.p50)}, p99 ${fmtMs(l.percentilesUs.p99)}, max ${fmtMs(l.maxUs)} ms (n=${fmtInt(l.count)}).`;
  return chartFigure(trialKey(i, 'send-lateness'), alt,
    "The generator's own delay: from each request's intended send time to the moment it was issued. It is part of every corrected latency; large values mean the generator, not the app, was late.",
    ['generator'], () => spectrumChart(`${trialTitle(t)}: generator send lateness by percentile`, [{ label: 'intended send → issued', encoded: [l.encoded], style: PART.lateness }]).config, SHORT);
}

/** Every figure of one trial (index in results.trials), in reading order. */
export function trialFigures(index: number, t: Trial): FigureSpec[] {
  const maybe = (f: FigureSpec | null) => (f ? [f] : []);
  return [
    latencyFigure(index, t),
    throughputFigure(index, t),
    ...maybe(hitRateFigure(index, t)),
    spectrumFigure(index, t),
    ...nodeFigures(index, t),
    ...maybe(replicaLagFigure(index, t)),
    ...maybe(shardFigure(index, t)),
    ...fanoutFigures(index, t),
    latenessFigure(index, t),
  ];
}
