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
 * window that broke (most windows at that rate hold), the knee lies above: the ramp resumes there. A window where the generator
 * itself was limited is measured again; if it stays limited the search ends there (beyond it the
 * numbers would be the generator's), and such windows never count in the estimate. Once the plan's
 * signal aborts, no window starts: the search rejects with InterruptedError.
 */
export async function runSweep(plan: SweepPlan, measure: MeasureWindow): Promise<SweepOutcome> {
  const steps: SweepStep[] = [];
  const count = (rate: number) => steps.filter((s) => s.rate === rate && !s.generatorLimited).length;
  // A window where the generator was late says nothing about the app: measure it again (the
  // machine may be shared), up to GENERATOR_RETRIES times, keeping every window in the record.
  const window = async (r: number): Promise<SweepStep> => {
    if (plan.signal?.aborted) throw new InterruptedError(String(plan.signal.reason ?? 'SIGINT'));
    const step = await measure(r, count(r));
    steps.push(step);
    return step;
  };
  const take = async (rate: number): Promise<SweepStep> => {
    const r = Math.round(rate);
    let step = await window(r);
    for (let retry = 0; step.generatorLimited && retry < GENERATOR_RETRIES && budgetLeft(); retry++) step = await window(r);
    return step;
  };
  const budgetLeft = () => steps.length < plan.maxWindows;
  const judged = () => steps.filter((s) => !s.generatorLimited);
  const done = (stoppedBecause: string): SweepOutcome => ({ steps, estimate: estimateMaxSustainable(judged(), plan.slo), stoppedBecause });

  let good: number | null = null;
  let start = plan.startRate;
  for (;;) {
    // Ramp.
    let bad: number | null = null;
    for (let rate = start; budgetLeft(); rate = Math.min(plan.maxRate, rate * plan.growth)) {
      const s = await take(rate);
      if (s.generatorLimited) return done(`the generator could not keep ${s.rate} req/s`);
      if (!s.holdsSlo) {
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
      if (s.generatorLimited) return done(`the generator could not keep ${s.rate} req/s`);
      if (holdsSlo(s, plan.slo)) good = s.rate;
      else bad = s.rate;
    }

    // Repeats at the knee until the interval is narrow enough.
    for (;;) {
      for (const rate of [good, bad]) while (count(rate) < plan.repeats && budgetLeft()) await take(rate);
      const e = estimateMaxSustainable(judged(), plan.slo);
      // Repeat next where the medians now put the knee (one window that broke may have been noise).
      const bracket = kneeBracket(judged(), plan.slo);
      if (bracket.good !== null && bracket.bad !== null) [good, bad] = [bracket.good, bracket.bad];
      // The repeats held where one window broke: that was noise, and the knee lies higher.
      if (e?.lowerBound && budgetLeft()) break;
      if (e && !e.lowerBound && (e.high - e.low) / e.rate <= plan.targetWidth) return done(`the interval is within ±${(plan.targetWidth * 50).toFixed(0)}% of the estimate`);
      if (!budgetLeft()) return done(e?.lowerBound ? 'the window budget ran out before a rate broke the SLO in most of its windows: a lower bound' : 'the window budget ran out while narrowing the interval');
      // More windows where the estimate is least certain: both sides again.
      plan = { ...plan, repeats: plan.repeats + 1 };
    }
    good = Math.max(good, bad);
    start = Math.min(plan.maxRate, good * plan.growth);
  }
}
