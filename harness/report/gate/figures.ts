/**
 * The gate's figures (Chart.js on @napi-rs/canvas, like the run report): per scenario, the paired
 * values of each ratio metric (A and B of every pair, in run order), and each pair's change of B
 * against A with the threshold, the estimate and its interval.
 */
import { gridOf, panelFigure, type FigureSpec } from '../charts/figure.ts';
import { lineChart } from '../charts/line.ts';
import { latencyAxis, linearAxis, styleAt, type SeriesStyle } from '../charts/style.ts';
import type { HorizontalMarker } from '../charts/plugins.ts';
import type { GateRecord } from '../../run/gate/runner.ts';
import { formatPercent } from '../../gate/metrics.ts';
import { metricLabel, pairedValues } from './text.ts';

const A_STYLE: SeriesStyle = styleAt(0);
const B_STYLE: SeriesStyle = { ...styleAt(1), dash: [6, 3] };

const pairAxis = (n: number) => ({
  type: 'linear',
  min: 0,
  max: n + 1,
  title: { display: true, text: 'pair (run order: block 1 first pair, block 1 second pair, ...)', font: { size: 12 } },
  ticks: { stepSize: 1, font: { size: 11 }, callback: (v: number | string) => (Number(v) >= 1 && Number(v) <= n ? String(v) : '') },
});

function pairedPanel(record: GateRecord, scenario: string, metric: string) {
  const values = pairedValues(record, scenario, metric);
  const throughput = metric === 'throughput';
  const scale = (v: number | null) => (v === null ? null : throughput ? v : v / 1000);
  const a = values.map((v) => ({ x: v.pair, y: scale(v.a) }));
  const b = values.map((v) => ({ x: v.pair, y: scale(v.b) }));
  return lineChart({
    title: metricLabel(metric),
    lines: [
      { label: 'A (baseline)', short: 'A', points: a, style: A_STYLE, allPoints: true },
      { label: 'B (candidate)', short: 'B', points: b, style: B_STYLE, allPoints: true },
    ],
    x: pairAxis(values.length),
    y: throughput ? linearAxis('OK answers per second') : latencyAxis([...a, ...b].map((p) => p.y), { beginAtZero: false }),
  });
}

function changePanel(record: GateRecord, scenario: string, metric: string) {
  const r = record.report.ratios.find((x) => x.scenario === scenario && x.metric === metric);
  // B/A per pair on a log scale: a halving and a doubling are equally far from 1, and one stalled trial does not flatten the rest.
  const ratios = r?.stats?.lnRatios.map((x, i) => ({ x: i + 1, y: Math.exp(x) })) ?? [];
  const at = (pct: number) => 1 + pct / 100;
  const horizontal: HorizontalMarker[] = [];
  if (r?.thresholdPct !== null && r?.thresholdPct !== undefined) horizontal.push({ y: at(r.thresholdPct), label: `threshold ${formatPercent(r.thresholdPct)}`, color: '#D55E00' });
  if (r?.stats) {
    horizontal.push({ y: at(r.stats.estimatePct), label: `estimate ${formatPercent(r.stats.estimatePct)}`, color: '#0072B2' });
    const [lo, hi] = r.stats.intervalPct;
    if (lo !== null) horizontal.push({ y: at(lo), label: `interval ${formatPercent(lo)}`, color: '#7f7f7f' });
    if (hi !== null) horizontal.push({ y: at(hi), label: `interval ${formatPercent(hi)}`, color: '#7f7f7f' });
  }
  horizontal.push({ y: 1, label: 'no change', color: '#000000' });
  const ys = [...ratios.map((c) => c.y), ...horizontal.map((h) => h.y)].filter((v) => Number.isFinite(v) && v > 0);
  return lineChart({
    title: `${metricLabel(metric)}: B / A per pair (${r?.verdict ?? 'n/a'})`,
    lines: [{ label: 'B / A', points: ratios, style: styleAt(2), allPoints: true }],
    x: pairAxis(ratios.length),
    y: {
      type: 'logarithmic',
      min: Math.min(...ys) / 1.15,
      max: Math.max(...ys) * 1.15,
      title: { display: true, text: 'B / A (log scale; 1 = no change)', font: { size: 12 } },
      ticks: { font: { size: 11 }, callback: (v: number | string) => { const n = Number(v); const m = n / 10 ** Math.floor(Math.log10(n) + 1e-9); return [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6) || [0.8, 0.9, 1.1, 1.25, 1.5].includes(Number(n.toPrecision(3))) ? `${Number(n.toPrecision(3))}×` : ''; } },
    },
    markers: { horizontal },
    legend: false,
  });
}

/** Figures of one scenario: paired values, then per-pair changes. */
export function gateFigures(record: GateRecord): FigureSpec[] {
  const specs: FigureSpec[] = [];
  for (const scenario of record.config.scenarios) {
    const metrics = record.report.ratios.filter((r) => r.scenario === scenario).map((r) => r.metric);
    if (!metrics.length) continue;
    const alt = metrics
      .map((m) => {
        const r = record.report.ratios.find((x) => x.scenario === scenario && x.metric === m)!;
        return `${m}: ${r.stats ? formatPercent(r.stats.estimatePct) : 'n/a'} (${r.verdict})`;
      })
      .join('; ');
    specs.push(
      panelFigure(
        `gate/${scenario}/paired`,
        `${scenario}: A and B of every pair. ${alt}`,
        `${scenario}: each metric of A (solid circles) and B (dashed triangles) per pair, in run order; latency in ms of all requests at the gate's rate, throughput of the closed loop.`,
        [],
        () => metrics.map((m) => pairedPanel(record, scenario, m)),
        gridOf(`${scenario}: paired values`, metrics.length, 2, 300),
      ),
    );
    const gated = metrics.filter((m) => record.report.ratios.find((x) => x.scenario === scenario && x.metric === m)?.stats);
    if (gated.length)
      specs.push(
        panelFigure(
          `gate/${scenario}/changes`,
          `${scenario}: change of B against A per pair. ${alt}`,
          `${scenario}: each pair's B / A on a log scale (1 = no change), with the threshold, the Hodges–Lehmann estimate and the ends of its interval.`,
          [],
          () => gated.map((m) => changePanel(record, scenario, m)),
          gridOf(`${scenario}: change per pair`, gated.length, 2, 300),
        ),
      );
  }
  return specs;
}
