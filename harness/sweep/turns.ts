/**
 * One task at a time, in the order they asked. Sweeps that share one take turns window by window:
 * when each asks for its next turn as its last one ends, they alternate. perf:tiers runs the tiers
 * of a ratio this way, so that whatever drifts on a shared machine (another job, the host's CPU)
 * falls on both alike instead of on whichever ran later.
 *
 * Each sweep holds a seat, and stops only once every seat would stop: a sweep whose interval is
 * already narrow goes on repeating at its knee while another still searches. Otherwise the last
 * sweep runs its windows alone, back to back, at a time of the machine the other never saw
 * (perf:tiers, 2026-12-07: a cache sweep left alone broke at 1,064 and 851 req/s, rates it had
 * held while alternating, and its ratio moved +10% from the median of five runs).
 */
export class Turns {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly seats = new Set<SeatState>();

  /** Runs the task once every task asked for before it has settled; its outcome is the task's. */
  take<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** A seat for one sweep; take every seat before any sweep starts, or an early finisher will not wait for it. */
  seat(): Seat {
    const state: SeatState = { ready: false };
    this.seats.add(state);
    return {
      take: (task) => this.take(task),
      mayStop: () => {
        state.ready = true;
        return [...this.seats].every((s) => s.ready);
      },
      leave: () => {
        this.seats.delete(state);
      },
    };
  }
}

interface SeatState {
  ready: boolean;
}

/** One sweep's place among others that share the machine. */
export interface Seat extends TurnTaker {
  /** This sweep would stop now; whether every other seat would too (or has left), so that it may. */
  mayStop(): boolean;
  /** The sweep ended, however: it no longer holds the others back. */
  leave(): void;
}

export type TurnTaker = Pick<Turns, 'take'>;

/** A sweep that shares the machine with no other: its tasks run at once, and it stops when it would. */
export const ownSeat: Seat = { take: <T>(task: () => Promise<T>): Promise<T> => task(), mayStop: () => true, leave: () => {} };
