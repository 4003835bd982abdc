import type { AppContext } from '../context.ts';
import { DIRTY_MIN_AGE_MS, flushDone, shardsWithRows, sweepShard } from './outbox.ts';

/** Every this many rounds a round visits every shard (for rows left by a process that died). */
const FULL_EVERY = 10;
/** A full round leaves younger rows to the requests that wrote them. */
const FULL_MIN_AGE_MS = 5_000;

/**
 * The outbox sweeper of the app process: every `outboxSweepMs` it runs what failed in shards
 * marked dirty here, and every tenth round what is left in any shard's outbox (the first round is
 * a full one, so a restarted app finishes what a killed one left).
 */
export function startOutboxSweeper(ctx: AppContext): { stop(): Promise<void> } {
  let round = 0;
  let current: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (current) return;
    const full = round++ % FULL_EVERY === 0;
    current = sweepRound(ctx, full).finally(() => (current = null));
  }, ctx.config.outboxSweepMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
      await flushDone(ctx);
    },
  };
}

async function sweepRound(ctx: AppContext, full: boolean): Promise<void> {
  const { dirty } = ctx.outbox;
  const all = Array.from({ length: ctx.config.logicalShards }, (_, i) => i);
  const leftovers = full ? await shardsWithRows(ctx, all, FULL_MIN_AGE_MS) : [];
  for (const shard of new Set([...dirty.keys(), ...leftovers])) {
    const startedAt = Date.now();
    // A dirty shard's failures are known: its rows are run as soon as their first run is surely over.
    const clean = await sweepShard(ctx, shard, dirty.has(shard) ? DIRTY_MIN_AGE_MS : FULL_MIN_AGE_MS).catch(() => false);
    if (!clean) dirty.set(shard, dirty.get(shard) ?? startedAt);
    else if (sawEveryFailure(dirty.get(shard), startedAt)) dirty.delete(shard);
  }
}

/**
 * Whether a sweep begun at `startedAt` took every row that failed by `failedAt` (a row is made
 * before it fails): one that failed later may be too young for it, so the shard stays dirty.
 */
function sawEveryFailure(failedAt: number | undefined, startedAt: number): boolean {
  return failedAt === undefined || failedAt <= startedAt - DIRTY_MIN_AGE_MS;
}
