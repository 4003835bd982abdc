import { pgCopyRows, pgExec, pgQuery, type CopyRow, type PgPool } from '../../app/adapters/postgres.ts';
import { setIdTickSql, shardIndexesSql, shardTablesSql } from '../../app/schema/shard-ddl.ts';
import { shardSchema } from '../../app/schema/ids.ts';
import { usernameShard } from '../../app/schema/usernames.ts';
import type { GeneratedDataset, PhotoRow, UserRow } from './generate.ts';

function groupByShard<T extends { shard: number }>(rows: T[], shards: number): T[][] {
  const groups: T[][] = Array.from({ length: shards }, () => []);
  for (const r of rows) groups[r.shard]!.push(r);
  return groups;
}

/** Runs tasks with at most `width` at once. */
async function inParallel(width: number, tasks: Array<() => Promise<void>>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, tasks.length) }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  });
  await Promise.all(lanes);
}

const iso = (ms: number): string => new Date(ms).toISOString();

function* userCopyRows(rows: UserRow[], passwordHash: string): Generator<CopyRow> {
  for (const u of rows) yield [u.id, u.username, u.fullName, u.bio, passwordHash, iso(u.createdAt), u.photoCount];
}
function* usernameCopyRows(rows: UserRow[]): Generator<CopyRow> {
  for (const u of rows) yield [u.username, u.id];
}
function* photoCopyRows(rows: PhotoRow[]): Generator<CopyRow> {
  for (const p of rows) yield [p.id, p.ownerId, p.objectKey, p.caption, iso(p.createdAt)];
}

/** A node's part of the shard map: the logical shards [first, last] it holds. */
export interface ShardRange {
  first: number;
  last: number;
}

function shardsIn(range: ShardRange): number[] {
  return Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i);
}

/** Creates the node's shard schemas, batches of 32 per transaction on a few connections at once. */
export async function createShardSchemas(pool: PgPool, range: ShardRange, width = 4): Promise<void> {
  const shards = shardsIn(range);
  const tasks: Array<() => Promise<void>> = [];
  for (let i = 0; i < shards.length; i += 32) {
    const sql = shards.slice(i, i + 32).map(shardTablesSql);
    tasks.push(() => pgExec(pool, `BEGIN;${sql.join('\n')}COMMIT;`));
  }
  await inParallel(width, tasks);
}

/**
 * Loads the rows of the node's logical shards into it: tables first, COPY per shard with a few
 * connections in parallel, then indexes, id clocks and statistics.
 */
export async function loadDataset(
  pool: PgPool,
  data: GeneratedDataset,
  logicalShards: number,
  range: ShardRange,
  passwordHash: string,
  width = 4,
): Promise<void> {
  await createShardSchemas(pool, range);
  const users = groupByShard(data.users, logicalShards);
  const names: UserRow[][] = Array.from({ length: logicalShards }, () => []);
  for (const u of data.users) names[usernameShard(u.username, logicalShards)]!.push(u);
  const photos = groupByShard(data.photos, logicalShards);
  const shards = shardsIn(range);
  await inParallel(
    width,
    shards.map((s) => async () => {
      const schema = shardSchema(s);
      await pgCopyRows(pool, `${schema}.users`, ['id', 'username', 'full_name', 'bio', 'password_hash', 'created_at', 'photo_count'], userCopyRows(users[s]!, passwordHash));
      await pgCopyRows(pool, `${schema}.usernames`, ['username', 'user_id'], usernameCopyRows(names[s]!));
      await pgCopyRows(pool, `${schema}.photos`, ['id', 'owner_id', 'object_key', 'caption', 'created_at'], photoCopyRows(photos[s]!));
    }),
  );
  await inParallel(
    width,
    shards.map((s) => () => {
      const tick = data.ticks.get(s);
      return pgExec(pool, shardIndexesSql(s) + (tick !== undefined ? setIdTickSql(s, tick) : ''));
    }),
  );
  await pgExec(pool, 'ANALYZE');
}

/** Rows per table summed over the node's shards, as PostgreSQL counts them. */
export async function countRows(pool: PgPool, range: ShardRange): Promise<{ users: number; photos: number }> {
  const parts = shardsIn(range).map((s) => {
    const schema = shardSchema(s);
    return `SELECT (SELECT count(*) FROM ${schema}.users) AS u, (SELECT count(*) FROM ${schema}.photos) AS p`;
  });
  const rows = await pgQuery<{ u: string; p: string }>(pool, `SELECT sum(u)::text AS u, sum(p)::text AS p FROM (${parts.join(' UNION ALL ')}) t`);
  return { users: Number(rows[0]?.u ?? 0), photos: Number(rows[0]?.p ?? 0) };
}
