import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { replicaLag, waitForReplicas } from '../../harness/stack/replication.ts';
import { apiClient } from '../helpers/api-client.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let t: TestStack;
let primary: PgPool;
let replicas: PgPool[];

beforeAll(async () => {
  t = await startTestStack({ tier: 'replicas', replicas: 2, logicalShards: 8 });
  primary = createPgPool(t.pgUrl, 1);
  replicas = t.replicaUrls.map((u) => createPgPool(u, 1));
}, 120_000);
afterAll(async () => {
  await Promise.all([primary, ...(replicas ?? [])].filter(Boolean).map((p) => p.end()));
  await t?.stop();
});

/** Index scans on the photos tables of a node, from its own statistics (a standby keeps its own). */
async function photoIndexScans(pool: PgPool): Promise<number> {
  const [row] = await pgQuery<{ n: string | null }>(pool, `SELECT sum(idx_scan)::text AS n FROM pg_stat_user_tables WHERE relname = 'photos'`);
  return Number(row?.n ?? 0);
}

describe('replicas tier: one primary, two streaming replicas', () => {
  it('serves cache misses from the replicas, not the primary, as each node statistics show', async () => {
    expect(t.replicaUrls).toHaveLength(2);
    const mc = createMemcached(t.memcachedUrl);
    await mcFlush(mc);
    mc.close();
    const nodes = [primary, ...replicas];
    const before = await Promise.all(nodes.map(photoIndexScans));
    const api = apiClient(t.app.baseUrl).call;
    const reader = t.manifest.userIds[10]!; // a seeded user who never wrote: not pinned
    const photos = t.manifest.photoIds.slice(0, 200);
    for (const id of photos) expect((await api('GET', `/photos/${id}`, { token: t.tokenOf(reader) })).status).toBe(200);
    let delta: number[] = [];
    for (let i = 0; i < 60; i++) {
      delta = (await Promise.all(nodes.map(photoIndexScans))).map((n, k) => n - before[k]!);
      if (delta[1]! + delta[2]! >= photos.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(delta[0]).toBe(0);
    expect(delta[1]! + delta[2]!).toBe(photos.length);
    expect(delta[1]).toBeGreaterThan(0);
    expect(delta[2]).toBeGreaterThan(0);
  }, 60_000);

  it('lets a writer read its own writes while the replicas lag; others see the lag', async () => {
    const api = apiClient(t.app.baseUrl).call;
    const writer = t.manifest.userIds[20]!;
    const other = t.manifest.userIds[21]!;
    // Lag made visible: the replicas stop replaying WAL.
    for (const r of replicas) await pgQuery(r, 'SELECT pg_wal_replay_pause()');
    try {
      const up = await api('POST', `/users/${writer}/photos`, { token: t.tokenOf(writer), body: { objectKey: 'ryw/1.jpg', caption: 'mine' } });
      expect(up.status).toBe(201);
      const photoId = up.body.photo.id as string;
      const lag = await replicaLag(t.pgUrl, t.replicaUrls);
      expect(lag.every((l) => l.bytes > 0)).toBe(true);

      const own = await api('GET', `/users/${writer}/photos?limit=5`, { token: t.tokenOf(writer) });
      expect(own.body.photos[0]?.id).toBe(photoId);
      // The same read by a session that did not write goes to a lagging replica: the photo is not there yet.
      const stale = await api('GET', `/users/${writer}/photos?limit=5`, { token: t.tokenOf(other) });
      expect(stale.body.photos.map((p: { id: string }) => p.id)).not.toContain(photoId);
    } finally {
      for (const r of replicas) await pgQuery(r, 'SELECT pg_wal_replay_resume()');
    }
    await waitForReplicas(t.pgUrl, t.replicaUrls);
    const caughtUp = await api('GET', `/users/${writer}/photos?limit=5`, { token: t.tokenOf(other) });
    expect(caughtUp.body.photos[0]?.caption).toBe('mine');
  }, 60_000);
});
