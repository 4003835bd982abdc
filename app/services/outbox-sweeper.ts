import type { AppContext } from '../context.ts';
import { flushDone, shardsWithRows, sweepShard } from './outbox.ts';

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
  const leftovers = full ? await shardsWithRows(ctx, all, FULL_MIN_AGE_MS).catch(() => all) : [];
  for (const shard of new Set([...dirty, ...leftovers])) {
    // A dirty shard's rows are run whatever their age: its failures are known.
    const clean = await sweepShard(ctx, shard, dirty.has(shard) ? 0 : FULL_MIN_AGE_MS).catch(() => false);
    if (clean) dirty.delete(shard);
    else dirty.add(shard);
  }
}
