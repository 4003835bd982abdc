/**
 * npm run perf:tiers — what a replica or a shard buys, with equal capacity per PostgreSQL node.
 * For each tier (cache; replicas with R=2; sharded with P=4), on the same dataset: max throughput
 * of a read-heavy, cache-miss-heavy workload (uncached photo reads) and of a write-heavy one
 * (likes, each a new row plus a counter update). Every node gets the same CPU quota and memory
 * budget (cgroup v1), small enough that PostgreSQL, not the app or the generator, is the limit.
 * The last line is one JSON object with the figures and the ratios.
 */
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { maxThroughput, type ClosedLoopResult } from '../drive/closed-loop.ts';
import { launchStack, startAppOn, type LaunchedApp } from '../run/launcher.ts';
import { DEFAULT_SNAPSHOTS } from '../seed/snapshot.ts';
import { sessionToken } from '../seed/sessions.ts';
import { capacityUnavailable, type NodeCapacity } from '../stack/capacity.ts';
import { nodeByRole } from '../stack/types.ts';

const SECONDS = Number(process.env.PERF_SECONDS ?? 8);
/** Longest warm-up, in seconds; it ends sooner once throughput stops climbing. */
const WARMUP_MAX = Number(process.env.PERF_WARMUP ?? 60);
const WARMUP_SLICE = 4;
const POOL = Number(process.env.PERF_PG_POOL ?? 4);
const CONNECTIONS = Number(process.env.PERF_CONNECTIONS ?? 32);
const NODE: NodeCapacity = { cpus: Number(process.env.PERF_NODE_CPUS ?? 0.1), memoryBytes: 1024 * 2 ** 20 };
const LOGICAL_SHARDS = 64;
const TIERS = [
  { tier: 'cache', replicas: 0, pgShards: 1 },
  { tier: 'replicas', replicas: 2, pgShards: 1 },
  { tier: 'sharded', replicas: 0, pgShards: 4 },
] as const;

const log = (line: string) => process.stderr.write(line + '\n');
const fmt = (name: string, r: ClosedLoopResult) =>
  `  ${name.padEnd(28)} ${r.requestsPerSec.toFixed(0).padStart(6)} req/s  p50 ${r.latencyP50Ms} ms  p99 ${r.latencyP99Ms} ms  non-2xx ${r.non2xx}  errors ${r.errors}`;

/**
 * Runs a workload in slices until its throughput stops climbing: a slice without a new best by more
 * than 5% (or WARMUP_MAX seconds). A fixed warm-up suits one tier and not another: the replicas
 * tier has twice the backends to warm (each fills its catalog caches and plans its statements in
 * 64 schemas) on the same per-node quota. Not longer than that: after about a minute of likes,
 * autovacuum starts analyzing the photos tables and takes half of a 0.1-CPU node, and a faster
 * tier gets there sooner.
 */
async function warmUp(name: string, run: (seconds: number) => Promise<ClosedLoopResult>): Promise<void> {
  let best = 0;
  for (let spent = WARMUP_SLICE; spent <= WARMUP_MAX; spent += WARMUP_SLICE) {
    const r = await run(WARMUP_SLICE);
    log(fmt(`${name}: warm-up ${spent}s`, r));
    if (r.requestsPerSec <= best * 1.05) return;
    best = r.requestsPerSec;
  }
}

async function measureTier(t: (typeof TIERS)[number]): Promise<{ reads: number; writes: number }> {
  const launched = await launchStack({ tier: t.tier, replicas: t.replicas, pgShards: t.pgShards, capacity: NODE, profile: 'starter', seed: 1, logicalShards: LOGICAL_SHARDS, snapshots: DEFAULT_SNAPSHOTS, log });
  let app: LaunchedApp | undefined;
  try {
    if (!launched.stack.capacity.applied) throw new Error(`capacity limits could not be applied (${launched.stack.capacity.description}); the tiers would not differ`);
    const m = launched.manifest;
    const memcached = nodeByRole(launched.stack, 'memcached').url;
    // A node this small serves best with few connections (as behind pgbouncer): 4 per node.
    const a = (app = await startAppOn(launched, { pgPoolSize: POOL }, 1));

    // Reads: photos in a fixed order by users who never write (no read-your-writes pinning).
    // Warm-up first, not counted: new backends fill their catalog caches for 64 schemas, which on
    // a small CPU quota would otherwise be most of what a short run measures. Memcached is emptied
    // between warm-up and measurement, so every measured read misses as long as it reads each
    // photo once.
    let i = 0;
    const n = m.photoIds.length;
    const reader = m.userIds.slice(0, 100).map((u) => `Bearer ${sessionToken(m.seed, u)}`);
    const nextRead = () => {
      const k = i++ % n;
      return { method: 'GET' as const, path: `/photos/${m.photoIds[k]}`, headers: { authorization: reader[k % reader.length]! } };
    };
    await warmUp(`${t.tier}: reads`, (durationSec) => maxThroughput({ baseUrl: a.baseUrl, connections: CONNECTIONS, durationSec, nextRequest: nextRead }));
    const mc = createMemcached(memcached);
    await mcFlush(mc);
    mc.close();
    const first = i;
    const reads = await maxThroughput({ baseUrl: a.baseUrl, connections: CONNECTIONS, durationSec: SECONDS, nextRequest: nextRead });
    if (i - first > n) throw new Error(`${t.tier}: the measured reads went round all ${n} photos, so some hit the cache; use a bigger profile or fewer seconds`);
    log(fmt(`${t.tier}: uncached photo reads`, reads));

    // Writes: new likes, each a distinct (photo, user) pair spread over all shards.
    let w = 0;
    const users = m.userIds.slice(100);
    const nextLike = () => {
      const i = w++;
      const user = users[i % users.length]!;
      const photo = m.photoIds[(i * 7919) % m.photoIds.length]!;
      return { method: 'PUT' as const, path: `/photos/${photo}/likes/${user}`, headers: { authorization: `Bearer ${sessionToken(m.seed, user)}` } };
    };
    await warmUp(`${t.tier}: likes`, (durationSec) => maxThroughput({ baseUrl: a.baseUrl, connections: CONNECTIONS, durationSec, nextRequest: nextLike }));
    const writes = await maxThroughput({ baseUrl: a.baseUrl, connections: CONNECTIONS, durationSec: SECONDS, nextRequest: nextLike });
    log(fmt(`${t.tier}: likes (writes)`, writes));
    for (const r of [reads, writes]) if (r.non2xx + r.errors > 0) throw new Error(`${t.tier}: failed requests; see above`);
    return { reads: reads.requestsPerSec, writes: writes.requestsPerSec };
  } finally {
    await app?.stop();
    await launched.down();
  }
}

async function main(): Promise<void> {
  const why = capacityUnavailable();
  if (why) throw new Error(`perf:tiers needs the node capacity model (cgroup v1 as root): ${why}`);
  log(`each PostgreSQL node: ${NODE.cpus} CPU, ${NODE.memoryBytes / 2 ** 20} MiB; ${CONNECTIONS} connections, ${SECONDS}s per workload after a warm-up of up to ${WARMUP_MAX}s`);
  const results: Record<string, { reads: number; writes: number }> = {};
  for (const t of TIERS) results[t.tier] = await measureTier(t);
  const r = (x: number) => Math.round(x);
  const figures = {
    nodeCpus: NODE.cpus,
    nodeMemoryBytes: NODE.memoryBytes,
    readsPerSec: { cache: r(results.cache!.reads), replicas: r(results.replicas!.reads), sharded: r(results.sharded!.reads) },
    writesPerSec: { cache: r(results.cache!.writes), replicas: r(results.replicas!.writes), sharded: r(results.sharded!.writes) },
    replicasReadRatio: Number((results.replicas!.reads / results.cache!.reads).toFixed(3)),
    shardedWriteRatio: Number((results.sharded!.writes / results.cache!.writes).toFixed(3)),
    targets: { replicasReadRatio: 1.7, shardedWriteRatio: 3 },
  };
  log(`replicas (R=2) / cache, uncached reads: ${figures.replicasReadRatio} (target >= 1.7)`);
  log(`sharded (P=4) / cache, writes:          ${figures.shardedWriteRatio} (target >= 3)`);
  process.stdout.write(JSON.stringify(figures) + '\n');
}

main().catch((err: unknown) => {
  log(`perf:tiers failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
