/**
 * Server-side Chart.js charts rendered to PNG with @napi-rs/canvas (no DOM, no browser).
 * Every plotted value comes from the results file: spectra from the encoded histograms,
 * everything else from trial.timeseries.
 */
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { createRequire } from 'node:module';
import {
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
import type { OperationResult, ResultsFile, Trial } from '../results/types.ts';
import { percentileSpectrum, type PercentileSpectrum } from './histogram-decode.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Title);

// A font shipped as an npm package, so chart text renders on machines without system fonts.
GlobalFonts.registerFromPath(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), 'TierbenchSans');
const FONT_FAMILY = "TierbenchSans, 'DejaVu Sans', sans-serif";

export const CHART_WIDTH = 960;
export const CHART_HEIGHT = 400;

export const COLORS = {
  corrected: '#d62728',
  okCorrected: '#ff7f0e',
  uncorrected: '#1f77b4',
  lateness: '#8c564b',
  timeouts: '#e377c2',
  dropped: '#000000',
  ok: '#2ca02c',
  errors: '#d62728',
  scheduled: '#7f7f7f',
  p50: '#1f77b4',
  p99: '#ff7f0e',
  hitRate: '#9467bd',
} as const;

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

/** Keys of the chart images map shared by renderReportCharts and renderHtml. */
export const chartKey = {
  spectrum: (trialIndex: number, operation: string): string => `trial-${trialIndex}/spectrum/${operation}`,
  sendLateness: (trialIndex: number): string => `trial-${trialIndex}/send-lateness`,
  throughput: (trialIndex: number): string => `trial-${trialIndex}/throughput`,
  cacheHitRate: (trialIndex: number): string => `trial-${trialIndex}/cache-hit-rate`,
};

/** PNG images by chartKey. */
export type ChartImages = ReadonlyMap<string, Buffer>;

export interface ChartSize {
  width?: number;
  height?: number;
}

function renderPng(config: ChartConfiguration, size: ChartSize = {}): Buffer {
  const canvas = createCanvas(size.width ?? CHART_WIDTH, size.height ?? CHART_HEIGHT);
  const ctx = canvas.getContext('2d');
  const previousFamily = Chart.defaults.font.family;
  Chart.defaults.font.family = FONT_FAMILY;
  let chart: Chart | undefined;
  try {
    chart = new Chart(ctx as unknown as CanvasRenderingContext2D, {
      ...config,
      options: {
        ...config.options,
        animation: false,
        responsive: false,
        maintainAspectRatio: false,
        devicePixelRatio: 1,
      },
      plugins: [...(config.plugins ?? []), whiteBackground],
    });
    return canvas.toBuffer('image/png');
  } finally {
    chart?.destroy();
    Chart.defaults.font.family = previousFamily;
  }
}

function legendOptions() {
  return {
    display: true,
    position: 'top' as const,
    labels: { usePointStyle: true, pointStyle: 'line' as const, pointStyleWidth: 36, font: { size: 13 } },
  };
}

/** The x axis of per-second charts: the seconds of the measured window. */
function secondsAxis(trial: Trial) {
  return {
    type: 'linear' as const,
    min: 0,
    max: lastSecond(trial),
    title: { display: true, text: 'second of measured window', font: { size: 13 } },
    ticks: { precision: 0, font: { size: 12 } },
  };
}

function titleFont() {
  return { size: 16, weight: 'bold' as const };
}

/** x positions of labelled percentile ticks on a 1/(1-p) axis, with their labels. */
const PERCENTILE_TICKS: readonly { x: number; label: string }[] = [
  { x: 1, label: '0%' },
  { x: 2, label: '50%' },
  { x: 10, label: '90%' },
  { x: 100, label: '99%' },
  { x: 1_000, label: '99.9%' },
  { x: 10_000, label: '99.99%' },
  { x: 100_000, label: '99.999%' },
  { x: 1_000_000, label: '99.9999%' },
];

/** Label of the 1/(1-p) x axis value, e.g. 100 -> "99%". */
export function percentileTickLabel(inverseTail: number): string {
  const tick = PERCENTILE_TICKS.find((t) => Math.abs(t.x - inverseTail) / t.x < 1e-9);
  return tick ? tick.label : '';
}

function msOf(us: number): number {
  return us / 1000;
}

/** One curve of a percentile spectrum chart. */
export interface SpectrumSeries {
  label: string;
  encoded: string;
  color: string;
  dash?: number[];
}

/**
 * Latency by percentile, x = 1/(1-p) on a log axis labelled in percentiles, y in milliseconds:
 * one curve per encoded histogram.
 */
export function renderSpectrumChart(title: string, series: readonly SpectrumSeries[], size: ChartSize = {}): Buffer {
  const spectra = series.map((s) => ({ s, spectrum: percentileSpectrum(s.encoded) }));
  const maxX = Math.max(10, ...spectra.flatMap(({ spectrum }) => spectrum.points.map((p) => p.inverseTail)));
  // Round the axis end up to the next labelled tick so the last tick is shown.
  const axisMax = PERCENTILE_TICKS.find((t) => t.x >= maxX * (1 - 1e-9))?.x ?? maxX;
  const empty = spectra.every(({ spectrum }) => spectrum.totalCount === 0);
  const config: ChartConfiguration = {
    type: 'line',
    data: {
      datasets: spectra.map(({ s, spectrum }) => ({
        label: `${s.label}, n=${spectrum.totalCount}`,
        data: spectrum.points.map((p) => ({ x: p.inverseTail, y: msOf(p.valueUs) })),
        borderColor: s.color,
        backgroundColor: s.color,
        borderWidth: 2,
        ...(s.dash ? { borderDash: s.dash } : {}),
        pointRadius: 0,
        tension: 0,
      })),
    },
    options: {
      plugins: {
        title: { display: true, text: empty ? `${title} (no requests)` : title, font: titleFont() },
        legend: legendOptions(),
      },
      scales: {
        x: {
          type: 'logarithmic',
          min: 1,
          max: axisMax,
          title: { display: true, text: 'percentile', font: { size: 13 } },
          afterBuildTicks: (axis) => {
            axis.ticks = PERCENTILE_TICKS.filter((t) => t.x <= axisMax).map((t) => ({ value: t.x, major: true }));
          },
          ticks: {
            autoSkip: false,
            maxRotation: 0,
            font: { size: 12 },
            callback: (value) => percentileTickLabel(Number(value)),
          },
        },
        y: {
          type: 'linear',
          beginAtZero: true,
          title: { display: true, text: 'latency (ms)', font: { size: 13 } },
          ticks: { font: { size: 12 } },
        },
      },
    },
  };
  return renderPng(config, size);
}

/** An operation's spectrum: every request (leading), OK answers, and OK answers from the socket write. */
export function operationSpectrumSeries(operation: OperationResult): SpectrumSeries[] {
  return [
    { label: 'all requests, from intended send', encoded: operation.latency.all.encoded, color: COLORS.corrected },
    { label: 'OK answers, from intended send', encoded: operation.latency.ok.encoded, color: COLORS.okCorrected, dash: [2, 3] },
    { label: 'OK answers, from socket write (uncorrected)', encoded: operation.latency.okUncorrected.encoded, color: COLORS.uncorrected, dash: [6, 4] },
  ];
}

/** Seconds of the measured window on x; requests/s on the left axis, latency (ms) on the right. */
export function renderThroughputChart(title: string, trial: Trial, size: ChartSize = {}): Buffer {
  const ts = trial.timeseries;
  const ms = (v: number | null) => (v === null ? null : msOf(v));
  const config: ChartConfiguration = {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'scheduled/s',
          data: ts.map((p) => ({ x: p.second, y: p.scheduled })),
          borderColor: COLORS.scheduled,
          backgroundColor: COLORS.scheduled,
          borderDash: [4, 4],
          borderWidth: 1.5,
          pointRadius: 0,
          yAxisID: 'rate',
        },
        {
          label: 'answered/s (by arrival)',
          data: ts.map((p) => ({ x: p.second, y: p.answered })),
          borderColor: COLORS.uncorrected,
          backgroundColor: COLORS.uncorrected,
          borderWidth: 1.5,
          pointRadius: 0,
          yAxisID: 'rate',
        },
        {
          label: 'ok/s',
          data: ts.map((p) => ({ x: p.second, y: p.ok })),
          borderColor: COLORS.ok,
          backgroundColor: COLORS.ok,
          borderWidth: 2,
          pointRadius: 0,
          yAxisID: 'rate',
        },
        {
          label: 'errors/s',
          data: ts.map((p) => ({ x: p.second, y: p.errors })),
          borderColor: COLORS.errors,
          backgroundColor: COLORS.errors,
          borderWidth: 2,
          pointRadius: 0,
          yAxisID: 'rate',
        },
        {
          label: 'timeouts + dropped/s',
          data: ts.map((p) => ({ x: p.second, y: p.timeouts + p.dropped + p.unfinished })),
          borderColor: COLORS.dropped,
          backgroundColor: COLORS.dropped,
          borderWidth: 1.5,
          borderDash: [2, 2],
          pointRadius: 0,
          yAxisID: 'rate',
        },
        {
          label: 'p50 latency (ms)',
          data: ts.map((p) => ({ x: p.second, y: ms(p.p50Us) })) as { x: number; y: number }[],
          borderColor: COLORS.p50,
          backgroundColor: COLORS.p50,
          borderWidth: 1.5,
          pointRadius: 2,
          spanGaps: false,
          yAxisID: 'latency',
        },
        {
          label: 'p99 latency (ms)',
          data: ts.map((p) => ({ x: p.second, y: ms(p.p99Us) })) as { x: number; y: number }[],
          borderColor: COLORS.p99,
          backgroundColor: COLORS.p99,
          borderWidth: 1.5,
          pointRadius: 2,
          spanGaps: false,
          yAxisID: 'latency',
        },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: ts.length === 0 ? `${title} (no timeseries)` : title, font: titleFont() },
        legend: legendOptions(),
      },
      scales: {
        x: secondsAxis(trial),
        rate: {
          type: 'linear',
          position: 'left',
          beginAtZero: true,
          title: { display: true, text: 'requests per second', font: { size: 13 } },
          ticks: { font: { size: 12 } },
        },
        latency: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'latency (ms)', font: { size: 13 } },
          ticks: { font: { size: 12 } },
        },
      },
    },
  };
  return renderPng(config, size);
}

function lastSecond(trial: Trial): number | undefined {
  const last = trial.timeseries[trial.timeseries.length - 1];
  return last === undefined ? undefined : last.second + 1;
}

/** Whether a trial has any per-second cache hit rate to plot. */
export function hasCacheHitRate(trial: Trial): boolean {
  return trial.timeseries.some((p) => p.cacheHitRate !== null);
}

/** Memcached get hit rate per second, in percent. */
export function renderCacheHitRateChart(title: string, trial: Trial, size: ChartSize = {}): Buffer {
  const config: ChartConfiguration = {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'memcached get hit rate (%)',
          data: trial.timeseries.map((p) => ({
            x: p.second,
            y: p.cacheHitRate === null ? null : p.cacheHitRate * 100,
          })) as { x: number; y: number }[],
          borderColor: COLORS.hitRate,
          backgroundColor: COLORS.hitRate,
          borderWidth: 2,
          pointRadius: 2,
          spanGaps: false,
        },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: title, font: titleFont() },
        legend: legendOptions(),
      },
      scales: {
        x: secondsAxis(trial),
        y: {
          type: 'linear',
          min: 0,
          max: 100,
          title: { display: true, text: 'hit rate (%)', font: { size: 13 } },
          ticks: { font: { size: 12 } },
        },
      },
    },
  };
  return renderPng(config, { height: 300, ...size });
}

/** Human title prefix of a trial's charts. */
export function trialTitle(trial: Trial): string {
  return `${trial.tier} / ${trial.scenario}`;
}

/** Render every chart of a report, keyed by chartKey. */
export function renderReportCharts(results: ResultsFile): Map<string, Buffer> {
  const images = new Map<string, Buffer>();
  results.trials.forEach((trial, i) => {
    for (const [name, op] of Object.entries(trial.operations)) {
      images.set(chartKey.spectrum(i, name), renderSpectrumChart(`${trialTitle(trial)}: ${name} latency by percentile`, operationSpectrumSeries(op)));
    }
    images.set(
      chartKey.sendLateness(i),
      renderSpectrumChart(`${trialTitle(trial)}: generator send lateness by percentile`, [
        { label: 'intended send time to issue (the generator\'s own delay)', encoded: trial.generator.sendLateness.encoded, color: COLORS.lateness },
      ], { height: 300 }),
    );
    images.set(chartKey.throughput(i), renderThroughputChart(`${trialTitle(trial)}: throughput and latency per second`, trial));
    if (hasCacheHitRate(trial)) {
      images.set(chartKey.cacheHitRate(i), renderCacheHitRateChart(`${trialTitle(trial)}: cache hit rate per second`, trial));
    }
  });
  return images;
}
