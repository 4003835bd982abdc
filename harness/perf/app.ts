/**
 * npm run perf:app — the app's two hot paths measured against references in the same run on the
 * same machine (absolute numbers drift on shared machines; ratios side by side do not):
 *  - cached GET /photos/:id (session check + Memcached hit + Redis counter) vs a trivial fastify route;
 *  - uncached GET /photos/:id (session check + Memcached miss + PostgreSQL read + cache fill) vs
 *    `pgbench -S -M prepared` on the same PostgreSQL node. The gated figure has the node at the bench's default
 *    size (--node-cpus 0.5, 1 GiB): both clients face the same small node, so the ratio says how
 *    much of the node the app can turn into answers. Beside it, the same pair with the node's CPU
 *    quota lifted (everything sharing the machine's cores), the app's CPU µs per request, the share
 *    of the node's quota each side used, and pgbench running the app's own photo-page statement
 *    (photo-page-reference.ts): whether the app's query, not the app, is what costs the node more.
 * Each round runs every side back to back and yields its own ratios; the figures are the medians
 * over rounds (drift between rounds cancels within a round). The last line is one JSON object.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { perfAppOptions } from '../config/perf-app-options.ts';
import { maxThroughput, type ClosedLoopResult } from '../drive/closed-loop.ts';
import { ExitCode } from '../errors.ts';
import { memcachedSnapshot } from '../metrics/backends.ts';
import { processTreeCpuSeconds } from '../metrics/proc-cpu.ts';
import { spawnReady } from '../run/app-process.ts';
import { launchStack, startAppOn, type LaunchedApp } from '../run/launcher.ts';
import { sessionToken } from '../seed/sessions.ts';
import { DEFAULT_SNAPSHOTS } from '../seed/snapshot.ts';
import { resolveBinaries } from '../stack/binaries.ts';
import { Supervisor } from '../stack/supervisor.ts';
import { nodeByRole } from '../stack/types.ts';
import { failUnlessStopping, PERF_EPILOG, perfFlags, stopOnSignals } from './args.ts';
import { pgbenchInit, pgbenchScript, pgbenchSelectOnly } from './pgbench.ts';
import { copyPhotoPages, writePhotoPageScript } from './photo-page-reference.ts';

const HOT_PHOTOS = 1000;
const TARGETS = { uncachedVsPgbench: 0.8, cachedVsTrivial: 0.4 } as const;
const GOALS = { cachedAppCpuUsPerRequest: 60, uncachedAppCpuUsPerRequest: 150 } as const;

const log = (line: string) => process.stderr.write(line + '\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round3 = (x: number) => Number(x.toFixed(3));
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

function describe(name: string, r: ClosedLoopResult): string {
  return `${name.padEnd(26)} ${r.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${r.latencyP50Ms} ms  p99 ${r.latencyP99Ms} ms  non-2xx ${r.non2xx}  errors ${r.errors}`;
}

/** PostgreSQL's CPU during a run: the share of the node's quota used (1 = all of it), and µs per statement. */
interface PgSpend {
  use: number;
  usPerStatement: number;
}

/** One round's figures. */
interface Round {
  trivial: number;
  cached: number;
  cachedCpuUs: number;
  /** Node at its quota: pgbench -S, pgbench on the photo-page statement, the app's uncached reads. */
  pgbench: number;
  pgbenchPage: number;
  uncached: number;
  uncachedCpuUs: number;
  /** What PostgreSQL spent on each of those three. */
  pgbenchPg: PgSpend;
  pagePg: PgSpend;
  uncachedPg: PgSpend;
  /** Node's CPU quota lifted. */
  pgbenchFree: number;
  uncachedFree: number;
}

async function main(): Promise<void> {
  const f = await perfFlags('perf:app', perfAppOptions, PERF_EPILOG.replace(', 130 interrupted', ', 99 uncachedVsPgbench under its target, 130 interrupted'));
  const rounds = Number(f.rounds);
  const seconds = Math.max(1, Math.round(Number(f.seconds)));
  const connections = Number(f.connections);
  const bin = resolveBinaries(log);
  const launched = await launchStack({ tier: 'cache', capacity: { cpus: Number(f.nodeCpus), memoryBytes: Number(f.nodeMemory) }, profile: 'starter', seed: 1, logicalShards: 64, snapshots: DEFAULT_SNAPSHOTS, log });
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
  stopOnSignals('perf:app', stopAll);
  try {
    if (!stack.capacity.applied) throw new Error(`the node size could not be applied (${stack.capacity.description}); the gated ratio needs it`);
    const pg = nodeByRole(stack, 'pg-primary');
    const memcachedUrl = nodeByRole(stack, 'memcached').url;
    const manifest = launched.manifest;
    const a = (app = await startAppOn(launched, { pgPoolSize: Number(f.pgPool) }, 1));
    const trivial = await spawnReady(sup, 'trivial', fileURLToPath(new URL('./trivial-server.ts', import.meta.url)), {}, 'listening');
    const trivialUrl = `http://127.0.0.1:${Number(trivial.line.port)}`;
    log('pgbench -i -s 10 on the same PostgreSQL node, and the photos copied for pgbench\'s photo-page script...');
    await stack.withCpuUnlimited(() => pgbenchInit(bin.pgBinDir, pg, 'pgbench', 10));
    const pageRows = await stack.withCpuUnlimited(() => copyPhotoPages(pg.url, manifest.logicalShards));
    const pageScript = writePhotoPageScript(runDir, pageRows);

    // CPU seconds per process during a run: where the machine's two cores went.
    const pids: Record<string, number> = { app: a.pid, postgres: pg.pid!, redis: nodeByRole(stack, 'redis').pid!, memcached: nodeByRole(stack, 'memcached').pid!, trivial: trivial.proc.pid };
    const cpuNow = (): Record<string, number> => ({ ...Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processTreeCpuSeconds(pid) ?? 0])), generator: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 });
    /** Runs fn; returns its result and the CPU seconds each process spent meanwhile. */
    const spending = async <T,>(fn: () => Promise<T>): Promise<[T, Record<string, number>]> => {
      const before = cpuNow();
      const r = await fn();
      const after = cpuNow();
      return [r, Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - before[k]!]))];
    };
    const cpuLine = (spent: Record<string, number>) => `    cpu s: ${Object.entries(spent).filter(([, v]) => v >= 0.05).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`;
    /** PostgreSQL's share of the node's quota over a run of `seconds`, and its CPU per statement answered. */
    const pgSpend = (spent: Record<string, number>, statements: number): PgSpend => ({
      use: spent.postgres! / (seconds * Number(f.nodeCpus)),
      usPerStatement: (spent.postgres! * 1e6) / Math.max(1, statements),
    });
    /** An HTTP run: logs its line and where the CPU went; returns the result, the app's CPU µs per OK request and the CPU seconds spent. */
    const measured = async (name: string, fn: () => Promise<ClosedLoopResult>): Promise<[ClosedLoopResult, number, Record<string, number>]> => {
      const [r, spent] = await spending(fn);
      const appUs = (spent.app! * 1e6) / Math.max(1, r.ok);
      log(`${describe(name, r)}${spent.app! >= 0.05 ? `  app ${appUs.toFixed(0)} µs CPU/request` : ''}\n${cpuLine(spent)}`);
      if (r.non2xx + r.errors + r.timeouts > 0) throw new Error(`${name}: failed requests; see the line above`);
      return [r, appUs, spent];
    };
    const clients = Number(f.pgbenchClients);
    const pgbenchRuns = {
      selectOnly: () => pgbenchSelectOnly(bin.pgBinDir, pg, 'pgbench', clients, seconds),
      photoPage: () => pgbenchScript(bin.pgBinDir, pg, pageScript, clients, seconds),
    };
    /** A pgbench run (-S, or the photo-page script): tps and what PostgreSQL spent. */
    const pgbench = async (name: string, kind: keyof typeof pgbenchRuns): Promise<[number, PgSpend]> => {
      const [tps, spent] = await spending(pgbenchRuns[kind]);
      log(`${name.padEnd(26)} ${tps.toFixed(0).padStart(7)} tps\n${cpuLine(spent)} (pgbench's own client not counted)`);
      return [tps, pgSpend(spent, tps * seconds)];
    };
    const headers = { authorization: `Bearer ${sessionToken(manifest.seed, manifest.userIds[0]!)}` };
    const hot = manifest.photoIds.slice(0, HOT_PHOTOS);
    let h = 0;
    // Cold photos in a fixed order, each requested once, after a flush: every read misses the cache.
    let cold = HOT_PHOTOS;
    const mc = createMemcached(memcachedUrl);
    /** One statement per request: every read misses. */
    const uncachedRun = async (name: string): Promise<[ClosedLoopResult, number, PgSpend]> => {
      await mcFlush(mc);
      const before = await memcachedSnapshot(mc);
      const [r, appUs, spent] = await measured(name, () => maxThroughput({ baseUrl: a.baseUrl, connections, durationSec: seconds, headers, nextPath: () => `/photos/${manifest.photoIds[cold++ % manifest.photoIds.length]}` }));
      const after = await memcachedSnapshot(mc);
      const hits = after.getHits - before.getHits;
      log(`    memcached hit rate ${((100 * hits) / Math.max(1, hits + after.getMisses - before.getMisses)).toFixed(1)}%`);
      return [r, appUs, pgSpend(spent, r.ok)];
    };
    try {
      log(describe('warm-up (not counted)', await maxThroughput({ baseUrl: a.baseUrl, connections: 8, durationSec: 2, headers, nextPath: () => `/photos/${hot[h++ % hot.length]}` })));
      // The miss path warms too: every pooled PostgreSQL connection prepares its statement and loads
      // its catalog entries once per shard schema (64 here), and the app's miss path gets compiled.
      // These reads walk the photo list from its end; the measured ones walk it from its start.
      let tail = manifest.photoIds.length - 1;
      log(describe('miss warm-up (not counted)', await maxThroughput({ baseUrl: a.baseUrl, connections, durationSec: 4, headers, nextPath: () => `/photos/${manifest.photoIds[tail--]}` })));
      const all: Round[] = [];
      for (let round = 1; round <= rounds; round++) {
        log(`round ${round}/${rounds}`);
        const [t] = await measured('  trivial route', () => maxThroughput({ baseUrl: trivialUrl, connections, durationSec: seconds, nextPath: () => '/ping' }));
        const [c, cachedCpuUs] = await measured('  cached photo read', () => maxThroughput({ baseUrl: a.baseUrl, connections, durationSec: seconds, headers, nextPath: () => `/photos/${hot[h++ % hot.length]}` }));
        const [pgbenchTps, pgbenchPg] = await pgbench('  pgbench -S (node-sized)', 'selectOnly');
        const [pageTps, pagePg] = await pgbench('  pgbench page (node-sized)', 'photoPage');
        const [u, uncachedCpuUs, uncachedPg] = await uncachedRun('  uncached (node-sized)');
        const free = await stack.withCpuUnlimited(async () => ({ tps: (await pgbench('  pgbench -S (no quota)', 'selectOnly'))[0], u: (await uncachedRun('  uncached (no quota)'))[0] }));
        all.push({
          trivial: t.requestsPerSec,
          cached: c.requestsPerSec,
          cachedCpuUs,
          pgbench: pgbenchTps,
          pgbenchPage: pageTps,
          uncached: u.requestsPerSec,
          uncachedCpuUs,
          pgbenchPg,
          pagePg,
          uncachedPg,
          pgbenchFree: free.tps,
          uncachedFree: free.u.requestsPerSec,
        });
      }
      if (cold > tail) log('note: the uncached runs reached the photos read while warming up; memcached was flushed, so they still missed');
      report(all, { rounds, seconds, connections, pgbenchClients: Number(f.pgbenchClients), pgPool: Number(f.pgPool), postgresNode: stack.capacity.description });
    } finally {
      mc.close();
    }
  } finally {
    await stopAll();
  }
}

/** Logs the figures and writes them as the last stdout line; a gated figure under its target exits 99. */
function report(all: Round[], settings: Record<string, number | string>): void {
  const pgUs = (side: (r: Round) => PgSpend) => Math.round(median(all.map((r) => side(r).usPerStatement)));
  const perRound = all.map((r) => ({
    cachedVsTrivial: round3(r.cached / r.trivial),
    uncachedVsPgbench: round3(r.uncached / r.pgbench),
    uncachedVsPgbenchUnconstrained: round3(r.uncachedFree / r.pgbenchFree),
    uncachedVsPgbenchPage: round3(r.uncached / r.pgbenchPage),
  }));
  const figures = {
    uncachedVsPgbench: median(perRound.map((r) => r.uncachedVsPgbench)),
    uncachedVsPgbenchUnconstrained: median(perRound.map((r) => r.uncachedVsPgbenchUnconstrained)),
    uncachedVsPgbenchPage: median(perRound.map((r) => r.uncachedVsPgbenchPage)),
    cachedVsTrivial: median(perRound.map((r) => r.cachedVsTrivial)),
    nodeUse: { uncached: round3(median(all.map((r) => r.uncachedPg.use))), pgbench: round3(median(all.map((r) => r.pgbenchPg.use))) },
    pgCpuUsPerStatement: { uncached: pgUs((r) => r.uncachedPg), pgbench: pgUs((r) => r.pgbenchPg), pgbenchPage: pgUs((r) => r.pagePg) },
    appCpuUsPerRequest: { cached: Math.round(median(all.map((r) => r.cachedCpuUs))), uncached: Math.round(median(all.map((r) => r.uncachedCpuUs))) },
    trivialRps: Math.round(median(all.map((r) => r.trivial))),
    cachedRps: Math.round(median(all.map((r) => r.cached))),
    uncachedRps: Math.round(median(all.map((r) => r.uncached))),
    pgbenchTps: Math.round(median(all.map((r) => r.pgbench))),
    pgbenchPageTps: Math.round(median(all.map((r) => r.pgbenchPage))),
    uncachedRpsUnconstrained: Math.round(median(all.map((r) => r.uncachedFree))),
    pgbenchTpsUnconstrained: Math.round(median(all.map((r) => r.pgbenchFree))),
    perRound,
    ...settings,
    gated: 'uncachedVsPgbench',
    targets: TARGETS,
    goals: GOALS,
  };
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  log(`uncached photo read / pgbench -S, node-sized:  ${figures.uncachedVsPgbench} (gated: target >= ${TARGETS.uncachedVsPgbench}, ${mark(figures.uncachedVsPgbench >= TARGETS.uncachedVsPgbench)})`);
  log(`uncached photo read / pgbench -S, no quota:    ${figures.uncachedVsPgbenchUnconstrained}`);
  log(`uncached photo read / pgbench on the app's photo-page statement, node-sized: ${figures.uncachedVsPgbenchPage}`);
  log(`node's CPU quota used: uncached reads ${pct(figures.nodeUse.uncached)}, pgbench -S ${pct(figures.nodeUse.pgbench)}`);
  const per = figures.pgCpuUsPerStatement;
  log(`PostgreSQL CPU per statement: the app's uncached read ${per.uncached} µs, pgbench -S ${per.pgbench} µs, pgbench on the photo-page statement ${per.pgbenchPage} µs`);
  log(`cached photo read / trivial route:             ${figures.cachedVsTrivial} (target >= ${TARGETS.cachedVsTrivial}, ${mark(figures.cachedVsTrivial >= TARGETS.cachedVsTrivial)})`);
  log(`app CPU per request: cached ${figures.appCpuUsPerRequest.cached} µs (goal <= ${GOALS.cachedAppCpuUsPerRequest}), uncached ${figures.appCpuUsPerRequest.uncached} µs (goal <= ${GOALS.uncachedAppCpuUsPerRequest})`);
  process.stdout.write(JSON.stringify(figures) + '\n');
  if (figures.uncachedVsPgbench < TARGETS.uncachedVsPgbench) process.exitCode = ExitCode.gate;
}

main().catch(failUnlessStopping('perf:app'));
