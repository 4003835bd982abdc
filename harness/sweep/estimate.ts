import { createRng, type Rng } from '../drive/rng.ts';
import type { Slo } from '../results/types.ts';

/** One measured window of a sweep, as the estimate needs it. */
export interface WindowFigures {
  rate: number;
  p99Us: number | null;
  errorRate: number;
  dropRate: number;
}

/**
 * How far a window is from breaking the SLO: the largest of p99 / bound, error rate / budget and
 * drop rate / budget. At most 1 means the window held the SLO. A budget of 0 makes any error (or
 * drop) break it. A window with no latency at all (nothing answered) is infinitely far.
 */
export function sloLoad(w: WindowFigures, slo: Slo): number {
  const ratio = (value: number, budget: number) => (value === 0 ? 0 : budget > 0 ? value / budget : Number.POSITIVE_INFINITY);
  const latency = w.p99Us === null ? Number.POSITIVE_INFINITY : w.p99Us / 1000 / slo.p99Ms;
  return Math.max(latency, ratio(w.errorRate, slo.errorBudget), ratio(w.dropRate, slo.dropBudget));
}

export const holdsSlo = (w: WindowFigures, slo: Slo): boolean => sloLoad(w, slo) <= 1;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A sweep's windows grouped by offered rate (the unit the bootstraps resample within). */
export function windowsByRate(windows: readonly WindowFigures[]): WindowFigures[][] {
  const byRate = new Map<number, WindowFigures[]>();
  for (const w of windows) byRate.set(w.rate, [...(byRate.get(w.rate) ?? []), w]);
  return [...byRate.values()];
}

/** One bootstrap resample: at every rate, as many windows as were measured there, drawn with replacement. */
export function resampleWindows(groups: readonly WindowFigures[][], rng: Rng): WindowFigures[] {
  const out: WindowFigures[] = [];
  for (const list of groups) for (let k = 0; k < list.length; k++) out.push(list[rng.nextInt(list.length)]!);
  return out;
}

/** Each offered rate with the median SLO load of its windows, by rate. */
function medianLoads(windows: readonly WindowFigures[], slo: Slo): Array<{ rate: number; load: number }> {
  return windowsByRate(windows)
    .map((ws) => ({ rate: ws[0]!.rate, load: median(ws.map((w) => sloLoad(w, slo))) }))
    .sort((a, b) => a.rate - b.rate);
}

/**
 * The highest rate holding the SLO: where the median SLO load over a rate's windows crosses 1,
 * interpolated linearly in log(load) between the last rate at or under 1 and the next one above
 * (latency rises steeply at the knee, so the crossing moves little with noise). null when even the
 * lowest rate broke the SLO; the highest rate measured when none broke it (a lower bound).
 */
export function maxSustainable(windows: readonly WindowFigures[], slo: Slo): number | null {
  const points = medianLoads(windows, slo);
  if (points.length === 0) return null;
  // The first rate whose median breaks the SLO; the knee lies before it.
  const firstBad = points.findIndex((p) => p.load > 1);
  if (firstBad === -1) return points[points.length - 1]!.rate;
  if (firstBad === 0) return null;
  const good = points[firstBad - 1]!;
  const bad = points[firstBad]!;
  if (!Number.isFinite(bad.load) || good.load <= 0) return good.rate;
  const t = (0 - Math.log(good.load)) / (Math.log(bad.load) - Math.log(good.load));
  return good.rate + Math.min(1, Math.max(0, t)) * (bad.rate - good.rate);
}

/** maxSustainable of one resample; one where even the lowest rate failed counts as the lowest rate measured. */
export function resampledEstimate(groups: readonly WindowFigures[][], slo: Slo, rng: Rng): number {
  return maxSustainable(resampleWindows(groups, rng), slo) ?? Math.min(...groups.map((g) => g[0]!.rate));
}

export interface Estimate {
  rate: number;
  low: number;
  high: number;
  method: string;
  /**
   * No window above the estimate broke the SLO (none was measured there, or only ones the generator
   * could not keep, which never count): the tier holds at least this much, and how much more is
   * not known. Its interval is then the windows' spread below it, not an interval of the capacity.
   */
  lowerBound?: true;
}

/**
 * The two rates the estimate lies between, by their windows' median SLO load: the highest whose
 * median holds at or under it and the lowest above it whose median breaks; null where there is
 * none. Repeating windows there narrows the estimate; repeating where one window broke may not.
 */
export function kneeBracket(windows: readonly WindowFigures[], slo: Slo): { good: number | null; bad: number | null } {
  const rate = maxSustainable(windows, slo);
  const points = medianLoads(windows, slo).map((p) => ({ rate: p.rate, holds: p.load <= 1 }));
  const good = rate === null ? null : (points.filter((p) => p.holds && p.rate <= rate).at(-1)?.rate ?? null);
  const bad = points.find((p) => !p.holds && (rate === null || p.rate > rate))?.rate ?? null;
  return { good, bad };
}

/** Whether some window above the sweep's estimate broke the SLO: without one the estimate is only a lower bound. */
export function foundKnee(windows: readonly WindowFigures[], slo: Slo): boolean {
  const rate = maxSustainable(windows, slo);
  return rate !== null && windows.some((w) => w.rate > rate);
}

const RESAMPLES = 1000;

/**
 * maxSustainable with a 95% interval by bootstrap over windows: each resample draws, at every
 * rate, as many windows as were measured there (with replacement), and recomputes the crossing;
 * the interval is the 2.5th and 97.5th percentiles of the resampled estimates. Seeded: the same
 * windows give the same interval.
 */
export function estimateMaxSustainable(windows: readonly WindowFigures[], slo: Slo, seed = 1): Estimate | null {
  const rate = maxSustainable(windows, slo);
  if (rate === null) return null;
  const groups = windowsByRate(windows);
  const rng = createRng(seed, 'sweep-bootstrap');
  const estimates: number[] = [];
  for (let i = 0; i < RESAMPLES; i++) estimates.push(resampledEstimate(groups, slo, rng));
  estimates.sort((a, b) => a - b);
  const at = (q: number) => estimates[Math.min(estimates.length - 1, Math.floor(q * estimates.length))]!;
  const knee = foundKnee(windows, slo);
  return {
    rate,
    low: Math.min(rate, at(0.025)),
    high: Math.max(rate, at(0.975)),
    method: `SLO-load crossing of the per-rate median, interpolated in log load; 95% interval: bootstrap over windows (${RESAMPLES} resamples)${knee ? '' : '; a lower bound: no window above it broke the SLO'}`,
    ...(knee ? {} : { lowerBound: true as const }),
  };
}
