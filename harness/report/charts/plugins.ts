/**
 * Small Chart.js plugins the report's charts share: marker lines (events, an SLO bound, a CPU
 * quota, the knee of a sweep) with text labels, shaded bands (an interval), and labels at the end
 * of each line naming its series, so no series is told apart by colour alone.
 */
import type { Chart, Plugin } from 'chart.js';
import { FONT_FAMILY } from './canvas.ts';

export interface VerticalMarker {
  /** Position on the x scale. */
  x: number;
  label: string;
  color?: string;
}

export interface HorizontalMarker {
  /** Position on the y scale (id `yScale`, default 'y'). */
  y: number;
  label: string;
  color?: string;
  yScale?: string;
}

export interface Band {
  /** x range shaded behind the data. */
  from: number;
  to: number;
  color: string;
}

export interface Markers {
  vertical?: VerticalMarker[];
  horizontal?: HorizontalMarker[];
  bands?: Band[];
}

function drawLabel(chart: Chart, text: string, x: number, y: number, color: string, align: 'left' | 'right'): void {
  const { ctx } = chart;
  ctx.font = `11px ${FONT_FAMILY}`;
  const width = ctx.measureText(text).width;
  const left = align === 'left' ? x : x - width;
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(left - 2, y - 10, width + 4, 13);
  ctx.fillStyle = color;
  ctx.textAlign = 'left';
  ctx.fillText(text, left, y);
}

function drawVertical(chart: Chart, m: VerticalMarker, row: number): void {
  const x = chart.scales.x?.getPixelForValue(m.x);
  const area = chart.chartArea;
  if (x === undefined || !Number.isFinite(x) || x < area.left - 1 || x > area.right + 1) return;
  const { ctx } = chart;
  const color = m.color ?? '#444444';
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([5, 3]);
  ctx.beginPath();
  ctx.moveTo(x, area.top);
  ctx.lineTo(x, area.bottom);
  ctx.stroke();
  ctx.setLineDash([]);
  const rightHalf = x > (area.left + area.right) / 2;
  drawLabel(chart, m.label, rightHalf ? x - 4 : x + 4, area.top + 12 + row * 14, color, rightHalf ? 'right' : 'left');
  ctx.restore();
}

function drawHorizontal(chart: Chart, m: HorizontalMarker): void {
  const y = chart.scales[m.yScale ?? 'y']?.getPixelForValue(m.y);
  const area = chart.chartArea;
  if (y === undefined || !Number.isFinite(y) || y < area.top - 1 || y > area.bottom + 1) return;
  const { ctx } = chart;
  const color = m.color ?? '#444444';
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([7, 4]);
  ctx.beginPath();
  ctx.moveTo(area.left, y);
  ctx.lineTo(area.right, y);
  ctx.stroke();
  ctx.setLineDash([]);
  drawLabel(chart, m.label, area.left + 6, y - 4, color, 'left');
  ctx.restore();
}

function drawBand(chart: Chart, b: Band): void {
  const scale = chart.scales.x;
  if (!scale) return;
  const area = chart.chartArea;
  const from = Math.max(area.left, Math.min(area.right, scale.getPixelForValue(b.from)));
  const to = Math.max(area.left, Math.min(area.right, scale.getPixelForValue(b.to)));
  if (!Number.isFinite(from) || !Number.isFinite(to)) return;
  chart.ctx.save();
  chart.ctx.fillStyle = b.color;
  chart.ctx.fillRect(Math.min(from, to), area.top, Math.max(2, Math.abs(to - from)), area.bottom - area.top);
  chart.ctx.restore();
}

/** Marker lines and bands for one chart. */
export function markersPlugin(markers: Markers): Plugin {
  return {
    id: 'tierbenchMarkers',
    beforeDatasetsDraw(chart) {
      for (const b of markers.bands ?? []) drawBand(chart, b);
    },
    afterDatasetsDraw(chart) {
      (markers.vertical ?? []).forEach((m, i) => drawVertical(chart, m, i % 3));
      for (const m of markers.horizontal ?? []) drawHorizontal(chart, m);
    },
  };
}

/** The last point of a dataset that has a value, in pixels. */
function lastPoint(chart: Chart, index: number): { x: number; y: number } | null {
  const meta = chart.getDatasetMeta(index);
  const data = chart.data.datasets[index]?.data ?? [];
  for (let i = data.length - 1; i >= 0; i--) {
    const v = data[i] as { y?: number | null } | number | null | undefined;
    const y = typeof v === 'object' && v !== null ? v.y : v;
    if (y === null || y === undefined) continue;
    const el = meta.data[i] as unknown as { x: number; y: number } | undefined;
    if (el && Number.isFinite(el.x) && Number.isFinite(el.y)) return { x: el.x, y: el.y };
  }
  return null;
}

/**
 * The short name of each line at its last point (layout needs right padding for it), nudged
 * apart so labels of lines that end close together do not overlap.
 */
export function endLabelsPlugin(names: readonly (string | null)[]): Plugin {
  return {
    id: 'tierbenchEndLabels',
    afterDatasetsDraw(chart) {
      const placed: Array<{ y: number; text: string; x: number; color: string }> = [];
      names.forEach((text, i) => {
        if (!text || !chart.isDatasetVisible(i)) return;
        const p = lastPoint(chart, i);
        if (!p) return;
        const color = String(chart.data.datasets[i]?.borderColor ?? '#333');
        placed.push({ text, x: p.x, y: p.y, color });
      });
      placed.sort((a, b) => a.y - b.y);
      for (let i = 1; i < placed.length; i++) placed[i]!.y = Math.max(placed[i]!.y, placed[i - 1]!.y + 13);
      const { ctx } = chart;
      ctx.save();
      ctx.font = `bold 11px ${FONT_FAMILY}`;
      ctx.textAlign = 'left';
      for (const l of placed) {
        ctx.fillStyle = l.color;
        ctx.fillText(l.text, l.x + 6, l.y + 4);
      }
      ctx.restore();
    },
  };
}
