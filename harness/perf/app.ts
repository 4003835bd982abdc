/**
 * npm run perf:app — the app's two hot paths measured against references in the same run on the
 * same machine (absolute numbers drift on shared machines; ratios side by side do not):
 *  - cached GET /photos/:id (session check + Memcached hit + Redis counter) vs a trivial fastify route;
 *  - uncached GET /photos/:id (session check + Memcached miss + PostgreSQL read + cache fill) vs
 *    `pgbench -S` on the same PostgreSQL node.
 * Each round runs every side back to back and yields its own ratios; the figures are the medians
 * over rounds (drift between rounds cancels within a round). The last line is one JSON object.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { maxThroughput, type ClosedLoopResult } from '../drive/closed-loop.ts';
import { memcachedSnapshot } from '../metrics/backends.ts';
import { processTreeCpuSeconds } from '../metrics/proc-cpu.ts';
import { spawnReady } from '../run/app-process.ts';
import { launchStack, startAppOn, type LaunchedApp } from '../run/launcher.ts';
import { sessionToken } from '../seed/sessions.ts';
import { DEFAULT_SNAPSHOTS } from '../seed/snapshot.ts';
import { resolveBinaries } from '../stack/binaries.ts';
import { Supervisor } from '../stack/supervisor.ts';
import { nodeByRole } from '../stack/types.ts';
import { pgbenchInit, pgbenchSelectOnly } from './pgbench.ts';

const ROUNDS = Number(process.env.PERF_ROUNDS ?? 3);
const SECONDS = Number(process.env.PERF_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.PERF_CONNECTIONS ?? 32);
const PGBENCH_CLIENTS = 16;
const HOT_PHOTOS = 1000;

const log = (line: string) => process.stderr.write(line + '\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function describe(name: string, r: ClosedLoopResult): string {
  return `${name.padEnd(22)} ${r.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${r.latencyP50Ms} ms  p99 ${r.latencyP99Ms} ms  non-2xx ${r.non2xx}  errors ${r.errors}`;
}

async function main(): Promise<void> {
  const bin = resolveBinaries(log);
  // PERF_NODE_CPUS sizes the PostgreSQL node like a machine of that many CPUs (the app and the
  // generator then stand for other machines); unset, everything shares this machine's cores.
  const nodeCpus = Number(process.env.PERF_NODE_CPUS ?? 0);
  const launched = await launchStack({ tier: 'cache', capacity: { cpus: nodeCpus, memoryBytes: 0 }, profile: 'starter', seed: 1, logicalShards: 64, snapshots: DEFAULT_SNAPSHOTS, log });
  const stack = launched.stack;
  log(`PostgreSQL node: ${stack.capacity.description}`);
  const runDir = mkdtempSync(join(tmpdir(), 'tierbench-perf-'));
  chmodSync(runDir, 0o755);
  const sup = new Supervisor(runDir, false);
  let app: LaunchedApp | undefined;
  const stopAll = async () => {
    await app?.stop();
    await sup.stopAll();
    await launched.down();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const pg = nodeByRole(stack, 'pg-primary');
    const memcachedUrl = nodeByRole(stack, 'memcached').url;
    const manifest = launched.manifest;
    const a = (app = await startAppOn(launched, { pgPoolSize: Number(process.env.PERF_PG_POOL ?? 16) }, 1));
    const trivial = await spawnReady(sup, 'trivial', fileURLToPath(new URL('./trivial-server.ts', import.meta.url)), {}, 'listening');
    const trivialUrl = `http://127.0.0.1:${Number(trivial.line.port)}`;
    log('pgbench -i -s 10 on the same PostgreSQL node...');
    await pgbenchInit(bin.pgBinDir, pg, 'pgbench', 10);

    // CPU seconds per process during a run: where the machine's two cores went.
    const pids: Record<string, number> = { app: a.pid, postgres: pg.pid!, redis: nodeByRole(stack, 'redis').pid!, memcached: nodeByRole(stack, 'memcached').pid!, trivial: trivial.proc.pid };
    const cpuNow = () => ({ ...Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processTreeCpuSeconds(pid) ?? 0])), generator: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 });
    const measured = async <T,>(fn: () => Promise<T>): Promise<[T, string]> => {
      const a = cpuNow();
      const r = await fn();
      const b = cpuNow();
      const parts = Object.keys(b).map((k) => [k, (b as Record<string, number>)[k]! - (a as Record<string, number>)[k]!] as const).filter(([, v]) => v >= 0.05);
      return [r, '    cpu s: ' + parts.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')];
    };
    const user = manifest.userIds[0]!;
    const headers = { authorization: `Bearer ${sessionToken(manifest.seed, user)}` };
    const hot = manifest.photoIds.slice(0, HOT_PHOTOS);
    let h = 0;
    // Cold photos in a fixed order, each requested once: every read misses the cache.
    let cold = HOT_PHOTOS;
    const mc = createMemcached(memcachedUrl);
    const warm = await maxThroughput({ baseUrl: a.baseUrl, connections: 8, durationSec: 2, headers, nextPath: () => `/photos/${hot[h++ % hot.length]}` });
    log(describe('warm-up (not counted)', warm));
    // The miss path warms too: every pooled PostgreSQL connection prepares its statement and loads
    // its catalog entries once per shard schema (64 here), and the app's miss path gets compiled.
    // These reads walk the photo list from its end; the measured ones walk it from its start.
    let tail = manifest.photoIds.length - 1;
    const warmMiss = await maxThroughput({ baseUrl: a.baseUrl, connections: CONNECTIONS, durationSec: 4, headers, nextPath: () => `/photos/${manifest.photoIds[tail--]}` });
    log(describe('miss warm-up (not counted)', warmMiss));

    const trivialRps: number[] = [];
    const cachedRps: number[] = [];
    const uncachedRps: number[] = [];
    const pgbenchTps: number[] = [];
    let uncachedHitRate = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS}`);
      const [t, tCpu] = await measured(() => maxThroughput({ baseUrl: trivialUrl, connections: CONNECTIONS, durationSec: SECONDS, nextPath: () => '/ping' }));
      log(describe('  trivial route', t) + '\n' + tCpu);
      const [c, cCpu] = await measured(() =>
        maxThroughput({ baseUrl: a.baseUrl, connections: CONNECTIONS, durationSec: SECONDS, headers, nextPath: () => `/photos/${hot[h++ % hot.length]}` }),
      );
      log(describe('  cached photo read', c) + '\n' + cCpu);
      const [tps, pCpu] = await measured(() => pgbenchSelectOnly(bin.pgBinDir, pg, 'pgbench', PGBENCH_CLIENTS, SECONDS));
      log(`  pgbench -S              ${tps.toFixed(0).padStart(7)} tps\n${pCpu} (pgbench's own client not counted)`);
      await mcFlush(mc);
      const before = await memcachedSnapshot(mc);
      const [u, uCpu] = await measured(() =>
        maxThroughput({
          baseUrl: a.baseUrl,
          connections: CONNECTIONS,
          durationSec: SECONDS,
          headers,
          nextPath: () => `/photos/${manifest.photoIds[cold++ % manifest.photoIds.length]}`,
        }),
      );
      const after = await memcachedSnapshot(mc);
      const photoHits = after.getHits - before.getHits;
      const photoMisses = after.getMisses - before.getMisses;
      uncachedHitRate = photoHits / Math.max(1, photoHits + photoMisses);
      log(describe('  uncached photo read', u) + `  memcached hit rate ${(uncachedHitRate * 100).toFixed(1)}%\n${uCpu}`);
      for (const r of [t, c, u]) if (r.non2xx + r.errors + r.timeouts > 0) throw new Error('a perf run had failed requests; see the lines above');
      trivialRps.push(t.requestsPerSec);
      cachedRps.push(c.requestsPerSec);
      uncachedRps.push(u.requestsPerSec);
      pgbenchTps.push(tps);
    }
    mc.close();
    if (cold > tail) log('note: the uncached rounds reached the photos read while warming up; memcached was flushed, so they still missed');

    const figures = {
      trivialRps: Math.round(median(trivialRps)),
      cachedRps: Math.round(median(cachedRps)),
      uncachedRps: Math.round(median(uncachedRps)),
      pgbenchTps: Math.round(median(pgbenchTps)),
      cachedVsTrivial: Number(median(cachedRps.map((c, i) => c / trivialRps[i]!)).toFixed(3)),
      uncachedVsPgbench: Number(median(uncachedRps.map((u, i) => u / pgbenchTps[i]!)).toFixed(3)),
      perRound: cachedRps.map((c, i) => ({ cachedVsTrivial: Number((c / trivialRps[i]!).toFixed(3)), uncachedVsPgbench: Number((uncachedRps[i]! / pgbenchTps[i]!).toFixed(3)) })),
      uncachedHitRate: Number(uncachedHitRate.toFixed(4)),
      rounds: ROUNDS,
      secondsPerRun: SECONDS,
      connections: CONNECTIONS,
      pgbenchClients: PGBENCH_CLIENTS,
      postgresNode: stack.capacity.description,
      targets: { cachedVsTrivial: 0.4, uncachedVsPgbench: 0.3 },
    };
    log(`cached photo read / trivial route:  ${figures.cachedVsTrivial} (target >= 0.4)`);
    log(`uncached photo read / pgbench -S:   ${figures.uncachedVsPgbench} (target >= 0.3)`);
    process.stdout.write(JSON.stringify(figures) + '\n');
  } finally {
    await stopAll();
  }
}

main().catch((err: unknown) => {
  log(`perf:app failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
