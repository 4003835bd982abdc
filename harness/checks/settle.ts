import { createPgPool, type PgPool } from '../../app/adapters/postgres.ts';
import { createFanoutQueue } from '../../app/adapters/queue.ts';
import { sumOver } from '../seed/invariants.ts';
import { shardsOfNode } from '../../app/schema/shard-map.ts';
import type { CheckResult } from '../results/types.ts';

export interface SettleTarget {
  redisUrl: string;
  /** Primaries in shard-map order. */
  pgUrls: readonly string[];
  logicalShards: number;
}

/** Outbox rows not yet done (effects still to run after their commit), over every shard of a node. */
async function outboxRows(pool: PgPool, node: number, target: SettleTarget): Promise<number> {
  const range = shardsOfNode(node, target.logicalShards, target.pgUrls.length);
  return Number(await sumOver(pool, range, (schema) => `SELECT count(*) FROM ${schema}.outbox`));
}

/**
 * Waits until the app's background work is done: the fan-out queue empty and every shard's outbox
 * empty (effects after a commit: counters, activity, cache invalidations, a follow's other side),
 * twice in a row, so the checks see what the trial's writes will have become. Bounded: work that
 * never finishes is itself a finding.
 */
export async function settleBackgroundWork(target: SettleTarget, timeoutMs = 120_000): Promise<CheckResult> {
  const queue = createFanoutQueue(target.redisUrl);
  const pools = target.pgUrls.map((u) => createPgPool(u, 1, 'tierbench-checks'));
  const started = Date.now();
  try {
    let emptyInARow = 0;
    let last = { waiting: 0, active: 0, outbox: 0 };
    while (Date.now() - started < timeoutMs) {
      const [q, rows] = await Promise.all([queue.counts(), Promise.all(pools.map((p, i) => outboxRows(p, i, target)))]);
      last = { ...q, outbox: rows.reduce((a, b) => a + b, 0) };
      emptyInARow = last.waiting + last.active + last.outbox === 0 ? emptyInARow + 1 : 0;
      if (emptyInARow >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const ok = emptyInARow >= 2;
    return {
      name: 'background work finished (fan-out queue and outboxes empty)',
      ok,
      detail: ok ? `done ${seconds}s after the window` : `still ${last.waiting} waiting and ${last.active} active fan-out jobs and ${last.outbox} outbox rows after ${seconds}s`,
    };
  } finally {
    await queue.close().catch(() => {});
    await Promise.all(pools.map((p) => p.end()));
  }
}
