import { createFanoutQueue } from '../../app/adapters/queue.ts';
import type { CheckResult } from '../results/types.ts';

/**
 * Waits until the app's background work is done (the fan-out queue empty twice in a row), so the
 * checks see what the trial's writes will have become. Bounded: a queue that never drains is
 * itself a finding.
 */
export async function settleBackgroundWork(redisUrl: string, timeoutMs = 120_000): Promise<CheckResult> {
  const queue = createFanoutQueue(redisUrl);
  const started = Date.now();
  try {
    let emptyInARow = 0;
    let last = { waiting: 0, active: 0 };
    while (Date.now() - started < timeoutMs) {
      last = await queue.counts();
      emptyInARow = last.waiting + last.active === 0 ? emptyInARow + 1 : 0;
      if (emptyInARow >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const ok = emptyInARow >= 2;
    return { name: 'background work finished (fan-out queue drained)', ok, detail: ok ? `drained ${seconds}s after the window` : `still ${last.waiting} waiting and ${last.active} active jobs after ${seconds}s` };
  } finally {
    await queue.close().catch(() => {});
  }
}
