import { EventEmitter } from 'node:events';
import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { createPgPool } from '../../app/adapters/postgres.ts';
import { createRedis } from '../../app/adapters/redis.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { drive } from '../drive/run.ts';
import type { DrivePhase, Populations } from '../drive/types.ts';
import {
  hitRate,
  memcachedDelta,
  memcachedSnapshot,
  postgresDelta,
  postgresSnapshot,
  redisDelta,
  redisSnapshot,
  type MemcachedSnapshot,
} from '../metrics/backends.ts';
import type { CheckResult, OperationResult, TimeseriesPoint, Trial } from '../results/types.ts';
import { nodeByRole, type Stack } from '../stack/types.ts';
import { primaries, replicasOf } from '../stack/topology.ts';
import { replicaLag } from '../stack/replication.ts';
import { shardRange } from '../../app/schema/shard-map.ts';

export interface TrialInput {
  tier: string;
  scenario: Scenario;
  scenarioSeed: number;
  stack: Stack;
  baseUrl: string;
  populations: Populations;
  /** Session token of a seeded user, for operations made as an actor. */
  sessionToken: (userId: string) => string;
  logicalShards: number;
  signal: AbortSignal;
  /** Progress lines (a listener of the drive's events, like autocannon's progress bar). */
  progress: (phase: DrivePhase, point: TimeseriesPoint) => void;
}

export function accountingChecks(operations: Record<string, OperationResult>): CheckResult[] {
  return Object.entries(operations).map(([name, { counts: c }]) => {
    const scheduledOk = c.scheduled === c.sent + c.dropped;
    const sentOk = c.sent === c.ok + c.errors + c.timeouts + c.inFlightAtStop;
    return {
      name: `${name}: accounting adds up`,
      ok: scheduledOk && sentOk,
      detail:
        `scheduled ${c.scheduled} = sent ${c.sent} + dropped ${c.dropped}${scheduledOk ? '' : ' (MISMATCH)'}; ` +
        `sent ${c.sent} = ok ${c.ok} + errors ${c.errors} + timeouts ${c.timeouts} + in flight ${c.inFlightAtStop}${sentOk ? '' : ' (MISMATCH)'}`,
    };
  });
}

/**
 * One scenario against one tier: warm-up (not recorded), then the measured window while backend
 * counters are read at its start, every second (memcached) and at its end.
 */
export async function runTrial(input: TrialInput): Promise<Trial> {
  const primaryNodes = primaries(input.stack);
  const replicaNodes = replicasOf(input.stack);
  const pgNodes = [...primaryNodes, ...replicaNodes];
  const memcached = createMemcached(nodeByRole(input.stack, 'memcached').url);
  const redis = createRedis(nodeByRole(input.stack, 'redis').url);
  const pgs = pgNodes.map((n) => createPgPool(n.url, 1, 'tierbench-sampler'));
  const pgSnapshots = () => Promise.all(pgs.map((pool, i) => postgresSnapshot(pool, pgNodes[i]!.pid)));
  try {
    // Every trial starts with a cold cache; the warm-up fills it, unrecorded.
    await mcFlush(memcached);
    const events = new EventEmitter();
    const perSecond: Array<Promise<MemcachedSnapshot>> = [];
    let startSnapshots: Promise<[MemcachedSnapshot, Awaited<ReturnType<typeof redisSnapshot>>, Array<Awaited<ReturnType<typeof postgresSnapshot>>>]> | undefined;
    events.on('phase', (phase: DrivePhase) => {
      if (phase === 'measure') {
        startSnapshots = Promise.all([memcachedSnapshot(memcached), redisSnapshot(redis), pgSnapshots()]);
      }
    });
    events.on('second', (phase: DrivePhase, point: TimeseriesPoint) => {
      if (phase === 'measure') perSecond[point.second] = memcachedSnapshot(memcached);
      input.progress(phase, point);
    });
    const out = await drive({ baseUrl: input.baseUrl, scenario: input.scenario, seed: input.scenarioSeed, populations: input.populations, sessionToken: input.sessionToken, signal: input.signal }, events);
    const [mcEnd, redisEnd, pgEnd, lag] = await Promise.all([
      memcachedSnapshot(memcached),
      redisSnapshot(redis),
      pgSnapshots(),
      replicaNodes.length ? replicaLag(primaryNodes[0]!.url, replicaNodes.map((n) => n.url)) : Promise.resolve([]),
    ]);
    if (!startSnapshots) throw new Error('the measured window never started');
    const [mcStart, redisStart, pgStart] = await startSnapshots;
    const seconds = await Promise.all(perSecond.map((p) => p ?? Promise.resolve(undefined)));
    const timeseries = out.timeseries.map((point, i) => {
      const before = i === 0 ? mcStart : seconds[i - 1];
      const after = seconds[i];
      return before && after ? { ...point, cacheHitRate: hitRate(after.getHits - before.getHits, after.getMisses - before.getMisses) } : point;
    });
    const e = input.scenario.executor;
    return {
      tier: input.tier,
      scenario: input.scenario.name,
      description: input.scenario.description,
      load: {
        executor: e.kind,
        rate: e.rate,
        durationSec: e.durationSec,
        warmupSec: e.warmupSec,
        connections: e.connections,
        maxInFlight: e.maxInFlight,
        timeoutMs: e.timeoutMs,
      },
      timing: out.timing,
      operations: out.operations,
      timeseries,
      backends: {
        memcached: memcachedDelta(mcStart, mcEnd),
        redis: redisDelta(redisStart, redisEnd),
        postgres: pgNodes.map((n, i) => {
          // A replica holds what its primary holds; lag is read at the end of the window.
          const shards = shardRange(Math.min(i, primaryNodes.length - 1), input.logicalShards, primaryNodes.length);
          const stats = postgresDelta({ name: n.name, role: n.role, shards }, pgStart[i]!, pgEnd[i]!);
          return i >= primaryNodes.length
            ? { ...stats, replicaLagBytes: lag[i - primaryNodes.length]?.bytes ?? null, replicaLagSeconds: lag[i - primaryNodes.length]?.seconds ?? null }
            : stats;
        }),
      },
      generator: out.generator,
      checks: accountingChecks(out.operations),
    };
  } finally {
    memcached.close();
    redis.disconnect();
    await Promise.all(pgs.map((p) => p.end()));
  }
}
