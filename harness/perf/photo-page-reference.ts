import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPgPool, pgExec, pgQuery } from '../../app/adapters/postgres.ts';
import { shardSchema } from '../../app/schema/ids.ts';
import { PHOTO_PAGE_COLUMNS } from '../../app/services/photos.ts';
import { pgbenchLiteralColons } from './pgbench.ts';

/**
 * perf:app's check on its own gated reference: pgbench running the app's photo-page statement (the
 * same select list: to_char of the time, the jsonb of the latest comments) on the same node, beside
 * `pgbench -S`, which reads one int column. If the page cost the node much more than -S, the gated
 * ratio would charge the app for its query; measured on 2026-12-06, the two cost the same.
 *
 * pgbench cannot draw the app's ids (64-bit, made from time, shard and sequence), so the photos are
 * copied once into `perf.photo_pages` keyed 1..n; the statement reads a row by that key instead of
 * by id, one primary-key lookup either way.
 */
export const PHOTO_PAGES_TABLE = 'perf.photo_pages';

/** Copies every shard schema's photos on the node into PHOTO_PAGES_TABLE; returns the row count. */
export async function copyPhotoPages(url: string, logicalShards: number): Promise<number> {
  const pool = createPgPool(url, 1, 'tierbench-perf');
  try {
    const photos = Array.from({ length: logicalShards }, (_, s) => `SELECT * FROM ${shardSchema(s)}.photos`).join(' UNION ALL ');
    await pgExec(
      pool,
      `CREATE SCHEMA IF NOT EXISTS perf;
       DROP TABLE IF EXISTS ${PHOTO_PAGES_TABLE};
       CREATE TABLE ${PHOTO_PAGES_TABLE} AS SELECT (row_number() OVER ())::int AS k, p.* FROM (${photos}) p;
       ALTER TABLE ${PHOTO_PAGES_TABLE} ADD PRIMARY KEY (k)`,
    );
    // On its own: VACUUM cannot run inside the implicit transaction of a multi-statement query.
    await pgExec(pool, `VACUUM ANALYZE ${PHOTO_PAGES_TABLE}`);
    const [row] = await pgQuery<{ n: number }>(pool, `SELECT count(*)::int AS n FROM ${PHOTO_PAGES_TABLE}`);
    return row?.n ?? 0;
  } finally {
    await pool.end();
  }
}

/** The statement pgbench runs: the app's select list, read by the script's variable `:k`. */
export function photoPageStatement(): string {
  return `SELECT ${pgbenchLiteralColons(PHOTO_PAGE_COLUMNS)} FROM ${PHOTO_PAGES_TABLE} WHERE k = :k`;
}

/** The pgbench script (written into `dir`): one photo page by a random key per transaction. */
export function writePhotoPageScript(dir: string, rows: number): string {
  if (rows < 1) throw new Error('no photos to read: the dataset has none');
  const file = join(dir, 'photo-page.pgbench');
  writeFileSync(file, `\\set k random(1, ${rows})\n${photoPageStatement()};\n`);
  return file;
}
