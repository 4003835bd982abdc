import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { apiClient } from '../helpers/api-client.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { eventually } from '../helpers/eventually.ts';

/**
 * Side effects after the PostgreSQL commit (Redis counters, activity, the fan-out job) failing
 * once must not be lost. Redis is made to refuse exactly those writes between commit and effect:
 * an ACL takes scripts, INCRBY, ZADD and LPUSH from the app's user, while reads (the session
 * lookup) still work. Once the ACL is lifted, counters and feeds must end right.
 */
let t: TestStack;
let pg: PgPool;
let api: ReturnType<typeof apiClient>['call'];
beforeAll(async () => {
  t = await startTestStack({ tier: 'cache', logicalShards: 8, workers: 1 });
  pg = createPgPool(t.pgUrl, 2);
  api = apiClient(t.app.baseUrl).call;
}, 120_000);
afterAll(async () => {
  await t?.redis().call('ACL', 'SETUSER', 'default', '+@all');
  await pg?.end();
  await t?.stop();
});

async function photoRow(photo: string): Promise<{ like_count: number; owner_id: string }> {
  const [row] = await pgQuery<{ like_count: number; owner_id: string }>(pg, `SELECT like_count, owner_id::text FROM ${shardSchema(shardOf(BigInt(photo)))}.photos WHERE id = $1`, [photo]);
  return row!;
}
/** Rows in every shard's outbox (the cache tier: all shards on one node). */
async function outboxRows(): Promise<number> {
  const union = Array.from({ length: t.logicalShards }, (_, i) => `SELECT count(*)::int AS n FROM ${shardSchema(i)}.outbox`).join(' UNION ALL ');
  const rows = await pgQuery<{ n: number }>(pg, union);
  return rows.reduce((a, r) => a + r.n, 0);
}
const likeCountInPg = async (photo: string) => (await photoRow(photo)).like_count;
const ownerOf = async (photo: string) => (await photoRow(photo)).owner_id;

describe('effects after the commit survive a Redis failure between commit and effect', () => {
  it('ends with the like counter equal to PostgreSQL and the photo in every follower feed once Redis takes writes again', async () => {
    const [author, fan, liker] = [t.manifest.userIds[60]!, t.manifest.userIds[61]!, t.manifest.userIds[62]!];
    const photo = t.manifest.photoIds[70]!;
    expect(await ownerOf(photo)).not.toBe(liker);
    expect((await api('PUT', `/users/${fan}/following/${author}`, { token: t.tokenOf(fan) })).status).toBe(200);
    const counterBefore = await t.redis().get(`likes:${photo}`);

    await t.redis().call('ACL', 'SETUSER', 'default', '-@scripting', '-incrby', '-incr', '-zadd', '-lpush');
    let statuses: Record<string, number>;
    try {
      const like = await api('PUT', `/photos/${photo}/likes/${liker}`, { token: t.tokenOf(liker) });
      const upload = await api('POST', `/users/${author}/photos`, { token: t.tokenOf(author), body: { objectKey: 'outbox/while-redis-refused.jpg' } });
      statuses = { like: like.status, upload: upload.status };
      expect(await t.redis().get(`likes:${photo}`)).toBe(counterBefore);
      expect(await outboxRows()).toBeGreaterThanOrEqual(2);
    } finally {
      await t.redis().call('ACL', 'SETUSER', 'default', '+@all');
    }

    await eventually('the like counter to equal PostgreSQL', async () => Number(await t.redis().get(`likes:${photo}`)) === (await likeCountInPg(photo)), 20_000);
    expect(await likeCountInPg(photo)).toBe(Number(counterBefore ?? 0) + 1);
    // The upload is committed whatever its answer: its photo is the author's newest.
    const [newest] = await pgQuery<{ id: string }>(pg, `SELECT id::text FROM ${shardSchema(shardOf(BigInt(author)))}.photos WHERE owner_id = $1 ORDER BY id DESC LIMIT 1`, [author]);
    await eventually('the photo to be fanned out to the follower', async () => (await t.redis().zscore(`feed:${fan}`, newest!.id)) !== null, 20_000);
    // "Who liked your photo" got the like once.
    const owner = await ownerOf(photo);
    const items = (await api('GET', `/users/${owner}/activity`, { token: t.tokenOf(owner) })).body.items as Array<{ type: string; actorId: string; photoId?: string }>;
    expect(items.filter((i) => i.type === 'like' && i.actorId === liker && i.photoId === photo)).toHaveLength(1);
    // Both writes were committed, so both were answered as done.
    expect(statuses).toEqual({ like: 200, upload: 201 });
    await eventually('the outbox to be empty', async () => (await outboxRows()) === 0, 20_000);
  }, 60_000);

  it('finishes what a process that died after its commit left in the outbox', async () => {
    // An upload committed with its outbox row, by an app killed before running it: written here.
    const [author, fan] = [t.manifest.userIds[63]!, t.manifest.userIds[64]!];
    expect((await api('PUT', `/users/${fan}/following/${author}`, { token: t.tokenOf(fan) })).status).toBe(200);
    const s = shardSchema(shardOf(BigInt(author)));
    const [photo] = await pgQuery<{ id: string }>(
      pg,
      `WITH p AS (INSERT INTO ${s}.photos (owner_id, object_key) VALUES ($1, 'outbox/orphan.jpg') RETURNING id)
       INSERT INTO ${s}.outbox (effects) SELECT jsonb_build_array(jsonb_build_object('t', 'fanout', 'photoId', id::text, 'ownerId', $1::text)) FROM p
       RETURNING (effects->0->>'photoId') AS id`,
      [author],
    );
    await eventually('the sweeper to fan the photo out', async () => (await t.redis().zscore(`feed:${fan}`, photo!.id)) !== null, 30_000);
    await eventually('the outbox to be empty', async () => (await outboxRows()) === 0, 20_000);
  }, 60_000);
});
