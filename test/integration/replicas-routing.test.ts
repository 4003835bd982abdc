import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { replicaLag, waitForReplicas } from '../../harness/stack/replication.ts';
import { statementCalls } from '../../harness/metrics/statements.ts';
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

/** Photo-page reads a node has answered: exact counts, as each statement finishes (pg_stat_statements; a standby keeps its own). */
async function photoPageReads(pool: PgPool): Promise<number> {
  return (await statementCalls(pool, '%latest_comments FROM s____.photos WHERE id = $1')) ?? -1;
}

describe('replicas tier: one primary, two streaming replicas', () => {
  it('serves cache misses from the replicas, not the primary, as each node statistics show', async () => {
    expect(t.replicaUrls).toHaveLength(2);
    const mc = createMemcached(t.memcachedUrl);
    await mcFlush(mc);
    mc.close();
    const nodes = [primary, ...replicas];
    const before = await Promise.all(nodes.map(photoPageReads));
    const api = apiClient(t.app.baseUrl).call;
    const reader = t.manifest.userIds[10]!; // a seeded user who never wrote: not pinned
    const photos = t.manifest.photoIds.slice(0, 200);
    for (const id of photos) expect((await api('GET', `/photos/${id}`, { token: t.tokenOf(reader) })).status).toBe(200);
    const delta = (await Promise.all(nodes.map(photoPageReads))).map((n, k) => n - before[k]!);
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
