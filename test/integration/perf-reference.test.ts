import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { photoPageSql } from '../../app/services/photos.ts';
import { pgbenchScript } from '../../harness/perf/pgbench.ts';
import { copyPhotoPages, PHOTO_PAGES_TABLE, photoPageStatement, writePhotoPageScript } from '../../harness/perf/photo-page-reference.ts';
import { resolveBinaries } from '../../harness/stack/binaries.ts';
import { primaries } from '../../harness/stack/topology.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * perf:app's photo-page reference (harness/perf/photo-page-reference.ts) on a real PostgreSQL:
 * pgbench must run the app's own photo-page statement over the app's own rows, or its figure
 * compares the app with some other query.
 */
let t: TestStack;
let pool: PgPool;
let rows: number;
const scratch = mkdtempSync(join(tmpdir(), 'tierbench-test-pgbench-'));
beforeAll(async () => {
  t = await startTestStack({ tier: 'cache' });
  pool = createPgPool(t.pgUrl, 2);
  rows = await copyPhotoPages(t.pgUrl, t.logicalShards);
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await t?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the photo-page reference for perf:app', () => {
  it('copies every photo, and a copied row reads as the app reads it by id', async () => {
    expect(rows).toBe(t.manifest.counts.photos);
    for (const id of [t.manifest.photoIds[0]!, t.manifest.photoIds.at(-1)!]) {
      const [app] = await pgQuery(pool, photoPageSql(shardSchema(shardOf(BigInt(id)))), [id]);
      const [k] = await pgQuery<{ k: number }>(pool, `SELECT k FROM ${PHOTO_PAGES_TABLE} WHERE id = $1`, [id]);
      // The statement pgbench runs, with its variable as a parameter.
      const [copy] = await pgQuery(pool, photoPageStatement().replace(':k', '$1'), [k!.k]);
      expect(app).toBeDefined();
      expect(copy).toEqual(app);
    }
  });

  it('runs the script under pgbench in the app database', async () => {
    const file = writePhotoPageScript(scratch, rows);
    const tps = await pgbenchScript(resolveBinaries(() => {}).pgBinDir, primaries(t.stack)[0]!, file, 2, 1);
    expect(tps).toBeGreaterThan(0);
  }, 30_000);

  it('refuses a dataset without photos', () => {
    expect(() => writePhotoPageScript(scratch, 0)).toThrow(/no photos/);
  });
});
