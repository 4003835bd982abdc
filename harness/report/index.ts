export { writeReport, type ReportPaths } from './write.ts';
export { renderHtml } from './html.ts';
export { renderSummaryMarkdown } from './summary-md.ts';
export { renderTerminalSummary } from './terminal.ts';
export {
  renderReportCharts,
  renderSpectrumChart,
  renderThroughputChart,
  renderCacheHitRateChart,
  hasCacheHitRate,
  chartKey,
  percentileTickLabel,
  type ChartImages,
  type ChartSize,
} from './charts.ts';
export {
  percentileSpectrum,
  spectrumOf,
  spectrumLevels,
  mergeEncoded,
  type PercentileSpectrum,
  type SpectrumPoint,
  type SpectrumOptions,
} from './histogram-decode.ts';
export { summarizeResults, summarizeTrial, SUMMARY_PERCENTILES, type TrialSummary, type OperationRow, type LatencyRow } from './summary.ts';
export { fmtMs, fmtInt, fmtPct, fmtRate, fmtBytes, escapeHtml, escapeMd } from './format.ts';
