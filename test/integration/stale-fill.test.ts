import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemcached, mcDelete, mcGet } from '../../app/adapters/memcached.ts';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { waitForReplicas } from '../../harness/stack/replication.ts';
import { apiClient } from '../helpers/api-client.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { eventually } from '../helpers/eventually.ts';

/**
 * Stale cache fills on the replicas tier: while the replicas lag (replay paused), a cache miss
 * read on a replica must not put the row as it was before a write back into Memcached, where the
 * writer (whose database reads are pinned to the primary, not its cache hits) and everyone else
 * would read it for a TTL.
 */
let t: TestStack;
let replicas: PgPool[];
let api: ReturnType<typeof apiClient>['call'];
let mc: ReturnType<typeof createMemcached>;

beforeAll(async () => {
  t = await startTestStack({ tier: 'replicas', replicas: 2, logicalShards: 8 });
  replicas = t.replicaUrls.map((u) => createPgPool(u, 1));
  api = apiClient(t.app.baseUrl).call;
  mc = createMemcached(t.memcachedUrl);
}, 120_000);
afterAll(async () => {
  mc?.close();
  await Promise.all((replicas ?? []).map((p) => p.end()));
  await t?.stop();
});

describe('replicas tier: no stale fill while the replicas lag', () => {
  it('serves no one, the writer included, the page as it was before a comment, while replay is paused', async () => {
    const photo = t.manifest.photoIds[30]!;
    const writer = t.manifest.userIds[40]!;
    const readers = [t.manifest.userIds[41]!, t.manifest.userIds[42]!];
    const key = `photo:${photo}`;
    await mcDelete(mc, key);
    // Cached as it is now, seen by a reader.
    expect((await api('GET', `/photos/${photo}`, { token: t.tokenOf(readers[0]!) })).status).toBe(200);
    await eventually('the page to be cached', async () => (await mcGet(mc, key)) !== null);

    for (const r of replicas) await pgQuery(r, 'SELECT pg_wal_replay_pause()');
    try {
      const text = `written while the replicas lag ${Date.now()}`;
      const posted = await api('POST', `/photos/${photo}/comments`, { token: t.tokenOf(writer), body: { text } });
      expect(posted.status).toBe(201);
      // Readers who did not write miss the cache and read from a lagging replica, then the writer
      // reads; over and over, in both orders.
      const seen: string[] = [];
      for (let round = 0; round < 10; round++) {
        for (const who of round % 2 ? [writer, ...readers] : [...readers, writer]) {
          const page = await api('GET', `/photos/${photo}`, { token: t.tokenOf(who) });
          expect(page.status).toBe(200);
          seen.push(`${who === writer ? 'writer' : 'reader'}: ${page.body.latestComments[0]?.text === text ? 'new' : 'old'}`);
        }
        // Fills are off the response path: let them land before the next round.
        await new Promise((r) => setTimeout(r, 30));
      }
      const cached = (await mcGet(mc, key))?.toString();
      expect(seen.filter((s) => s.startsWith('writer')), 'the writer read its own comment every time').toEqual(Array(10).fill('writer: new'));
      // The others too: a key invalidated by a write is read from the primary until filled again.
      expect(seen.filter((s) => s.endsWith('old'))).toEqual([]);
      expect(cached === undefined || !cached.startsWith('{') || cached.includes(text), `memcached holds the page from before the comment: ${cached?.slice(0, 120)}`).toBe(true);
    } finally {
      for (const r of replicas) await pgQuery(r, 'SELECT pg_wal_replay_resume()');
    }
    await waitForReplicas(t.pgUrl, t.replicaUrls);
  });
});
