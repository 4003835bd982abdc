/**
 * Chart.js on @napi-rs/canvas: one chart (or a grid of small panels) to a WebP image. No DOM, no
 * browser, no native build step (@napi-rs/canvas ships its binary in the npm package).
 *
 * Encoding: lossy WebP at quality 80. Charts are flat colours, thin lines and text on white; at
 * 960 px wide that is 10-20 KB per chart where PNG took 30-45 KB, which is what lets a report of
 * 18 trials with ~10 charts each stay under 5 MB as one self-contained HTML file.
 */
import { createCanvas, GlobalFonts, type Canvas } from '@napi-rs/canvas';
import { createRequire } from 'node:module';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, Legend, Title);

// A font shipped as an npm package, so chart text renders on machines without system fonts.
GlobalFonts.registerFromPath(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), 'TierbenchSans');
export const FONT_FAMILY = "TierbenchSans, 'DejaVu Sans', sans-serif";

export const IMAGE_MIME = 'image/webp';
export const WEBP_QUALITY = 70;

/** An encoded chart and its pixel size. */
export interface ChartImage {
  mime: typeof IMAGE_MIME;
  data: Buffer;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Wide charts (time series, spectra, sweeps); short ones for single-series charts. */
export const WIDE: Size = { width: 960, height: 340 };
export const SHORT: Size = { width: 960, height: 260 };

const whiteBackground: Plugin = {
  id: 'tierbenchWhiteBackground',
  beforeDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** Draw a Chart.js chart onto a new canvas of `size` and hand it to `use` (destroying a chart clears its canvas). */
function drawChart<T>(config: ChartConfiguration, size: Size, use: (canvas: Canvas) => T): T {
  const canvas = createCanvas(size.width, size.height);
  const previousFamily = Chart.defaults.font.family;
  Chart.defaults.font.family = FONT_FAMILY;
  let chart: Chart | undefined;
  try {
    chart = new Chart(canvas.getContext('2d') as unknown as CanvasRenderingContext2D, {
      ...config,
      options: { ...config.options, animation: false, responsive: false, maintainAspectRatio: false, devicePixelRatio: 1 },
      plugins: [...(config.plugins ?? []), whiteBackground],
    });
    return use(canvas);
  } finally {
    chart?.destroy();
    Chart.defaults.font.family = previousFamily;
  }
}

function encode(canvas: Canvas, size: Size): ChartImage {
  return { mime: IMAGE_MIME, data: canvas.toBuffer(IMAGE_MIME, WEBP_QUALITY), width: size.width, height: size.height };
}

/** One chart as a WebP image. */
export function renderChart(config: ChartConfiguration, size: Size = WIDE): ChartImage {
  return drawChart(config, size, (canvas) => encode(canvas, size));
}

export interface PanelGrid {
  title: string;
  /** Panels per row. */
  columns: number;
  panel: Size;
}

const GRID_TITLE_HEIGHT = 34;

/** Small multiples: several charts on one image in a grid under a common title. */
export function renderPanels(panels: readonly ChartConfiguration[], grid: PanelGrid): ChartImage {
  const rows = Math.max(1, Math.ceil(panels.length / grid.columns));
  const size = { width: grid.columns * grid.panel.width, height: GRID_TITLE_HEIGHT + rows * grid.panel.height };
  const canvas = createCanvas(size.width, size.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.fillStyle = '#666666';
  ctx.font = `bold 16px ${FONT_FAMILY}`;
  ctx.textAlign = 'center';
  ctx.fillText(grid.title, size.width / 2, 22);
  panels.forEach((config, i) => {
    const x = (i % grid.columns) * grid.panel.width;
    const y = GRID_TITLE_HEIGHT + Math.floor(i / grid.columns) * grid.panel.height;
    drawChart(config, grid.panel, (panel) => ctx.drawImage(panel, x, y));
  });
  return encode(canvas, size);
}
