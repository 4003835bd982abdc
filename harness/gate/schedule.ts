/**
 * The run order of a gate's trials, pure: a discarded warm-up trial, then ABBA blocks whose order
 * (ABBA or BAAB) is drawn per block from a recorded seed, so the same seed gives the same order and
 * a rerun can be checked trial by trial.
 *
 * Whatever the order, a block's pairs are (A1, B1) and (A2, B2), each pair adjacent in time:
 *   ABBA: A1 B1 B2 A2        BAAB: B1 A1 A2 B2
 * A linear trend within the block adds +t to one pair's log-ratio and −t to the other's in both
 * orders; drawing the order also keeps a version from always running first after a warm machine.
 */
import { createRng } from '../drive/rng.ts';
import type { AbbaBlock } from './pairs.ts';

export type BlockOrder = 'ABBA' | 'BAAB';
export type Version = 'A' | 'B';
/** A trial's place in its block, as the core's AbbaBlock names them. */
export type Slot = keyof AbbaBlock;

export interface PlannedTrial {
  /** 0, 1, 2, ... in run order; the warm-up is 0. */
  index: number;
  version: Version;
  /** null for the warm-up trial. */
  block: number | null;
  slot: Slot | 'warmup';
}

export interface GatePlan {
  orderSeed: number;
  orders: BlockOrder[];
  trials: PlannedTrial[];
}

const SLOTS: Record<BlockOrder, ReadonlyArray<[Version, Slot]>> = {
  ABBA: [
    ['A', 'a1'],
    ['B', 'b1'],
    ['B', 'b2'],
    ['A', 'a2'],
  ],
  BAAB: [
    ['B', 'b1'],
    ['A', 'a1'],
    ['A', 'a2'],
    ['B', 'b2'],
  ],
};

/**
 * @param blocks ABBA blocks (>= 1)
 * @param orderSeed seed of the block orders (recorded in gate.json)
 * @param warmupVersion the version of the discarded warm-up trial (the baseline by default)
 */
export function planGate(blocks: number, orderSeed: number, warmupVersion: Version = 'A'): GatePlan {
  if (!Number.isInteger(blocks) || blocks < 1) throw new RangeError(`blocks must be a positive integer, got ${blocks}`);
  const rng = createRng(orderSeed, 'gate-block-order');
  const orders = Array.from({ length: blocks }, (): BlockOrder => (rng.nextInt(2) === 0 ? 'ABBA' : 'BAAB'));
  const trials: PlannedTrial[] = [{ index: 0, version: warmupVersion, block: null, slot: 'warmup' }];
  orders.forEach((order, block) => {
    for (const [version, slot] of SLOTS[order]) trials.push({ index: trials.length, version, block, slot });
  });
  return { orderSeed, orders, trials };
}

/**
 * Whether one more ABBA block fits a time budget (bench gate --budget): the longest block so far
 * (blocks take about equal time; the longest keeps the gate inside its budget) plus a reserve for
 * the decision and the report. It looks at time only, never at results: a rule that added blocks
 * while a gate was INCONCLUSIVE would test again after every block and FAIL an A/A gate more often
 * than alpha; blocks added on time alone are a sample size fixed by the clock, so the exact tests
 * hold as they are.
 * @param budgetSec the whole gate's budget; 0 or less: no extra blocks
 */
export function anotherBlockFits(elapsedSec: number, blockSeconds: readonly number[], budgetSec: number, reserveSec = 10): boolean {
  if (!(budgetSec > 0) || blockSeconds.length === 0) return false;
  return elapsedSec + Math.max(...blockSeconds) + reserveSec <= budgetSec;
}

/**
 * The core's blocks from the measured trials of a plan (the warm-up left out).
 * @param measured a value per planned trial index (e.g. its flat metrics for one scenario)
 */
export function blocksOf<T>(plan: GatePlan, measured: ReadonlyMap<number, T>): Array<Record<Slot, T>> {
  return plan.orders.map((_, block) => {
    const out: Partial<Record<Slot, T>> = {};
    for (const t of plan.trials.filter((x) => x.block === block)) {
      const value = measured.get(t.index);
      if (value === undefined) throw new RangeError(`trial ${t.index} (block ${block + 1} ${t.slot}) was not measured`);
      out[t.slot as Slot] = value;
    }
    return out as Record<Slot, T>;
  });
}
