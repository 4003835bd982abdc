import { createRedis, type RedisClient } from '../../app/adapters/redis.ts';
import { launchStack, startAppOn, type AppSettings, type LaunchedApp } from '../../harness/run/launcher.ts';
import type { AppLaunch } from '../../harness/run/app-process.ts';
import type { Manifest } from '../../harness/seed/dataset.ts';
import { sessionToken } from '../../harness/seed/sessions.ts';
import type { Supervisor } from '../../harness/stack/supervisor.ts';
import { primaries, replicasOf } from '../../harness/stack/topology.ts';
import { nodeByRole, type Stack } from '../../harness/stack/types.ts';
import { makeTempBase } from './temp.ts';

export interface TestStack {
  stack: Stack;
  manifest: Manifest;
  app: LaunchedApp;
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
  /** Another app (and its fan-out workers) on this stack, as `bench run` starts one per trial; the caller stops it. */
  startApp(settings: AppSettings, workers: number): Promise<LaunchedApp>;
  /** The seeded session token of a seeded user. */
  tokenOf(userId: string): string;
  stop(): Promise<void>;
}

/** A real local stack with the tiny dataset and the app, for integration tests (through the one launcher). */
export async function startTestStack(opts: { tier?: string; pgShards?: number; replicas?: number; logicalShards?: number; cacheTtlSec?: number; profile?: string; workers?: number; fanoutChunk?: number; appProcesses?: number } = {}): Promise<TestStack> {
  const base = makeTempBase();
  const launched = await launchStack({
    tier: opts.tier ?? 'cache',
    ...(opts.pgShards !== undefined ? { pgShards: opts.pgShards } : {}),
    ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
    profile: opts.profile ?? 'tiny',
    seed: 1,
    logicalShards: opts.logicalShards ?? 8,
    snapshots: null,
    baseDir: base.dir,
    log: () => {},
  }).catch((err: unknown) => {
    base.remove();
    throw err;
  });
  try {
    const app = await startAppOn(launched, { cacheTtlSec: opts.cacheTtlSec ?? 300, ...(opts.fanoutChunk ? { fanoutChunk: opts.fanoutChunk } : {}), ...(opts.appProcesses ? { processes: opts.appProcesses } : {}) }, opts.workers ?? 2);
    const s = launched.stack;
    let redisClient: RedisClient | undefined;
    return {
      stack: s,
      manifest: launched.manifest,
      app,
      pgUrl: primaries(s)[0]!.url,
      pgUrls: primaries(s).map((n) => n.url),
      replicaUrls: replicasOf(s).map((n) => n.url),
      redisUrl: nodeByRole(s, 'redis').url,
      memcachedUrl: nodeByRole(s, 'memcached').url,
      logicalShards: launched.manifest.logicalShards,
      sup: app.sup,
      launch: app.launch,
      startApp: (settings, workers) => startAppOn(launched, settings, workers),
      tokenOf: (userId) => sessionToken(1, userId),
      redis: () => (redisClient ??= createRedis(nodeByRole(s, 'redis').url)),
      async stop() {
        redisClient?.disconnect();
        await app.stop();
        await launched.down();
        base.remove();
      },
    };
  } catch (err) {
    await launched.down();
    base.remove();
    throw err;
  }
}
