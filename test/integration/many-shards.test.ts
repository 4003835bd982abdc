import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery } from '../../app/adapters/postgres.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { usernameShard } from '../../app/schema/usernames.ts';
import { apiClient } from '../helpers/api-client.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ logicalShards: 1024 });
}, 240_000);
afterAll(async () => t?.stop());

describe('1024 logical shards', () => {
  it('spreads the dataset over all of them and routes every read by the id bits', async () => {
    const shardsUsed = new Set(t.manifest.photoIds.map((id) => shardOf(BigInt(id))));
    expect(shardsUsed.size).toBeGreaterThan(600);
    expect(Math.max(...shardsUsed)).toBeLessThan(1024);
    const api = apiClient(t.app.baseUrl).call;
    const token = t.tokenOf(t.manifest.userIds[0]!);
    for (const id of t.manifest.photoIds.filter((_, i) => i % 97 === 0)) {
      const res = await api('GET', `/photos/${id}`, { token });
      expect(res.status).toBe(200);
      expect(shardOf(BigInt(res.body.ownerId))).toBe(shardOf(BigInt(id)));
    }
  });

  it("writes a new user on its id's shard and its name on the name's shard", async () => {
    const api = apiClient(t.app.baseUrl).call;
    const name = `shardy${Date.now().toString(36)}`;
    const res = await api('POST', '/users', { body: { username: name, password: 'long enough' } });
    expect(res.status).toBe(201);
    const id = BigInt(res.body.user.id);
    const pool = createPgPool(t.pgUrl, 1);
    try {
      expect(await pgQuery(pool, `SELECT 1 FROM ${shardSchema(shardOf(id))}.users WHERE id = $1`, [id.toString()])).toHaveLength(1);
      const [claim] = await pgQuery<{ user_id: string }>(pool, `SELECT user_id FROM ${shardSchema(usernameShard(name, 1024))}.usernames WHERE username = $1`, [name]);
      expect(claim?.user_id).toBe(id.toString());
    } finally {
      await pool.end();
    }
  });
});
