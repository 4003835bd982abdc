import { InterruptedError } from '../errors.ts';
import type { Slo, SweepStep } from '../results/types.ts';
import { estimateMaxSustainable, holdsSlo, kneeBracket, type Estimate } from './estimate.ts';

/** How a sweep looks for the knee. */
export interface SweepPlan {
  slo: Slo;
  /** First offered rate; the ramp multiplies it by `growth` while the SLO holds. */
  startRate: number;
  maxRate: number;
  growth: number;
  windowSec: number;
  /** Bisection steps between the last rate that held and the first that did not. */
  bisections: number;
  /** Windows per rate at the knee (both sides), repeated for the interval. */
  repeats: number;
  /** Stop repeating once the interval is this narrow relative to the estimate (0.1 = ±5%). */
  targetWidth: number;
  /** At most this many windows in all. */
  maxWindows: number;
  /** Aborted (Ctrl-C): no further window starts, the search rejects with InterruptedError. */
  signal?: AbortSignal;
  /**
   * Asked once the interval is narrow enough: whether the search may stop now. While it says no
   * (other sweeps sharing the machine still search, harness/sweep/turns.ts), the search goes on
   * repeating at its knee, within the window budget. Default: always.
   */
  mayStop?: () => boolean;
}

const GENERATOR_RETRIES = 2;

export const DEFAULT_SWEEP = { growth: 1.5, windowSec: 8, bisections: 3, repeats: 3, targetWidth: 0.1, maxWindows: 30 } as const;

/** Measures one open-model window at a rate (repeat: how many windows that rate already had). */
export type MeasureWindow = (rate: number, repeat: number) => Promise<SweepStep>;

export interface SweepOutcome {
  steps: SweepStep[];
  estimate: Estimate | null;
  /** Why the search stopped where it did, in words. */
  stoppedBecause: string;
}

/**
 * The search: a geometric ramp until a window breaks the SLO, bisection between the last rate
 * that held and the first that did not, then repeated windows on both sides of the knee until the
 * bootstrap interval is narrow enough or the window budget is spent. When the repeats overturn the
 * window that broke (most windows at that rate hold), the knee lies above: the ramp resumes there.
 *
 * A window where the generator itself was limited is measured again (the machine may be shared).
 * If it stays limited, that rate becomes the ceiling: such windows never count in the estimate (their
 * numbers would be the generator's), and the search goes on below it, bisecting between the last
 * rate that held and the ceiling as if the SLO had broken there. A machine saturated by an app that
 * has collapsed makes the generator late too, so stopping at the first limited window would leave
 * a lower bound where the knee lies just below. Only when no rate is left between the last that held
 * and the ceiling does the search end there, with a lower bound. Once the plan's signal aborts, no
 * window starts: the search rejects with InterruptedError.
 */
export async function runSweep(plan: SweepPlan, measure: MeasureWindow): Promise<SweepOutcome> {
  const steps: SweepStep[] = [];
  const count = (rate: number) => steps.filter((s) => s.rate === rate && !s.generatorLimited).length;
  const window = async (r: number): Promise<SweepStep> => {
    if (plan.signal?.aborted) throw new InterruptedError(String(plan.signal.reason ?? 'SIGINT'));
    const step = await measure(r, count(r));
    steps.push(step);
    return step;
  };
  const budgetLeft = () => steps.length < plan.maxWindows;
  /** The lowest rate the generator could not keep, even when measured again. */
  let ceiling = Number.POSITIVE_INFINITY;
  const take = async (rate: number): Promise<SweepStep> => {
    const r = Math.round(rate);
    let step = await window(r);
    for (let retry = 0; step.generatorLimited && retry < GENERATOR_RETRIES && budgetLeft(); retry++) step = await window(r);
    if (step.generatorLimited) ceiling = Math.min(ceiling, r);
    return step;
  };
  /** Whether the SLO held in a window (one the generator could not keep counts as broken, for the search only). */
  const held = (s: SweepStep) => !s.generatorLimited && holdsSlo(s, plan.slo);
  const judged = () => steps.filter((s) => !s.generatorLimited);
  const done = (stoppedBecause: string): SweepOutcome => ({ steps, estimate: estimateMaxSustainable(judged(), plan.slo), stoppedBecause });
  const generatorStop = (good: number | null) => done(`the generator could not keep ${ceiling} req/s${good === null ? '' : ` and no rate is left between it and ${good} req/s, which held`}`);
  /** The ramp's next rate: geometric, but never at or above the ceiling (halfway to it instead). */
  const next = (rate: number) => {
    const r = Math.min(plan.maxRate, rate * plan.growth);
    return r < ceiling ? r : (rate + ceiling) / 2;
  };

  /** How many windows the search had when its interval first was narrow enough. */
  let narrowAt: number | null = null;
  const narrowReason = () => {
    const paced = steps.length - narrowAt!;
    return `the interval is within ±${(plan.targetWidth * 50).toFixed(0)}% of the estimate${paced > 0 ? ` (after ${narrowAt} windows; ${paced} more at the knee while other sweeps sharing the machine went on)` : ''}`;
  };
  let good: number | null = null;
  let start = plan.startRate;
  for (;;) {
    // Ramp.
    let bad: number | null = null;
    for (let rate = start; budgetLeft(); rate = next(rate)) {
      if (good !== null && Math.round(rate) >= ceiling - 1) return generatorStop(good);
      const s = await take(rate);
      if (!held(s)) {
        if (s.generatorLimited && good === null) return generatorStop(null);
        bad = s.rate;
        break;
      }
      good = s.rate;
      if (s.rate >= plan.maxRate) return done(`the SLO held up to the highest rate asked for (${plan.maxRate} req/s): a lower bound`);
    }
    if (bad === null) return done('the window budget ran out during the ramp');
    if (good === null) return done(`the SLO broke at the first rate (${bad} req/s)`);

    // Bisection.
    for (let i = 0; i < plan.bisections && budgetLeft() && bad - good > 1; i++) {
      const s = await take((good + bad) / 2);
      if (held(s)) good = s.rate;
      else bad = s.rate;
    }

    // Repeats at the knee until the interval is narrow enough (never at or above the ceiling).
    for (;;) {
      for (const rate of [good, bad]) while (rate < ceiling && count(rate) < plan.repeats && budgetLeft()) await take(rate);
      const e = estimateMaxSustainable(judged(), plan.slo);
      // Repeat next where the medians now put the knee (one window that broke may have been noise).
      const bracket = kneeBracket(judged(), plan.slo);
      if (bracket.good !== null) good = bracket.good;
      bad = bracket.bad ?? Math.min(bad, ceiling);
      // A rate measured once has no spread to resample: its interval is narrow by construction.
      const repeated = [good, bad].every((r) => r >= ceiling || count(r) >= plan.repeats);
      if (narrowAt === null && e && !e.lowerBound && repeated && (e.high - e.low) / e.rate <= plan.targetWidth) narrowAt = steps.length;
      if (narrowAt !== null) {
        // Narrow once: the windows from here on only keep pace with the other sweeps, and count in the estimate.
        if (plan.mayStop?.() ?? true) return done(narrowReason());
        if (!budgetLeft()) return done(`${narrowReason()}; the window budget ran out before the other sweeps ended`);
      } else {
        // The repeats held where one window broke: that was noise, and the knee lies higher.
        if (e?.lowerBound && budgetLeft()) break;
        if (!budgetLeft()) return done(e?.lowerBound ? 'the window budget ran out before a rate broke the SLO in most of its windows: a lower bound' : 'the window budget ran out while narrowing the interval');
      }
      // More windows where the estimate is least certain: both sides again.
      plan = { ...plan, repeats: plan.repeats + 1 };
    }
    good = Math.max(good, bad < ceiling ? bad : good);
    start = next(good);
  }
}
