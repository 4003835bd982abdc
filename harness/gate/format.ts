/** A gate report as plain text (terminal, CI log): the verdict first, then one line per check. */
import type { GateReport } from './gate.ts';

/**
 * @returns lines joined with "\n": overall verdict and exit code, method line, each ratio metric,
 *   count and absolute check with its message, then notes
 */
export function formatGateReport(report: GateReport): string {
  const lines = [
    `gate: ${report.verdict} (exit ${report.exitCode})`,
    `  ${report.pairs} pairs per scenario; Hodges–Lehmann shift, exact Wilcoxon bounds (each one-sided ${1 - report.alpha}), Holm over ${report.family} gated comparisons at alpha ${report.alpha}`,
  ];
  for (const r of report.ratios) lines.push(`  ${r.scenario} ${r.metric}: ${r.message}`);
  for (const c of report.counts) lines.push(`  ${c.scenario} ${c.metric}: ${c.message}`);
  for (const a of report.absolute) lines.push(`  ${a.scenario} absolute thresholds: ${a.message}`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
