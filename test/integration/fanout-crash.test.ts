import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery } from '../../app/adapters/postgres.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { startWorker } from '../../harness/run/app-process.ts';
import { apiClient } from '../helpers/api-client.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { isAlive } from '../helpers/temp.ts';

let t: TestStack;
beforeAll(async () => {
  // Slow chunks (fault injection) so the workers can be killed in the middle of a fan-out.
  process.env.TIERBENCH_FANOUT_CHUNK_DELAY_MS = '250';
  try {
    t = await startTestStack({ logicalShards: 8, fanoutChunk: 50, workers: 2 });
  } finally {
    delete process.env.TIERBENCH_FANOUT_CHUNK_DELAY_MS;
  }
}, 120_000);
afterAll(async () => t?.stop());

async function feedsHolding(userIds: string[], photoId: string): Promise<number> {
  const p = t.redis().pipeline();
  for (const u of userIds) p.zscore(`feed:${u}`, photoId);
  const res = (await p.exec()) ?? [];
  return res.filter(([, v]) => v !== null).length;
}

describe('fan-out on write through the queue and worker processes', () => {
  it('reaches every follower even when every worker is killed in the middle of a fan-out', async () => {
    const author = t.manifest.userIds[0]!;
    const followers = t.manifest.userIds.slice(1, 901);
    // 900 followers written straight into both sides of the follow graph (besides the seeded ones).
    const pool = createPgPool(t.pgUrl, 2);
    try {
      // The seeded graph may hold some of these follows already.
      await pgQuery(pool, `INSERT INTO ${shardSchema(shardOf(BigInt(author)))}.followers (followee_id, follower_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, [author, followers]);
      const byShard = new Map<number, string[]>();
      for (const f of followers) byShard.set(shardOf(BigInt(f)), [...(byShard.get(shardOf(BigInt(f))) ?? []), f]);
      for (const [shard, list] of byShard)
        await pgQuery(pool, `INSERT INTO ${shardSchema(shard)}.following (follower_id, followee_id) SELECT unnest($1::bigint[]), $2 ON CONFLICT DO NOTHING`, [list, author]);
    } finally {
      await pool.end();
    }

    const api = apiClient(t.app.baseUrl).call;
    const upload = await api('POST', `/users/${author}/photos`, { token: t.tokenOf(author), body: { objectKey: 'crash/test.jpg' } });
    expect(upload.status).toBe(201);
    const photoId = upload.body.photo.id as string;

    // 18 chunks of 50 at 250 ms each: kill both workers once a few chunks are done.
    const deadline = Date.now() + 30_000;
    while ((await feedsHolding(followers, photoId)) < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const reached = await feedsHolding(followers, photoId);
    expect(reached).toBeGreaterThanOrEqual(100);
    expect(reached).toBeLessThan(followers.length);
    for (const w of t.app.workers) process.kill(w.pid, 'SIGKILL');
    await Promise.all(t.app.workers.map((w) => w.exited));
    expect(t.app.workers.some((w) => isAlive(w.pid))).toBe(false);

    // A fresh worker picks the stalled chunk up once its lock expires, and carries on.
    await startWorker(t.sup, t.launch, 'worker-replacement');
    const done = Date.now() + 60_000;
    while ((await feedsHolding(followers, photoId)) < followers.length && Date.now() < done) await new Promise((r) => setTimeout(r, 200));
    expect(await feedsHolding(followers, photoId)).toBe(followers.length);
    expect(await feedsHolding([author], photoId)).toBe(1);
  }, 120_000);
});
