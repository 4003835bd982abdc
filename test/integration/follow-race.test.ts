import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { shardOf, shardSchema } from '../../app/schema/ids.ts';
import { nodeOfShard } from '../../app/schema/shard-map.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * A follow is stored on both sides (following on the follower's shard, followers on the
 * followee's), here on two different nodes of the sharded tier. A storm of concurrent follows and
 * unfollows of the same pairs must leave every pair stored on both sides or on neither, and every
 * count (denormalized and in Redis) equal to its rows.
 */
const L = 16;
const P = 4;
let t: TestStack;
let pools: PgPool[];
beforeAll(async () => {
  t = await startTestStack({ tier: 'sharded', pgShards: P, logicalShards: L });
  pools = t.pgUrls.map((u) => createPgPool(u, 2));
}, 120_000);
afterAll(async () => {
  await Promise.all((pools ?? []).map((p) => p.end()));
  await t?.stop();
});

const nodeOf = (id: string) => nodeOfShard(shardOf(BigInt(id)), L, P);
const poolOf = (id: string) => pools[nodeOf(id)]!;
const schemaOf = (id: string) => shardSchema(shardOf(BigInt(id)));

async function edge(table: 'following' | 'followers', a: string, b: string): Promise<boolean> {
  const owner = table === 'following' ? a : b;
  const rows = await pgQuery(poolOf(owner), `SELECT 1 FROM ${schemaOf(owner)}.${table} WHERE follower_id = $1 AND followee_id = $2`, [a, b]);
  return rows.length > 0;
}

/** What is out of step for one user: denormalized counts against rows, Redis counters against both. */
async function countProblems(user: string): Promise<string[]> {
  const s = schemaOf(user);
  const [row] = await pgQuery<{ following_count: number; follower_count: number; following: number; followers: number }>(
    poolOf(user),
    `SELECT following_count, follower_count,
            (SELECT count(*)::int FROM ${s}.following WHERE follower_id = $1) AS following,
            (SELECT count(*)::int FROM ${s}.followers WHERE followee_id = $1) AS followers
       FROM ${s}.users WHERE id = $1`,
    [user],
  );
  const [following, followers] = await t.redis().mget(`following:${user}`, `followers:${user}`);
  const problems: string[] = [];
  if (row!.following_count !== row!.following) problems.push(`${user} following_count ${row!.following_count} != ${row!.following} rows`);
  if (row!.follower_count !== row!.followers) problems.push(`${user} follower_count ${row!.follower_count} != ${row!.followers} rows`);
  if (following !== null && Number(following) !== row!.following) problems.push(`${user} redis following ${following} != ${row!.following}`);
  if (followers !== null && Number(followers) !== row!.followers) problems.push(`${user} redis followers ${followers} != ${row!.followers}`);
  return problems;
}

const ROUNDS = 20;
const PER_PAIR = 16;

/** What is out of step over the pairs once the outbox sweeper had a few seconds for what it was left. */
async function settled(pairs: ReadonlyArray<[string, string]>): Promise<string[]> {
  let problems: string[] = [];
  for (let attempt = 0; attempt < 30; attempt++) {
    problems = [];
    for (const [a, b] of pairs) {
      const [mine, theirs] = [await edge('following', a, b), await edge('followers', a, b)];
      if (mine !== theirs) problems.push(`${a} -> ${b}: following ${mine}, followers ${theirs}`);
      problems.push(...(await countProblems(a)), ...(await countProblems(b)));
    }
    if (problems.length === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return problems;
}

describe('sharded tier: concurrent follows and unfollows of the same pairs', () => {
  it('end with every pair on both sides or neither, and every count equal to its rows', async () => {
    // Pairs whose two users live on different nodes.
    const users = t.manifest.userIds;
    const pairs: Array<[string, string]> = [];
    for (let i = 0; pairs.length < 8 && i + 1 < users.length; i += 2) if (nodeOf(users[i]!) !== nodeOf(users[i + 1]!)) pairs.push([users[i]!, users[i + 1]!]);
    const dispatcher = new Agent({ connections: 64 });
    const call = (method: string, a: string, b: string) =>
      fetch(`${t.app.baseUrl}/users/${a}/following/${b}`, {
        method,
        headers: { authorization: `Bearer ${t.tokenOf(a)}` },
        // @ts-expect-error undici's fetch takes a dispatcher
        dispatcher,
      }).then(async (r) => (await r.arrayBuffer(), r.status));
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    // Checked after every round: a later round's requests could mend what an earlier one broke.
    for (let round = 0; round < ROUNDS && problems.length === 0; round++) {
      const calls = pairs.flatMap(([a, b]) => Array.from({ length: PER_PAIR }, (_, k) => call((k + round) % 2 ? 'PUT' : 'DELETE', a, b)));
      for (const s of await Promise.all(calls)) statuses.set(s, (statuses.get(s) ?? 0) + 1);
      problems.push(...(await settled(pairs)).map((p) => `round ${round}: ${p}`));
    }
    await dispatcher.close();
    expect(problems).toEqual([]);
    expect(statuses).toEqual(new Map([[200, pairs.length * PER_PAIR * ROUNDS]]));
  }, 120_000);
});
