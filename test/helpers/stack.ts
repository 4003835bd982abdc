import { chmodSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, type AppLaunch, type AppProcess } from '../../harness/run/app-process.ts';
import { ensureDataset, type Manifest } from '../../harness/seed/dataset.ts';
import { profiles } from '../../harness/seed/profiles.ts';
import { sessionToken } from '../../harness/seed/sessions.ts';
import { createRedis, type RedisClient } from '../../app/adapters/redis.ts';
import { localProvider } from '../../harness/stack/local.ts';
import { Supervisor } from '../../harness/stack/supervisor.ts';
import { nodeByRole, type Stack } from '../../harness/stack/types.ts';
import { primaries, replicasOf } from '../../harness/stack/topology.ts';
import { waitForReplicas } from '../../harness/stack/replication.ts';
import { makeTempBase } from './temp.ts';

export interface TestStack {
  stack: Stack;
  manifest: Manifest;
  app: AppProcess;
  /** The first primary (the only one in `cache`). */
  pgUrl: string;
  /** Primaries in shard-map order. */
  pgUrls: string[];
  /** Streaming replicas (replicas tier). */
  replicaUrls: string[];
  redisUrl: string;
  memcachedUrl: string;
  logicalShards: number;
  sup: Supervisor;
  launch: AppLaunch;
  /** A Redis client on the stack's Redis (closed by stop). */
  redis(): RedisClient;
  /** The seeded session token of a seeded user. */
  tokenOf(userId: string): string;
  stop(): Promise<void>;
}

/** A real local stack with the tiny dataset and the app, for integration tests. */
export async function startTestStack(opts: { tier?: string; pgShards?: number; replicas?: number; logicalShards?: number; cacheTtlSec?: number; profile?: string; workers?: number; fanoutChunk?: number } = {}): Promise<TestStack> {
  const base = makeTempBase();
  const logicalShards = opts.logicalShards ?? 8;
  const tier = opts.tier ?? 'cache';
  let stack: Stack | undefined;
  let sup: Supervisor | undefined;
  try {
    stack = await localProvider.up({ tier, pgShards: opts.pgShards, replicas: opts.replicas, baseDir: base.dir, log: () => {} });
    const pgUrls = primaries(stack).map((n) => n.url);
    const pgUrl = pgUrls[0]!;
    const manifest = await ensureDataset(pgUrls, nodeByRole(stack, 'redis').url, profiles[opts.profile ?? 'tiny']!, 1, logicalShards, () => {});
    await waitForReplicas(pgUrl, replicasOf(stack).map((n) => n.url));
    const appDir = mkdtempSync(join(base.dir, 'tierbench-app-'));
    chmodSync(appDir, 0o755);
    sup = new Supervisor(appDir, false);
    const config: AppLaunch = {
      tier,
      postgres: { primaries: pgUrls, replicas: replicasOf(stack).map((n) => n.url) },
      redis: nodeByRole(stack, 'redis').url,
      memcached: nodeByRole(stack, 'memcached').url,
      logicalShards,
      cacheTtlSec: opts.cacheTtlSec ?? 300,
      ...(opts.fanoutChunk ? { fanoutChunk: opts.fanoutChunk } : {}),
    };
    const app = await startApp(sup, config, opts.workers ?? 2);
    const s = stack;
    const a = sup;
    let redisClient: RedisClient | undefined;
    return {
      stack: s,
      manifest,
      app,
      pgUrl,
      pgUrls,
      replicaUrls: replicasOf(s).map((n) => n.url),
      redisUrl: config.redis,
      memcachedUrl: config.memcached,
      logicalShards,
      sup: a,
      launch: config,
      tokenOf: (userId) => sessionToken(1, userId),
      redis: () => (redisClient ??= createRedis(config.redis)),
      async stop() {
        redisClient?.disconnect();
        await a.stopAll();
        await s.down();
        base.remove();
      },
    };
  } catch (err) {
    await sup?.stopAll();
    await stack?.down();
    base.remove();
    throw err;
  }
}
