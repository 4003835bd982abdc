/**
 * How series look: colours from the Okabe-Ito palette (readable with colour-vision deficiencies),
 * and never colour alone: each series also has its own dash pattern and marker shape, and the
 * legend and end-of-line labels name it. Axis helpers put units on every axis and choose a
 * logarithmic latency axis where values span orders of magnitude.
 */
export type PointStyle = 'circle' | 'triangle' | 'rectRot' | 'rect' | 'star' | 'crossRot' | 'rectRounded';

export interface SeriesStyle {
  color: string;
  dash: number[];
  point: PointStyle;
}

const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;
const DASHES: number[][] = [[], [9, 4], [2, 3], [12, 3, 2, 3], [5, 5], [1, 2]];
const POINTS: PointStyle[] = ['circle', 'triangle', 'rectRot', 'rect', 'star', 'crossRot'];

/** The n-th distinct style: colour, dash and marker all change together. */
export function styleAt(n: number): SeriesStyle {
  const i = ((n % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length;
  return { color: OKABE_ITO[i]!, dash: DASHES[n % DASHES.length]!, point: POINTS[n % POINTS.length]! };
}

const TIER_ORDER = ['cache', 'replicas', 'sharded'];

/** A tier's style, the same on every chart of a report: cache solid circles, replicas dashed triangles, sharded dotted diamonds. */
export function tierStyle(tier: string): SeriesStyle {
  const known = TIER_ORDER.indexOf(tier);
  if (known >= 0) return styleAt(known);
  let h = 0;
  for (const c of tier) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return styleAt(TIER_ORDER.length + (h % 3));
}

/** Tiers in their natural order (cache, replicas, sharded, then others by name). */
export function sortTiers(tiers: Iterable<string>): string[] {
  const rank = (t: string) => (TIER_ORDER.includes(t) ? TIER_ORDER.indexOf(t) : TIER_ORDER.length);
  return [...new Set(tiers)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Fixed colours of the parts of one trial's charts (each also has a dash or marker of its own). */
export const PART = {
  scheduled: { color: '#7f7f7f', dash: [4, 4], point: 'circle' },
  answered: { color: '#0072B2', dash: [], point: 'circle' },
  ok: { color: '#009E73', dash: [], point: 'triangle' },
  errors: { color: '#D55E00', dash: [], point: 'crossRot' },
  notAnswered: { color: '#000000', dash: [2, 2], point: 'rect' },
  p50: { color: '#0072B2', dash: [], point: 'circle' },
  p99: { color: '#D55E00', dash: [8, 4], point: 'triangle' },
  p999: { color: '#CC79A7', dash: [2, 3], point: 'rectRot' },
  hitRate: { color: '#6a3d9a', dash: [], point: 'circle' },
  quota: { color: '#D55E00', dash: [6, 4], point: 'circle' },
  lateness: { color: '#8c564b', dash: [], point: 'circle' },
  allRequests: { color: '#B2182B', dash: [], point: 'circle' },
  okLatency: { color: '#E69F00', dash: [2, 3], point: 'triangle' },
  uncorrected: { color: '#56B4E9', dash: [9, 4], point: 'rectRot' },
} as const satisfies Record<string, SeriesStyle>;

/** Markers on every `every`-th point only, so dense lines stay lines and still carry their shape. */
export function sparsePoints(count: number, radius = 3.5): (ctx: { dataIndex: number }) => number {
  const every = Math.max(1, Math.ceil(count / 8));
  return (ctx) => (ctx.dataIndex % every === 0 || ctx.dataIndex === count - 1 ? radius : 0);
}

/** Line dataset options for a style: colour, dash, marker shape, markers on some points. */
export function lineStyle(style: SeriesStyle, count: number, width = 2) {
  return {
    borderColor: style.color,
    backgroundColor: style.color,
    borderWidth: width,
    borderDash: style.dash,
    pointStyle: style.point,
    pointRadius: sparsePoints(count),
    pointBorderWidth: 1.5,
    tension: 0,
  };
}

export const titleFont = { size: 15, weight: 'bold' as const };
const axisTitle = (text: string) => ({ display: true, text, font: { size: 12 } });

/** A legend whose swatches are the series' marker shapes (the dash is on the line itself). */
export function legend(display = true) {
  return { display, position: 'top' as const, labels: { usePointStyle: true, boxWidth: 8, boxHeight: 7, font: { size: 12 } } };
}

/** 1, 2 and 5 times a power of ten. */
function isNiceLogTick(v: number): boolean {
  if (!(v > 0)) return false;
  const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6);
}

/** A millisecond value as a tick label: 0.05, 2, 150, 1,500. */
export function msTick(v: number): string {
  if (v >= 1) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(2)));
}

/** The smallest of 1, 2, 2.5, 5 times a power of ten at or above `v`: a tidy axis end. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = [1, 2, 2.5, 5, 10].find((k) => k * p >= v * (1 - 1e-9))!;
  return m * p;
}

/** Whether positive values span more than `ratio` between smallest and largest: then a log axis reads better. */
export function spansOrders(values: Iterable<number | null | undefined>, ratio = 20): boolean {
  let min = Infinity;
  let max = 0;
  for (const v of values) {
    if (v === null || v === undefined || !(v > 0)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return max > 0 && max / min >= ratio;
}

/** Chart.js scale options, loosely typed (Chart.js' own option types require every nested field). */
export type AxisOptions = Record<string, unknown>;

/** A latency axis in milliseconds: logarithmic when the values span orders of magnitude, and it says so. */
export function latencyAxis(valuesMs: Iterable<number | null | undefined>, extra: Record<string, unknown> = {}): AxisOptions {
  if (spansOrders(valuesMs)) {
    return {
      type: 'logarithmic',
      title: axisTitle('latency (ms, log scale)'),
      ticks: { autoSkip: false, font: { size: 11 }, callback: (v: number | string) => (isNiceLogTick(Number(v)) ? msTick(Number(v)) : '') },
      grid: { color: (c: { tick?: { value: number } }) => (c.tick && isNiceLogTick(c.tick.value) ? 'rgba(0,0,0,0.1)' : 'rgba(0,0,0,0)') },
      ...extra,
    };
  }
  return { type: 'linear', beginAtZero: true, title: axisTitle('latency (ms)'), ticks: { font: { size: 11 } }, ...extra };
}

/** A linear axis from zero with a unit in its title. */
export function linearAxis(title: string, extra: Record<string, unknown> = {}): AxisOptions {
  return { type: 'linear', beginAtZero: true, title: axisTitle(title), ticks: { font: { size: 11 } }, ...extra };
}

/** The x axis of per-second charts: seconds of the measured window. */
export function secondsAxis(lastSecond: number | undefined): AxisOptions {
  return {
    type: 'linear',
    min: 0,
    ...(lastSecond === undefined ? {} : { max: lastSecond }),
    title: axisTitle('second of measured window (s)'),
    ticks: { precision: 0, includeBounds: false, font: { size: 11 } },
  };
}
