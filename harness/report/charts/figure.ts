/**
 * A figure of the report: what to draw (rendered on demand), its alt text carrying the chart's key
 * numbers, its caption, and which warnings belong beside it.
 */
import type { ChartConfiguration } from 'chart.js';
import type { WarningTopic } from '../warnings.ts';
import { renderChart, renderPanels, WIDE, type ChartImage, type PanelGrid, type Size } from './canvas.ts';

export interface FigureSpec {
  /** Unique within a report, e.g. "trial-3/latency" or "scenario/photo-reads/spectrum". */
  key: string;
  alt: string;
  caption: string;
  /** Warnings of these topics are shown beside the figure. */
  topics: WarningTopic[];
  render: () => ChartImage;
}

/** Chart images by figure key. */
export type ChartImages = ReadonlyMap<string, ChartImage>;

/** A figure of one chart. */
export function chartFigure(key: string, alt: string, caption: string, topics: WarningTopic[], config: () => ChartConfiguration, size: Size = WIDE): FigureSpec {
  return { key, alt, caption, topics, render: () => renderChart(config(), size) };
}

/** A figure of small multiples. */
export function panelFigure(key: string, alt: string, caption: string, topics: WarningTopic[], panels: () => ChartConfiguration[], grid: PanelGrid): FigureSpec {
  return { key, alt, caption, topics, render: () => renderPanels(panels(), grid) };
}

/** Render figures into an image map. */
export function renderFigures(specs: Iterable<FigureSpec>): Map<string, ChartImage> {
  const images = new Map<string, ChartImage>();
  for (const s of specs) images.set(s.key, s.render());
  return images;
}

/** A panel grid `columns` wide filling the report's chart width. */
export function gridOf(title: string, panels: number, maxColumns: number, height: number): PanelGrid {
  const columns = Math.max(1, Math.min(maxColumns, panels));
  return { title, columns, panel: { width: Math.floor(WIDE.width / columns), height } };
}
