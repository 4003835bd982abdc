import { describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP, runSweep } from '../../harness/sweep/search.ts';
import { Turns } from '../../harness/sweep/turns.ts';
import { SWEEP_TEST_SLO as slo, simulatedSystem as system } from '../helpers/sweep-system.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Turns', () => {
  it('runs one task at a time, and two loops sharing it alternate', async () => {
    const turns = new Turns();
    const log: string[] = [];
    let running = 0;
    const loop = async (name: string, windows: number, ms: number) => {
      for (let i = 0; i < windows; i++) {
        await turns.take(async () => {
          running++;
          expect(running).toBe(1);
          log.push(`${name}${i}`);
          await tick(ms);
          running--;
        });
      }
    };
    await Promise.all([loop('a', 3, 5), loop('b', 3, 1)]);
    expect(log).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
  });

  it("passes on a task's result and error, and a failed task does not block the next", async () => {
    const turns = new Turns();
    const failed = turns.take(async () => {
      throw new Error('window failed');
    });
    const next = turns.take(async () => 42);
    await expect(failed).rejects.toThrow('window failed');
    await expect(next).resolves.toBe(42);
  });
});

describe('seats', () => {
  it('let a sweep stop only once every seat would, or has left', () => {
    const turns = new Turns();
    const a = turns.seat();
    const b = turns.seat();
    const c = turns.seat();
    expect(a.mayStop()).toBe(false);
    expect(b.mayStop()).toBe(false);
    c.leave();
    expect(a.mayStop()).toBe(true);
    expect(b.mayStop()).toBe(true);
  });

  it('keep two sweeps alternating to the end: the one narrow first repeats at its knee until the other is done', async () => {
    const turns = new Turns();
    const order: string[] = [];
    const sweep = async (name: string, noise: number) => {
      const seat = turns.seat();
      const inner = system(2000, noise, 3);
      try {
        return await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP, mayStop: seat.mayStop }, (rate, repeat) =>
          seat.take(async () => {
            order.push(name);
            await tick(0);
            return inner(rate, repeat);
          }),
        );
      } finally {
        seat.leave();
      }
    };
    // Alone, the quiet system is narrow after fewer windows than the noisy one needs.
    const aloneQuiet = await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP }, system(2000, 0.02, 3));
    const aloneNoisy = await runSweep({ slo, startRate: 100, maxRate: 100_000, ...DEFAULT_SWEEP }, system(2000, 0.6, 3));
    expect(aloneQuiet.steps.length).toBeLessThan(aloneNoisy.steps.length - 2);

    const [quiet, noisy] = await Promise.all([sweep('quiet', 0.02), sweep('noisy', 0.6)]);
    expect(quiet.steps.length).toBeGreaterThan(aloneQuiet.steps.length);
    expect(quiet.stoppedBecause).toMatch(/more at the knee while other sweeps sharing the machine went on/);
    // Neither ran more than two windows in a row of its own: the quiet one kept pace to the end.
    let longestRun = 1;
    for (let i = 1, run = 1; i < order.length; i++) longestRun = Math.max(longestRun, (run = order[i] === order[i - 1] ? run + 1 : 1));
    expect(longestRun).toBeLessThanOrEqual(2);
    expect(Math.abs(quiet.steps.length - noisy.steps.length)).toBeLessThanOrEqual(2);
  });
});
