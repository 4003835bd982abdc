import { createPgPool, pgExec, pgQuery, type PgPool } from '../../app/adapters/postgres.ts';
import { createRedis } from '../../app/adapters/redis.ts';
import { APP_DEFAULTS } from '../../app/config.ts';
import { keys } from '../../app/keys.ts';
import { hashPassword } from '../../app/services/passwords.ts';
import { shardsOfNode } from '../../app/schema/shard-map.ts';
import { StackError } from '../errors.ts';
import { copyContext } from './copy-rows.ts';
import { checkInvariants, checkPostgres, checkRedis, type Expected, type Invariant } from './invariants.ts';
import { combineDigests, loadNode, type TableCounts } from './load.ts';
import { buildPopulation, type Population } from './population.ts';
import { profiles, type Profile } from './profiles.ts';
import { silentProgress, type SeedProgress } from './progress.ts';
import { feedOf, primeRedis } from './redis-prime.ts';
import { SEEDED_PASSWORD, sessionToken } from './sessions.ts';

/** What the load generator and the results need to know about a seeded dataset. */
export interface Manifest {
  profile: string;
  seed: number;
  logicalShards: number;
  /** PostgreSQL primaries the shards are spread over. */
  nodes: number;
  feedCap: number;
  counts: { users: number; photos: number; follows: number; likes: number; comments: number; rows: number };
  tables: TableCounts;
  digest: string;
  seedSeconds: number;
  /** Seconds per phase: generate, load (COPY, keys, statistics), redis (PostgreSQL's checks run meanwhile), check (what remains of them, and Redis'). */
  phases: Record<string, number>;
  invariants: Invariant[];
  /** True when this call loaded the data (false: it was already there). Not stored. */
  seededNow: boolean;
  /** Decimal id lists the load generator samples keys from (kept in tierbench_population, not in the JSON). */
  userIds: string[];
  photoIds: string[];
}

const META = 'public.tierbench_dataset';
const POPULATION = 'public.tierbench_population';
const IDS_PER_ROW = 1 << 20;

export interface SeedOptions {
  progress?: SeedProgress;
  /** Feed length the app keeps (the seeder primes feeds to it). */
  feedCap?: number;
  /** Load lanes (connections) at once over all nodes: 3 keeps 2 cores busy while one lane builds keys. */
  lanes?: number;
  /** Users and photos sampled to compare Redis with PostgreSQL. */
  sample?: number;
  /** Aborting (Ctrl-C) stops the load between parts. */
  signal?: AbortSignal;
}

/** Id lists as newline-separated decimal text in parts of 1M, stored uncompressed: they read back with one split, no decompression. */
async function saveIds(pool: PgPool, name: string, ids: readonly string[]): Promise<void> {
  for (let part = 0, i = 0; i < ids.length; part++, i += IDS_PER_ROW)
    await pgQuery(pool, `INSERT INTO ${POPULATION} (name, part, ids) VALUES ($1, $2, $3)`, [name, part, ids.slice(i, i + IDS_PER_ROW).join('\n')]);
}

async function loadIds(pool: PgPool, name: string): Promise<string[]> {
  const rows = await pgQuery<{ ids: string }>(pool, `SELECT ids FROM ${POPULATION} WHERE name = $1 ORDER BY part`, [name]);
  return rows.flatMap((r) => r.ids.split('\n'));
}

/** Evenly spread indices into [0, n), the same for the same n. */
function spread(n: number, want: number): number[] {
  const k = Math.min(n, want);
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
}

/** What the checks compare the stores with: written row counts, and samples of users, photos and feeds. */
function expectationsOf(pop: Population, userIdText: readonly string[], tables: TableCounts, feedCap: number, sample: number): Expected {
  const sampleUsers = spread(pop.users.count, sample);
  const out = new Int32Array(feedCap);
  const heap = { owner: new Int32Array(pop.users.count + 1), pos: new Int32Array(pop.users.count + 1) };
  return {
    seed: pop.seed,
    tables,
    sampleUsers: sampleUsers.map((u) => userIdText[u]!),
    samplePhotos: spread(pop.photos.count, sample).map((p) => pop.photos.id[p]!.toString()),
    feedSizes: sampleUsers.map((u) => feedOf(pop, u, feedCap, out, heap) + 1),
  };
}

/**
 * Checks a loaded dataset again (the population is rebuilt from profile and seed): what a test
 * uses to show the invariants failing after it breaks the data on purpose.
 */
export async function verifyDataset(pgUrls: readonly string[], redisUrl: string, m: Pick<Manifest, 'profile' | 'seed' | 'logicalShards' | 'tables' | 'feedCap'>): Promise<Invariant[]> {
  const profile = profiles[m.profile];
  if (!profile) throw new StackError(`unknown profile ${m.profile}`);
  const pop = buildPopulation(profile, m.seed, m.logicalShards);
  const pools = pgUrls.map((url) => createPgPool(url, 3, 'tierbench-verify'));
  try {
    const ranges = pools.map((_, i) => shardsOfNode(i, m.logicalShards, pools.length));
    return await checkInvariants(pools, ranges, redisUrl, expectationsOf(pop, Array.from(pop.users.id, String), m.tables, m.feedCap, 2000));
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
}

async function reuse(meta: PgPool, m: Manifest, redisUrl: string, log: (line: string) => void): Promise<Manifest> {
  // Redis may still be loading a snapshot's RDB: its client waits for that while PostgreSQL is read.
  const redis = createRedis(redisUrl);
  try {
    const [userIds, photoIds] = await Promise.all([loadIds(meta, 'users'), loadIds(meta, 'photos')]);
    const probe = userIds[0];
    if (probe !== undefined && (await redis.get(keys.session(sessionToken(m.seed, probe)))) !== probe)
      throw new StackError("this stack's Redis no longer holds the seeded sessions; run `bench stack down` and start again");
    log(`dataset ${m.profile} (seed ${m.seed}) already loaded on this stack`);
    return { ...m, seededNow: false, userIds, photoIds };
  } finally {
    redis.disconnect();
  }
}

/**
 * Makes sure the primaries (in shard-map order) hold the dataset (profile, seed, shards): reuses it
 * when the stack already has it (a `bench stack up` stack or a restored snapshot), otherwise
 * builds the population, COPYs each node's logical shards into it (nodes in parallel), primes
 * Redis, checks the invariants and keeps the manifest on the first node.
 */
export async function ensureDataset(
  pgUrls: readonly string[],
  redisUrl: string,
  profile: Profile,
  seed: number,
  logicalShards: number,
  log: (line: string) => void,
  opts: SeedOptions = {},
): Promise<Manifest> {
  const progress = opts.progress ?? silentProgress;
  const feedCap = opts.feedCap ?? APP_DEFAULTS.feedCap;
  const lanes = opts.lanes ?? 3;
  const width = Math.max(1, Math.ceil(lanes / pgUrls.length));
  // No fsync per commit while loading: a crash mid-seed throws the seed away anyway, and the load ends with a CHECKPOINT.
  // Statistics from a smaller sample: the app's plans are primary-key and index lookups.
  const pools = pgUrls.map((url) => createPgPool(url, width + 1, 'tierbench-seed', { synchronous_commit: 'off', default_statistics_target: '20' }));
  const meta = pools[0]!;
  try {
    await pgExec(meta, `CREATE TABLE IF NOT EXISTS ${META} (id int PRIMARY KEY, manifest jsonb NOT NULL);
      CREATE TABLE IF NOT EXISTS ${POPULATION} (name text, part int, ids text NOT NULL, PRIMARY KEY (name, part));
      ALTER TABLE ${POPULATION} ALTER COLUMN ids SET STORAGE EXTERNAL`);
    const existing = await pgQuery<{ manifest: Manifest }>(meta, `SELECT manifest FROM ${META} WHERE id = 1`);
    const m = existing[0]?.manifest;
    if (m) {
      if (m.profile === profile.name && m.seed === seed && m.logicalShards === logicalShards && m.nodes === pgUrls.length) return await reuse(meta, m, redisUrl, log);
      throw new StackError(
        `this stack holds dataset ${m.profile} seed ${m.seed} with ${m.logicalShards} shards on ${m.nodes} node(s); ` +
          `run \`bench stack down\` first to seed ${profile.name} seed ${seed} with ${logicalShards} shards`,
      );
    }
    const phases: Record<string, number> = {};
    const started = performance.now();
    let mark = started;
    const lap = (name: string): void => {
      const now = performance.now();
      phases[name] = Math.round(now - mark) / 1000;
      mark = now;
    };
    const where = pools.length > 1 ? ` on ${pools.length} nodes` : '';
    log(`seeding ${profile.name} (seed ${seed}): ${profile.users} users, ${profile.photos} photos, ~${profile.users * profile.followingMean} follows, ${profile.likes} likes, ${profile.comments} comments over ${logicalShards} logical shards${where}`);
    progress.phase('generate', 1, 'steps');
    const pop = buildPopulation(profile, seed, logicalShards);
    const passwordHash = await hashPassword(SEEDED_PASSWORD, Buffer.from(`tierbench-${seed}`));
    const ctx = copyContext(pop, passwordHash);
    progress.rows('generate', 1);
    lap('generate');

    const ranges = pools.map((_, i) => shardsOfNode(i, logicalShards, pools.length));
    const digests = new Map<string, string>();
    const rowsTotal = pop.users.count * 2 + pop.photos.count + pop.following.items.length * 2 + pop.likers.items.length + pop.comments.count;
    progress.phase('load', rowsTotal, 'rows');
    const counted = await Promise.all(pools.map((pool, i) => loadNode(pool, ctx, ranges[i]!, width, progress, digests, opts.signal)));
    const tables = counted.reduce((a, c) => {
      for (const k of Object.keys(a) as Array<keyof TableCounts>) a[k] += c[k];
      return a;
    });
    progress.end();
    lap('load');

    // Decimal photo ids, made once: Redis keys and feeds, and the manifest's population.
    const photoIds = Array.from(pop.photos.id, (id) => id.toString());
    // PostgreSQL's checks run on one connection per node while Redis is primed: one core for
    // them, the other for the seeder and Redis.
    const checkPools = pgUrls.map((url) => createPgPool(url, 1, 'tierbench-check'));
    const pgChecks = checkPostgres(checkPools, ranges, { tables }).finally(() => Promise.all(checkPools.map((p) => p.end())));
    pgChecks.catch(() => {});
    await primeRedis(redisUrl, ctx, photoIds, feedCap, progress, opts.signal);
    lap('redis');
    progress.phase('check', 1, 'steps');
    const invariants = [...(await pgChecks), ...(await checkRedis(pools, ranges, redisUrl, expectationsOf(pop, ctx.userIdText, tables, feedCap, opts.sample ?? 2000)))];
    progress.rows('check', 1);
    progress.end();
    lap('check');
    const failed = invariants.filter((i) => !i.ok);
    if (failed.length) throw new StackError(`seeded dataset failed its checks: ${failed.map((i) => `${i.name} (${i.detail})`).join('; ')}`);

    const seedSeconds = Math.round(performance.now() - started) / 1000;
    const rows = Object.values(tables).reduce((a, b) => a + b, 0);
    const manifest: Manifest = {
      profile: profile.name,
      seed,
      logicalShards,
      nodes: pools.length,
      feedCap,
      counts: { users: tables.users, photos: tables.photos, follows: tables.following, likes: tables.likes, comments: tables.comments, rows },
      tables,
      digest: combineDigests(digests),
      seedSeconds,
      phases,
      invariants,
      seededNow: true,
      userIds: [],
      photoIds: [],
    };
    await saveIds(meta, 'users', ctx.userIdText);
    await saveIds(meta, 'photos', photoIds);
    const { userIds: _u, photoIds: _p, seededNow: _n, ...stored } = manifest;
    await pgQuery(meta, `INSERT INTO ${META} (id, manifest) VALUES (1, $1)`, [JSON.stringify(stored)]);
    log(`seeded ${rows} rows in ${seedSeconds.toFixed(1)}s (${Math.round(rows / seedSeconds)} rows/s; ${Object.entries(phases).map(([k, v]) => `${k} ${v}s`).join(', ')})`);
    return { ...manifest, userIds: ctx.userIdText, photoIds };
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
}
