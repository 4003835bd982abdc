/**
 * One task at a time, in the order they asked. Sweeps that share one take turns window by window:
 * when each asks for its next turn as its last one ends, they alternate. perf:tiers runs the tiers
 * of a ratio this way, so that whatever drifts on a shared machine (another job, the host's CPU)
 * falls on both alike instead of on whichever ran later.
 */
export class Turns {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs the task once every task asked for before it has settled; its outcome is the task's. */
  take<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Runs the task at once: for a sweep that shares the machine with no other. */
export const ownTurn = { take: <T>(task: () => Promise<T>): Promise<T> => task() };

export type TurnTaker = Pick<Turns, 'take'>;
