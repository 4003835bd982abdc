import { describe, expect, it } from 'vitest';
import { Turns } from '../../harness/sweep/turns.ts';

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
