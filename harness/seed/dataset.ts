import { createPgPool, pgExec, pgQuery } from '../../app/adapters/postgres.ts';
import { createRedis } from '../../app/adapters/redis.ts';
import { keys } from '../../app/keys.ts';
import { hashPassword } from '../../app/services/passwords.ts';
import { SESSION_TTL_SEC } from '../../app/services/sessions.ts';
import { SEEDED_PASSWORD, sessionToken } from './sessions.ts';
import { shardOf } from '../../app/schema/ids.ts';
import { shardsOfNode } from '../../app/schema/shard-map.ts';
import { StackError } from '../errors.ts';
import { generateDataset } from './generate.ts';
import { countRows, loadDataset } from './load.ts';
import type { Profile } from './profiles.ts';

/** What the load generator and the results need to know about a seeded dataset. */
export interface Manifest {
  profile: string;
  seed: number;
  logicalShards: number;
  counts: { users: number; photos: number };
  digest: string;
  seedSeconds: number;
  /** Decimal id lists the load generator samples keys from. */
  userIds: string[];
  photoIds: string[];
  invariants: Array<{ name: string; ok: boolean; detail: string }>;
}

const META = 'public.tierbench_dataset';

/**
 * Makes sure the node holds the dataset (profile, seed, shards): reuses it when the stack already
 * has it (a `bench stack up` stack), otherwise generates, loads with COPY and checks it.
 */
/** A session for every seeded user, written with pipelining (tokens derive from the seed). */
async function primeSessions(redisUrl: string, seed: number, userIds: readonly string[]): Promise<void> {
  const redis = createRedis(redisUrl);
  try {
    for (let i = 0; i < userIds.length; i += 5000) {
      const p = redis.pipeline();
      for (const id of userIds.slice(i, i + 5000)) p.set(keys.session(sessionToken(seed, id)), id, 'EX', SESSION_TTL_SEC);
      await p.exec();
    }
  } finally {
    redis.disconnect();
  }
}

/**
 * Makes sure the primaries (in shard-map order) hold the dataset (profile, seed, shards): reuses it
 * when the stack already has it (a `bench stack up` stack), otherwise generates it and loads each
 * node's logical shards into it with COPY, the nodes in parallel, then checks it. The manifest is
 * kept on the first node.
 */
export async function ensureDataset(
  pgUrls: readonly string[],
  redisUrl: string,
  profile: Profile,
  seed: number,
  logicalShards: number,
  log: (line: string) => void,
): Promise<Manifest> {
  const pools = pgUrls.map((url) => createPgPool(url, 6, 'tierbench-seed'));
  const meta = pools[0]!;
  try {
    await pgExec(meta, `CREATE TABLE IF NOT EXISTS ${META} (id int PRIMARY KEY, manifest jsonb NOT NULL)`);
    const existing = await pgQuery<{ manifest: Manifest }>(meta, `SELECT manifest FROM ${META} WHERE id = 1`);
    const m = existing[0]?.manifest;
    if (m) {
      if (m.profile === profile.name && m.seed === seed && m.logicalShards === logicalShards) {
        log(`dataset ${profile.name} (seed ${seed}) already loaded on this stack`);
        await primeSessions(redisUrl, seed, m.userIds);
        return m;
      }
      throw new StackError(
        `this stack holds dataset ${m.profile} seed ${m.seed} with ${m.logicalShards} shards; ` +
          `run \`bench stack down\` first to seed ${profile.name} seed ${seed} with ${logicalShards} shards`,
      );
    }
    const started = process.hrtime.bigint();
    const where = pools.length > 1 ? ` on ${pools.length} nodes` : '';
    log(`seeding ${profile.name}: ${profile.users} users, ${profile.photos} photos over ${logicalShards} logical shards${where} (seed ${seed})...`);
    const data = generateDataset(profile, seed, logicalShards);
    const passwordHash = await hashPassword(SEEDED_PASSWORD, Buffer.from(`tierbench-${seed}`));
    const ranges = pools.map((_, i) => shardsOfNode(i, logicalShards, pools.length));
    await Promise.all(pools.map((pool, i) => loadDataset(pool, data, logicalShards, ranges[i]!, passwordHash, Math.max(1, Math.ceil(4 / pools.length)))));
    await primeSessions(redisUrl, seed, data.users.map((u) => u.id.toString()));
    const perNode = await Promise.all(pools.map((pool, i) => countRows(pool, ranges[i]!)));
    const counts = { users: perNode.reduce((a, c) => a + c.users, 0), photos: perNode.reduce((a, c) => a + c.photos, 0) };
    const seedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const misplaced = data.photos.filter((p) => shardOf(p.id) !== shardOf(p.ownerId)).length;
    const invariants = [
      { name: 'users loaded', ok: counts.users === profile.users, detail: `${counts.users} rows, ${profile.users} generated` },
      { name: 'photos loaded', ok: counts.photos === profile.photos, detail: `${counts.photos} rows, ${profile.photos} generated` },
      { name: "photos on their owner's shard", ok: misplaced === 0, detail: `${misplaced} misplaced` },
    ];
    const failed = invariants.filter((i) => !i.ok);
    if (failed.length) throw new StackError(`seeded dataset failed its checks: ${failed.map((i) => `${i.name} (${i.detail})`).join('; ')}`);
    const manifest: Manifest = {
      profile: profile.name,
      seed,
      logicalShards,
      counts,
      digest: data.digest,
      seedSeconds,
      userIds: data.users.map((u) => u.id.toString()),
      photoIds: data.photos.map((p) => p.id.toString()),
      invariants,
    };
    await pgQuery(meta, `INSERT INTO ${META} (id, manifest) VALUES (1, $1)`, [JSON.stringify(manifest)]);
    log(`seeded in ${seedSeconds.toFixed(1)}s (${Math.round((counts.users + counts.photos) / seedSeconds)} rows/s)`);
    return manifest;
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
}
