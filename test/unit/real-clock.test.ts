import { describe, expect, it } from 'vitest';
import { monotonicUs, realClock } from '../../harness/drive/clock.ts';

/**
 * The generator's real clock at a high rate: the open model re-arms a wake-up for its next send
 * whenever it wakes, so a wake-up that fires before its time is a turn spent for nothing, and one
 * that always fires early (setImmediate for a time still ahead) spins the thread.
 */
describe('realClock', () => {
  it('does not spin between sends due every 400 µs: about one wake-up per due send or fewer, none a tick before its time', async () => {
    const clock = realClock();
    const periodUs = 400;
    const start = monotonicUs();
    let due = start + periodUs;
    let wakes = 0;
    let sends = 0;
    let earliestUs = Infinity;
    await new Promise<void>((done) => {
      const tick = (): void => {
        wakes++;
        const now = monotonicUs();
        earliestUs = Math.min(earliestUs, now - due);
        while (due <= now) (sends++, (due += periodUs));
        if (now - start >= 100_000) return done();
        clock.wakeAt(due, tick);
      };
      clock.wakeAt(due, tick);
    });
    clock.cancel();
    expect(sends).toBeGreaterThan(200);
    // setImmediate for a time still ahead spun: the clock before the fix woke 65,416 times for 250 sends here.
    expect(wakes).toBeLessThanOrEqual(sends * 1.5);
    // A millisecond timer may fire a little before its time (libuv's cached loop time), never a whole tick.
    expect(earliestUs).toBeGreaterThan(-1000);
  });

  it('runs a wake-up already due on the next turn: not at once, and before a timer', async () => {
    const clock = realClock();
    const order: string[] = [];
    const timer = new Promise<void>((done) => setTimeout(() => (order.push('timer'), done()), 1));
    clock.wakeAt(monotonicUs() - 1000, () => order.push('due'));
    expect(order).toEqual([]);
    await new Promise<void>((done) => setImmediate(done));
    expect(order).toEqual(['due']);
    await timer;
  });
});
