/**
 * The line chart every report chart is made of: titled, a legend, units on both axes, optional
 * marker lines, and each line named at its end.
 */
import type { ChartConfiguration, Plugin } from 'chart.js';
import { endLabelsPlugin, markersPlugin, type Markers } from './plugins.ts';
import { legend, lineStyle, titleFont, type AxisOptions, type SeriesStyle } from './style.ts';

export interface Point {
  x: number;
  y: number | null;
}

export interface Line {
  /** Legend text (full). */
  label: string;
  /** Text at the line's end; omitted: no end label. */
  short?: string;
  points: Point[];
  style: SeriesStyle;
  width?: number;
  /** Draw markers at every point (sparse series such as sweep steps). */
  allPoints?: boolean;
  /** Per-point marker shape override (e.g. a cross where a step broke the SLO). */
  pointStyles?: string[];
  /** No markers at all (reference lines). */
  noPoints?: boolean;
}

export interface LineChart {
  title: string;
  lines: Line[];
  x: AxisOptions;
  y: AxisOptions;
  markers?: Markers;
  /** Shown in the title when every line is empty. */
  emptyNote?: string;
  /** false: no legend (a panel whose title names its one series). */
  legend?: boolean;
}

/** Whether a chart would draw nothing. */
export function isEmpty(lines: readonly Line[]): boolean {
  return lines.every((l) => l.points.every((p) => p.y === null));
}

function dataset(l: Line) {
  const base = lineStyle(l.style, l.points.length, l.width);
  return {
    label: l.label,
    data: l.points as Array<{ x: number; y: number }>,
    ...base,
    ...(l.allPoints ? { pointRadius: 4 } : {}),
    ...(l.pointStyles ? { pointStyle: l.pointStyles } : {}),
    ...(l.noPoints ? { pointRadius: 0 } : {}),
    spanGaps: false,
  };
}

/** A line chart configuration (not rendered). */
export function lineChart(c: LineChart): ChartConfiguration {
  const plugins: Plugin[] = [];
  if (c.markers) plugins.push(markersPlugin(c.markers));
  const shorts = c.lines.map((l) => l.short ?? null);
  if (shorts.some((s) => s !== null)) plugins.push(endLabelsPlugin(shorts));
  const longest = Math.max(0, ...shorts.map((s) => s?.length ?? 0));
  const title = isEmpty(c.lines) ? `${c.title} (${c.emptyNote ?? 'no data'})` : c.title;
  return {
    type: 'line',
    data: { datasets: c.lines.map(dataset) as never },
    options: {
      layout: { padding: { right: 10 + longest * 7, top: 4 } },
      plugins: { title: { display: true, text: title, font: titleFont }, legend: legend(c.legend ?? true) },
      scales: { x: c.x, y: c.y } as never,
    },
    plugins,
  };
}
