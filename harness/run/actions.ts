import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import type { TimedAction } from '../../scenarios/types.ts';
import { monotonicUs } from '../drive/clock.ts';
import type { TrialEvent } from '../results/types.ts';
import { nodeByRole, type Stack } from '../stack/types.ts';

const LABELS: Record<TimedAction['do'], string> = {
  'flush-memcached': 'Memcached flushed (every cached user and photo gone at once)',
};

async function perform(action: TimedAction, stack: Stack): Promise<void> {
  switch (action.do) {
    case 'flush-memcached': {
      const mc = createMemcached(nodeByRole(stack, 'memcached').url);
      try {
        await mcFlush(mc);
      } finally {
        mc.close();
      }
    }
  }
}

/**
 * Schedules a scenario's timed actions against the window that starts at windowStartUs; each done
 * one becomes an event (at the second it actually happened), marked on every chart.
 */
export function scheduleActions(actions: readonly TimedAction[], stack: Stack, windowStartUs: number): { events(): Promise<TrialEvent[]>; cancel(): void } {
  const pending = actions.map((action) => {
    let resolve: (e: TrialEvent | null) => void = () => {};
    const done = new Promise<TrialEvent | null>((r) => (resolve = r));
    const entry = { fired: false, timer: undefined as NodeJS.Timeout | undefined, done, resolve };
    entry.timer = setTimeout(() => {
      entry.fired = true;
      const atSecond = Math.round(((monotonicUs() - windowStartUs) / 1e6) * 1000) / 1000;
      perform(action, stack).then(
        () => resolve({ atSecond, kind: action.do, label: LABELS[action.do] }),
        (err: unknown) => resolve({ atSecond, kind: action.do, label: `${action.do} failed: ${err instanceof Error ? err.message : String(err)}` }),
      );
    }, Math.max(0, (windowStartUs + action.atSec * 1e6 - monotonicUs()) / 1000));
    return entry;
  });
  return {
    events: async () => (await Promise.all(pending.map((p) => p.done))).filter((e): e is TrialEvent => e !== null),
    // Actions not yet due when the trial ended (interrupted) are no events.
    cancel: () => {
      for (const p of pending) {
        if (p.fired) continue;
        clearTimeout(p.timer);
        p.resolve(null);
      }
    },
  };
}
