import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemcached, mcDelete, mcGet } from '../../app/adapters/memcached.ts';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { makeId, shardSchema } from '../../app/schema/ids.ts';
import { memcachedSnapshot } from '../../harness/metrics/backends.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let t: TestStack;
let pg: PgPool;
let mc: ReturnType<typeof createMemcached>;

beforeAll(async () => {
  t = await startTestStack();
  pg = createPgPool(t.pgUrl, 2);
  mc = createMemcached(t.memcachedUrl);
});
afterAll(async () => {
  mc?.close();
  await pg?.end();
  await t?.stop();
});

const get = (path: string) => fetch(t.app.baseUrl + path, { headers: { authorization: `Bearer ${t.tokenOf(t.manifest.userIds[0]!)}` } });

describe('GET /photos/:id on the cache tier (real PostgreSQL and Memcached)', () => {
  it('reads the photo from its shard on a miss, then serves it from Memcached', async () => {
    const id = t.manifest.photoIds[123]!;
    await mcDelete(mc, `photo:${id}`);
    const before = await memcachedSnapshot(mc);
    const first = await get(`/photos/${id}`);
    expect(first.status).toBe(200);
    const body = (await first.json()) as Record<string, unknown>;
    expect(body.latestComments).toEqual([]);
    const shard = Number((BigInt(id) >> 10n) & 0x1fffn);
    const rows = await pgQuery<{ owner_id: string; caption: string }>(pg, `SELECT owner_id, caption FROM ${shardSchema(shard)}.photos WHERE id = $1`, [id]);
    expect(body).toMatchObject({ id, ownerId: rows[0]!.owner_id, caption: rows[0]!.caption });
    // The cache fill is off the response path: give it a moment.
    let cached = await mcGet(mc, `photo:${id}`);
    for (let i = 0; i < 50 && !cached; i++) cached = await new Promise((r) => setTimeout(r, 20)).then(() => mcGet(mc, `photo:${id}`));
    expect(cached && JSON.parse(cached.toString())).toEqual(body);
    const filled = await memcachedSnapshot(mc);
    expect(filled.sets - before.sets).toBe(1);

    // One get of the photo key (photo and latest comments) per read: now a hit, no fill.
    const second = await get(`/photos/${id}`);
    expect(await second.json()).toEqual(body);
    const after = await memcachedSnapshot(mc);
    expect(after.getHits - filled.getHits).toBe(1);
    expect(after.getMisses - filled.getMisses).toBe(0);
    expect(after.sets - filled.sets).toBe(0);
  });

  it('serves a photo written after the load through the schema id function', async () => {
    const rows = await pgQuery<{ id: string }>(
      pg,
      `INSERT INTO ${shardSchema(3)}.photos (owner_id, object_key, caption) VALUES (1, 'k', 'fresh') RETURNING id`,
    );
    const id = rows[0]!.id;
    expect(Number((BigInt(id) >> 10n) & 0x1fffn)).toBe(3);
    const res = await get(`/photos/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, caption: 'fresh' });
  });

  it('answers malformed and unknown ids with 4xx and a stable code, never 5xx', async () => {
    const missingOnKnownShard = makeId(1n, 2, 5).toString();
    const unknownShard = makeId(1n, 4000, 0).toString();
    const cases: Array<[string, number, string]> = [
      ['/photos/abc', 400, 'INVALID_ID'],
      ['/photos/0', 400, 'INVALID_ID'],
      ['/photos/-1', 400, 'INVALID_ID'],
      ['/photos/1e5', 400, 'INVALID_ID'],
      ['/photos/01', 400, 'INVALID_ID'],
      ['/photos/9223372036854775808', 400, 'INVALID_ID'],
      ['/photos/%00', 400, 'INVALID_ID'],
      ['/photos/%E0%A4%A', 400, 'BAD_REQUEST'],
      [`/photos/${'9'.repeat(300)}`, 400, 'BAD_REQUEST'],
      [`/photos/${missingOnKnownShard}`, 404, 'PHOTO_NOT_FOUND'],
      [`/photos/${unknownShard}`, 404, 'UNKNOWN_SHARD'],
      ['/nope', 404, 'ROUTE_NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe(code);
    }
  });
});
