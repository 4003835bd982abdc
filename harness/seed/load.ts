import { createHash } from 'node:crypto';
import { pgCopyBinary, pgExec, type PgPool } from '../../app/adapters/postgres.ts';
import { setIdTickSql, shardKeysSql, shardTablesSql } from '../../app/schema/shard-ddl.ts';
import { shardSchema } from '../../app/schema/ids.ts';
import { copyParts, TABLES, type CopyContext, type CopyPart } from './copy-rows.ts';
import type { SeedProgress } from './progress.ts';

const FREEZE_FROM_ROWS = 10_000;

/** A node's part of the shard map: the logical shards [first, last] it holds. */
export interface ShardRange {
  first: number;
  last: number;
}

export function shardsIn(range: ShardRange): number[] {
  return Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i);
}

/** Runs tasks with at most `width` at once. */
export async function inParallel(width: number, tasks: Array<() => Promise<void>>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, tasks.length) }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  });
  await Promise.all(lanes);
}

/** Creates the node's shard schemas (tables only), batches of 32 per transaction on a few connections at once. */
export async function createShardSchemas(pool: PgPool, range: ShardRange, width = 4): Promise<void> {
  const shards = shardsIn(range);
  const tasks: Array<() => Promise<void>> = [];
  for (let i = 0; i < shards.length; i += 32) {
    const sql = shards.slice(i, i + 32).map(shardTablesSql);
    tasks.push(() => pgExec(pool, `BEGIN;${sql.join('\n')}COMMIT;`));
  }
  await inParallel(width, tasks);
}

/** sha256 of a part's COPY data, computed as it streams past. */
function* hashed(part: CopyPart, digests: Map<string, string>, onChunk: (bytes: number) => void): Generator<Buffer> {
  const h = createHash('sha256');
  for (const chunk of part.chunks()) {
    h.update(chunk);
    onChunk(chunk.length);
    yield chunk;
  }
  digests.set(partName(part), h.digest('hex'));
}

export const partName = (p: Pick<CopyPart, 'table' | 'shard'>): string => `${p.table}:${p.shard}`;

/** One digest over every part's digest, in a fixed order: the dataset's fingerprint. */
export function combineDigests(digests: ReadonlyMap<string, string>): string {
  const h = createHash('sha256');
  for (const name of [...digests.keys()].sort()) h.update(`${name}=${digests.get(name)}\n`);
  return h.digest('hex');
}

/** Rows each table holds on a node, as written. */
export type TableCounts = Record<CopyPart['table'], number>;

/**
 * Loads a node's logical shards: tables first, then per shard, on `width` connections at once,
 * every table's rows with COPY FREEZE followed by the shard's keys, indexes, id clock and
 * statistics; then a VACUUM FREEZE of the tables too small for COPY FREEZE. A lane building keys
 * (PostgreSQL's CPU) overlaps with another writing rows (mostly ours), which keeps both cores busy.
 */
export async function loadNode(
  pool: PgPool,
  ctx: CopyContext,
  range: ShardRange,
  width: number,
  progress: SeedProgress,
  digests: Map<string, string>,
  signal?: AbortSignal,
): Promise<TableCounts> {
  await createShardSchemas(pool, range, width);
  const counts = { users: 0, usernames: 0, photos: 0, likes: 0, comments: 0, following: 0, followers: 0 };
  const loose: string[] = [];
  await inParallel(
    width,
    shardsIn(range).map((s) => async () => {
      for (const part of copyParts(ctx, s)) {
        signal?.throwIfAborted();
        // FREEZE pays for itself on big parts; a TRUNCATE (a new file) per tiny part would not.
        const freeze = part.rows >= FREEZE_FROM_ROWS;
        await pgCopyBinary(pool, part.target, part.columns, hashed(part, digests, (bytes) => progress.bytes(bytes)), freeze);
        if (!freeze) loose.push(part.target);
        counts[part.table] += part.rows;
        progress.rows('load', part.rows);
      }
      const tick = ctx.pop.ticks.get(s);
      const schema = shardSchema(s);
      const analyze = `ANALYZE ${TABLES.map((t) => `${schema}.${t}`).join(', ')};`;
      await pgExec(pool, shardKeysSql(s) + (tick !== undefined ? setIdTickSql(s, tick) : '') + analyze);
    }),
  );
  // Tables loaded without FREEZE are frozen now, as pgbench -i vacuums: otherwise a trial's first
  // read of every page looks its rows' transactions up and sets hint bits, and autovacuum wakes in
  // the middle of the trial. FREEZE because hint bits are not replicated; frozen rows are. Only
  // once every lane is done: a lane's open transaction would keep the others' rows unfreezable
  // (concurrent VACUUMs do not hold each other back).
  await inParallel(
    width,
    loose.map((table) => () => {
      signal?.throwIfAborted();
      return pgExec(pool, `VACUUM (FREEZE) ${table}`);
    }),
  );
  // Written back now, not by the checkpointer in the middle of the first trial.
  await pgExec(pool, 'CHECKPOINT');
  return counts;
}

/** The dataset digest without a database: every part's COPY data hashed as loading would. */
export function digestOf(ctx: CopyContext, logicalShards: number): string {
  const digests = new Map<string, string>();
  for (let s = 0; s < logicalShards; s++) for (const part of copyParts(ctx, s)) drain(hashed(part, digests, () => {}));
  return combineDigests(digests);
}

function drain(it: Iterable<unknown>): void {
  const i = it[Symbol.iterator]();
  while (!i.next().done);
}
