import { pgExec, pgQuery, pgTransaction, type PgTarget, type TxQuery } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';
import { EPOCH_MS, makeId, shardSchema } from '../schema/ids.ts';
import type { ActivityItem } from './activity.ts';

/**
 * The outbox. What a write must also do outside its PostgreSQL transaction (Redis counters and
 * activity, the fan-out job, cache invalidation, the other side of a follow, the follower's feed)
 * is written as a row of effects in that same transaction, on the same shard. After the commit the
 * effects run at once; what fails stays in the row and a sweeper (outbox-sweeper.ts) runs it again
 * until it succeeds. So a Redis or Memcached error delays an effect, it cannot lose one.
 *
 * An effect may run more than once (a sweep beside a slow first run, a crash before the row is
 * deleted), so each is idempotent or converges on PostgreSQL's current state (effects.ts).
 */
export type Effect =
  /** The count as the transaction left it; stored only if newer than what Redis has (the row id orders them). */
  | { t: 'counter'; key: string; value: number }
  | { t: 'activity'; user: string; item: ActivityItem }
  | { t: 'fanout'; photoId: string; ownerId: string }
  | { t: 'cache'; keys: string[] }
  /** Make the followee's side of a follow match the follower's side as it is now. */
  | { t: 'follow-sync'; follower: string; followee: string }
  /** Make the follower's built feed match the follow as it is now. */
  | { t: 'feed-follow'; follower: string; followee: string };

export type EffectKind = Effect['t'];

/**
 * A row of effects. Its id comes from the shard's next_id(), called after the transaction locked
 * the rows it counts: of two commits changing one count, the later has the larger id. The id also
 * carries the row's creation time.
 */
export interface OutboxRow {
  shard: number;
  id: string;
  effects: Effect[];
}

export type ApplyEffect = (ctx: AppContext, effect: Effect, row: OutboxRow) => Promise<unknown>;

/** The outbox's state in one process. */
export interface OutboxState {
  apply: ApplyEffect;
  /**
   * Shards where an effect failed in this process, with when it last failed there: the sweeper
   * visits them every round (until a sweep that began DIRTY_MIN_AGE_MS after that finds them clean).
   */
  dirty: Map<number, number>;
  /** Rows whose effects all ran, deleted in batches. */
  done: Map<number, string[]>;
  flushTimer: NodeJS.Timeout | null;
}

export function createOutboxState(apply: ApplyEffect): OutboxState {
  return { apply, dirty: new Map(), done: new Map(), flushTimer: null };
}

/** A call that may not take longer inline (the rest is the sweeper's), and in a sweep. */
const INLINE_LIMIT_MS = 1_000;
const SWEEP_LIMIT_MS = 5_000;
const SWEEP_BATCH = 100;
const FLUSH_DELAY_MS = 50;

/**
 * The youngest row a sweep of a dirty shard takes. afterCommit runs a row after its commit, when
 * it is visible and unlocked, for up to INLINE_LIMIT_MS, then deletes it within FLUSH_DELAY_MS (and
 * a statement): a sweep taking it sooner would run its effects a second time. The margin is for
 * the commit, that statement, and the app's clock against PostgreSQL's (which made the id).
 */
export const DIRTY_MIN_AGE_MS = INLINE_LIMIT_MS + FLUSH_DELAY_MS + 1_000;

/** Notes a failed effect in the shard, for the sweeper. */
function markDirty(ctx: AppContext, shard: number): void {
  ctx.outbox.dirty.set(shard, Date.now());
}

/** Writes the effects in the caller's transaction, after the rows they count were changed. */
export async function recordEffects(q: TxQuery, shard: number, effects: Effect[]): Promise<OutboxRow | null> {
  if (effects.length === 0) return null;
  const [row] = await q<{ id: string }>(`INSERT INTO ${shardSchema(shard)}.outbox (effects) VALUES ($1) RETURNING id::text`, [JSON.stringify(effects)]);
  return { shard, id: row!.id, effects };
}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`outbox effect took over ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Runs effects side by side (they are independent); returns the ones that failed. */
async function run(ctx: AppContext, row: OutboxRow, effects: Effect[], limitMs: number): Promise<Effect[]> {
  const ok = await Promise.all(effects.map((e) => within(ctx.outbox.apply(ctx, e, row), limitMs).then(() => true, () => false)));
  return effects.filter((_, i) => !ok[i]);
}

/**
 * After the commit: runs the row's effects but those the caller already did. Never throws: what
 * failed stays in the row (the rest is taken out of it) and the shard is swept soon.
 */
export async function afterCommit(ctx: AppContext, row: OutboxRow | null, alreadyDone: readonly EffectKind[] = []): Promise<void> {
  if (!row) return;
  const failed = await run(ctx, row, row.effects.filter((e) => !alreadyDone.includes(e.t)), INLINE_LIMIT_MS);
  if (failed.length === 0) return markDone(ctx, row);
  markDirty(ctx, row.shard);
  if (failed.length < row.effects.length) await pgQuery(ctx.router.writePool(row.shard), ...keepOnly(row, failed)).catch(() => {});
}

/** The statement that leaves only `effects` (the failed ones) in a row. */
function keepOnly(row: OutboxRow, effects: Effect[]): [string, unknown[]] {
  return [`UPDATE ${shardSchema(row.shard)}.outbox SET effects = $2 WHERE id = $1`, [row.id, JSON.stringify(effects)]];
}

/** A row whose effects could not even be tried now (the caller failed first): swept soon. */
export function leaveToSweeper(ctx: AppContext, row: OutboxRow | null): void {
  if (row) markDirty(ctx, row.shard);
}

function markDone(ctx: AppContext, row: OutboxRow): void {
  const ids = ctx.outbox.done.get(row.shard) ?? [];
  ids.push(row.id);
  ctx.outbox.done.set(row.shard, ids);
  ctx.outbox.flushTimer ??= setTimeout(() => void flushDone(ctx), FLUSH_DELAY_MS);
}

/**
 * Deletes finished rows, one statement list per node. A lost delete only means the sweeper runs
 * those effects again, which they allow.
 */
export async function flushDone(ctx: AppContext): Promise<void> {
  if (ctx.outbox.flushTimer) clearTimeout(ctx.outbox.flushTimer);
  ctx.outbox.flushTimer = null;
  const { done } = ctx.outbox;
  // Ids are bigints PostgreSQL made: safe to write into the statement.
  const deleteDone = (shard: number) => `DELETE FROM ${shardSchema(shard)}.outbox WHERE id IN (${done.get(shard)!.join(',')})`;
  const deletes = byWriteNode(ctx, done.keys()).map(({ pool, shards }) => ({ pool, sql: shards.map(deleteDone).join(';') }));
  done.clear();
  await Promise.all(deletes.map(({ pool, sql }) => pgExec(pool, sql).catch(() => {})));
}

/** `shards` grouped by the node that takes their writes, each group with a pool to it. */
function byWriteNode(ctx: AppContext, shards: Iterable<number>): Array<{ pool: PgTarget; shards: number[] }> {
  const groups = new Map<number, { pool: PgTarget; shards: number[] }>();
  for (const shard of shards) {
    const node = ctx.router.writeNode(shard);
    const group = groups.get(node) ?? { pool: ctx.router.writePool(shard), shards: [] };
    group.shards.push(shard);
    groups.set(node, group);
  }
  return [...groups.values()];
}

/** The smallest id made at `unixMs`: rows with smaller ids are older. */
const idAt = (unixMs: number): string => makeId(BigInt(unixMs) - EPOCH_MS, 0, 0).toString();

/** Shards per probe statement: one UNION over a thousand shards spends long in planning. */
const PROBE_BATCH = 64;

/**
 * Which of `shards` hold rows made at least `minAgeMs` ago: one cheap statement per 64 shards of a
 * node, so a full sweep costs a few queries when (as usual) every outbox is empty. Never throws: a
 * node that cannot answer counts all its shards in (the sweep finds out), the others still count.
 */
export async function shardsWithRows(ctx: AppContext, shards: readonly number[], minAgeMs: number): Promise<number[]> {
  const groups = byWriteNode(ctx, shards);
  const perNode = await Promise.all(groups.map((g) => nodeShardsWithRows(g.pool, g.shards, minAgeMs).catch(() => g.shards)));
  return perNode.flat();
}

/** shardsWithRows on one node, a probe statement per PROBE_BATCH shards. */
async function nodeShardsWithRows(pool: PgTarget, shards: readonly number[], minAgeMs: number): Promise<number[]> {
  const found: number[] = [];
  for (let i = 0; i < shards.length; i += PROBE_BATCH) {
    const probe = shards
      .slice(i, i + PROBE_BATCH)
      .map((shard) => `SELECT ${shard} AS shard WHERE EXISTS (SELECT 1 FROM ${shardSchema(shard)}.outbox WHERE id < $1)`)
      .join(' UNION ALL ');
    const rows = await pgQuery<{ shard: number }>(pool, probe, [idAt(Date.now() - minAgeMs)]);
    found.push(...rows.map((r) => r.shard));
  }
  return found;
}

/**
 * Runs the effects left in a shard's rows made at least `minAgeMs` ago, the oldest batch of them,
 * all rows side by side (effects may run in any order, effects.ts) so the transaction is open for
 * one effect's time, not a batch's; rows another sweeper holds are skipped. True when the shard
 * had nothing left failing.
 */
export async function sweepShard(ctx: AppContext, shard: number, minAgeMs: number): Promise<boolean> {
  const s = shardSchema(shard);
  return pgTransaction(ctx.router.writePool(shard), async (q) => {
    const rows = await q<{ id: string; effects: Effect[] }>(
      `SELECT id::text, effects FROM ${s}.outbox WHERE id < $1 ORDER BY id LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED`,
      [idAt(Date.now() - minAgeMs)],
    );
    const outcomes = await Promise.all(
      rows.map(async ({ id, effects }) => {
        const row = { shard, id, effects };
        return { row, failed: await run(ctx, row, effects, SWEEP_LIMIT_MS) };
      }),
    );
    const finished = outcomes.filter((o) => o.failed.length === 0).map((o) => o.row.id);
    if (finished.length > 0) await q(`DELETE FROM ${s}.outbox WHERE id = ANY($1::bigint[])`, [finished]);
    for (const { row, failed } of outcomes)
      if (failed.length > 0 && failed.length < row.effects.length) await q(...keepOnly(row, failed));
    return rows.length < SWEEP_BATCH && finished.length === rows.length;
  });
}
