import { createMemcached, mcFlush } from '../../app/adapters/memcached.ts';
import { createPgPool, pgQuery } from '../../app/adapters/postgres.ts';
import { createFanoutQueue, workerName } from '../../app/adapters/queue.ts';
import { createRedis, execPipeline } from '../../app/adapters/redis.ts';
import { keys } from '../../app/keys.ts';
import { faultTarget, isFault } from '../../scenarios/actions.ts';
import type { TimedAction } from '../../scenarios/types.ts';
import { monotonicUs } from '../drive/clock.ts';
import type { FaultAction, FaultRun } from '../results/faults.ts';
import type { RedisRestart, TrialEvent } from '../results/types.ts';
import { sessionToken } from '../seed/sessions.ts';
import { readRedisPersistence } from '../stack/redis-persistence.ts';
import { replicasOf } from '../stack/topology.ts';
import { nodeByRole, type Stack } from '../stack/types.ts';

/** The app's fan-out workers, for a kill-worker fault. */
export interface WorkerControl {
  /** Worker processes running now. */
  running(): Array<{ pid: number; name: string }>;
  /** SIGKILL; resolves once it is gone. */
  kill(pid: number): Promise<void>;
  /** One more worker; resolves once it consumes. */
  start(): Promise<{ pid: number }>;
}

/** What the timed actions act on. */
export interface ActionTargets {
  stack: Stack;
  workers?: WorkerControl;
  /** Seeded users and their sessions' seed: a Redis restart checks a sample of their keys. */
  users?: readonly string[];
  sessionSeed?: number;
}

/** How long a kill-worker waits for a worker to hold a job before it kills one anyway. */
const WORKER_JOB_WAIT_MS = 5_000;
/** Seeded users whose Redis keys a Redis restart checks before and after. */
const REDIS_SAMPLE = 200;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Why the actions cannot run on this stack with this many fan-out workers, said once the stack is
 * up and before any app starts on it: a stack that cannot stop its nodes (no Stack.control: docker,
 * external, kept by `bench stack up`), a node it does not have, no replicas to pause, no workers
 * to kill. scheduleActions relies on it having been asked.
 */
export function actionsUnsupported(actions: readonly TimedAction[], stack: Stack, fanoutWorkers: number): string[] {
  const out: string[] = [];
  for (const a of actions) {
    if (a.do === 'stop-node' || a.do === 'kill-node') {
      if (!stack.control)
        out.push(`${a.do} ${a.node}: the ${stack.provider} stack${stack.owned ? '' : ' (not started by this run)'} cannot stop single nodes; fault scenarios need a stack this run starts with --stack local`);
      else if (!stack.control.nodes.includes(a.node)) out.push(`${a.do} ${a.node}: the ${stack.tier} stack has no node ${a.node} (it has ${stack.control.nodes.join(', ')})`);
    }
    if (a.do === 'pause-replication' && replicasOf(stack).length === 0) out.push(`pause-replication: the ${stack.tier} stack has no replicas`);
    if (a.do === 'kill-worker' && fanoutWorkers === 0) out.push('kill-worker: no fan-out worker process to kill (--workers 0)');
  }
  return out;
}

/** Keys a Redis restart should bring back, for a sample of seeded users. */
async function redisState(t: ActionTargets): Promise<{ keys: number | null; queue: { waiting: number; active: number } | null; sample: [number, number, number] | null }> {
  const url = nodeByRole(t.stack, 'redis').url;
  const redis = createRedis(url, 2000);
  const queue = createFanoutQueue(url);
  try {
    const users = t.users ?? [];
    const step = Math.max(1, Math.floor(users.length / REDIS_SAMPLE));
    const sample = users.filter((_, i) => i % step === 0).slice(0, REDIS_SAMPLE);
    const counted = async (): Promise<[number, number, number] | null> => {
      if (sample.length === 0 || t.sessionSeed === undefined) return null;
      const p = redis.pipeline();
      for (const u of sample) p.exists(keys.session(sessionToken(t.sessionSeed, u))).exists(keys.feed(u)).exists(keys.followerCount(u));
      const res = (await execPipeline(p)) as number[];
      const sum = (k: number) => res.filter((_, i) => i % 3 === k).reduce((a, b) => a + b, 0);
      return [sum(0), sum(1), sum(2)];
    };
    const [n, q, s] = await Promise.all([redis.dbsize().catch(() => null), queue.counts().catch(() => null), counted().catch(() => null)]);
    return { keys: n, queue: q, sample: s };
  } finally {
    redis.disconnect();
    await queue.close().catch(() => {});
  }
}

/** The persistence Redis runs with, in words: `appendonly everysec`, `none`, or `unknown` when it does not answer. */
async function redisPersistence(url: string): Promise<string> {
  try {
    const aof = await readRedisPersistence(url);
    return aof.appendonly ? `appendonly ${aof.appendfsync}` : 'none';
  } catch {
    return 'unknown';
  }
}

/** The clock of the window, and a way to end a fault early when the window ends first. */
interface Clock {
  /** Seconds into the window, to the millisecond. */
  now(): number;
  /** Resolves after ms, or as soon as the window has ended. */
  wait(ms: number): Promise<void>;
}

type Emit = (kind: string, label: string, atSecond?: number) => void;

async function nodeFault(a: Extract<FaultAction, { do: 'stop-node' | 'kill-node' }>, t: ActionTargets, clock: Clock, emit: Emit): Promise<FaultRun> {
  const control = t.stack.control!;
  const isRedis = a.node === 'redis';
  const before = isRedis ? await redisState(t) : null;
  const persistence = isRedis ? await redisPersistence(nodeByRole(t.stack, 'redis').url) : '';
  const startedAt = clock.now();
  const run: FaultRun = { action: a, target: a.node, startedAt, restartedAt: null, endedAt: null };
  emit(a.do === 'stop-node' ? 'node-stopped' : 'node-killed', `${a.node} ${a.do === 'stop-node' ? 'stopped (SIGTERM)' : 'killed (SIGKILL)'}`, startedAt);
  try {
    await (a.do === 'stop-node' ? control.stop(a.node) : control.kill(a.node));
  } catch (err) {
    run.error = `could not ${a.do === 'stop-node' ? 'stop' : 'kill'} ${a.node}: ${message(err)}`;
  }
  await clock.wait((startedAt + a.forSec - clock.now()) * 1000);
  run.restartedAt = clock.now();
  try {
    await control.start(a.node);
    run.endedAt = clock.now();
    emit('node-started', `${a.node} answering again (${(run.endedAt - run.restartedAt).toFixed(1)} s after its start)`, run.endedAt);
  } catch (err) {
    run.error = `${run.error ? `${run.error}; ` : ''}${a.node} did not start again: ${message(err)}`;
    emit('node-started', `${a.node} did not start again`, clock.now());
    return run;
  }
  if (isRedis && before) {
    const after = await redisState(t);
    const pair = (k: 0 | 1 | 2): [number, number] => [before.sample?.[k] ?? 0, after.sample?.[k] ?? 0];
    run.redis = {
      persistence,
      keysBefore: before.keys,
      keysAfter: after.keys,
      queueBefore: before.queue,
      queueAfter: after.queue,
      sample: before.sample && after.sample ? { users: Math.min(REDIS_SAMPLE, t.users?.length ?? 0), sessions: pair(0), feeds: pair(1), followerCounters: pair(2) } : null,
    };
  }
  return run;
}

async function killWorker(a: Extract<FaultAction, { do: 'kill-worker' }>, t: ActionTargets, clock: Clock, emit: Emit): Promise<FaultRun> {
  const workers = t.workers!;
  const queue = createFanoutQueue(nodeByRole(t.stack, 'redis').url);
  let victim: { pid: number; jobs: string[] } | null = null;
  try {
    // Mid-job: a worker that holds a job now (jobs name their worker process).
    const deadline = Date.now() + WORKER_JOB_WAIT_MS;
    while (!victim && Date.now() < deadline) {
      const byName = new Map(workers.running().map((w) => [workerName(w.pid), w.pid]));
      const active = await queue.active().catch(() => []);
      const held = active.filter((j) => j.worker !== null && byName.has(j.worker));
      if (held.length > 0) {
        const pid = byName.get(held[0]!.worker!)!;
        victim = { pid, jobs: held.filter((j) => byName.get(j.worker!) === pid).map((j) => j.id) };
      } else await sleep(10);
    }
  } finally {
    await queue.close().catch(() => {});
  }
  victim ??= { pid: workers.running()[0]!.pid, jobs: [] };
  const startedAt = clock.now();
  const killedAtMs = Date.now();
  await workers.kill(victim.pid);
  emit('worker-killed', `fan-out worker ${victim.pid} killed (SIGKILL) ${victim.jobs.length ? `holding ${victim.jobs.length} job${victim.jobs.length > 1 ? 's' : ''}` : 'holding no job'}`, startedAt);
  const run: FaultRun = { action: a, target: 'fan-out worker', startedAt, restartedAt: null, endedAt: null, worker: { pid: victim.pid, heldJobs: victim.jobs, replacementPid: null, killedAtMs } };
  await clock.wait((startedAt + a.forSec - clock.now()) * 1000);
  run.restartedAt = clock.now();
  try {
    const started = await workers.start();
    run.endedAt = clock.now();
    run.worker!.replacementPid = started.pid;
    emit('worker-started', `replacement fan-out worker ${started.pid} consuming`, run.endedAt);
  } catch (err) {
    run.error = `the replacement worker did not start: ${message(err)}`;
  }
  return run;
}

async function pauseReplication(a: Extract<FaultAction, { do: 'pause-replication' }>, t: ActionTargets, clock: Clock, emit: Emit): Promise<FaultRun> {
  const pools = replicasOf(t.stack).map((n) => createPgPool(n.url, 1, 'tierbench-fault'));
  try {
    const startedAt = clock.now();
    const run: FaultRun = { action: a, target: 'replication', startedAt, restartedAt: null, endedAt: null };
    try {
      await Promise.all(pools.map((p) => pgQuery(p, 'SELECT pg_wal_replay_pause()')));
      emit('replication-paused', `every replica stopped replaying WAL (pg_wal_replay_pause)`, startedAt);
    } catch (err) {
      run.error = `could not pause replay: ${message(err)}`;
    }
    await clock.wait((startedAt + a.forSec - clock.now()) * 1000);
    run.restartedAt = clock.now();
    try {
      await Promise.all(pools.map((p) => pgQuery(p, 'SELECT pg_wal_replay_resume()')));
      run.endedAt = clock.now();
      emit('replication-resumed', 'replicas replaying WAL again (pg_wal_replay_resume)', run.endedAt);
    } catch (err) {
      run.error = `could not resume replay: ${message(err)}`;
    }
    return run;
  } finally {
    await Promise.all(pools.map((p) => p.end().catch(() => {})));
  }
}

async function perform(action: TimedAction, t: ActionTargets, clock: Clock, emit: Emit): Promise<FaultRun | null> {
  switch (action.do) {
    case 'flush-memcached': {
      const at = clock.now();
      const mc = createMemcached(nodeByRole(t.stack, 'memcached').url);
      try {
        await mcFlush(mc);
        emit('flush-memcached', 'Memcached flushed (every cached user and photo gone at once)', at);
      } catch (err) {
        emit('flush-memcached', `flush-memcached failed: ${message(err)}`, at);
      } finally {
        mc.close();
      }
      return null;
    }
    case 'stop-node':
    case 'kill-node':
      return nodeFault(action, t, clock, emit);
    case 'kill-worker':
      return killWorker(action, t, clock, emit);
    case 'pause-replication':
      return pauseReplication(action, t, clock, emit);
  }
}

export interface ScheduledActions {
  /**
   * The window has ended: actions not yet due are dropped, and a fault still in progress ends now
   * (its node is started again) instead of after its forSec.
   */
  finish(): void;
  /** Once every action that began is done: the events (in time order) and the faults' runs. */
  done(): Promise<{ events: TrialEvent[]; faults: FaultRun[] }>;
}

/**
 * Schedules a scenario's timed actions against the window that starts at windowStartUs; each
 * becomes events (at the second each step actually happened), marked on every chart, and a fault
 * a FaultRun. The targets are assumed able to take them (actionsUnsupported, asked by runTier once
 * per tier); a fault that still cannot act is reported with its error.
 */
export function scheduleActions(actions: readonly TimedAction[], targets: ActionTargets, windowStartUs: number): ScheduledActions {
  const events: TrialEvent[] = [];
  let ended = false;
  let endWindow: () => void = () => {};
  const windowEnded = new Promise<void>((r) => (endWindow = r));
  const clock: Clock = {
    now: () => Math.round(((monotonicUs() - windowStartUs) / 1e6) * 1000) / 1000,
    wait: (ms) => {
      if (ended || ms <= 0) return Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), windowEnded]).finally(() => clearTimeout(timer));
    },
  };
  const emit: Emit = (kind, label, atSecond = clock.now()) => events.push({ atSecond, kind, label });
  const pending = actions.map((action) => {
    let resolve: (r: FaultRun | null) => void = () => {};
    const done = new Promise<FaultRun | null>((r) => (resolve = r));
    const entry = { fired: false, timer: undefined as NodeJS.Timeout | undefined, done, resolve };
    entry.timer = setTimeout(() => {
      entry.fired = true;
      perform(action, targets, clock, emit).then(resolve, (err: unknown) => {
        // A fault that failed before it did anything is still reported, with why.
        if (isFault(action)) resolve({ action, target: faultTarget(action), startedAt: clock.now(), restartedAt: null, endedAt: null, error: message(err) });
        else resolve(null);
      });
    }, Math.max(0, (windowStartUs + action.atSec * 1e6 - monotonicUs()) / 1000));
    return entry;
  });
  return {
    finish() {
      ended = true;
      endWindow();
      for (const p of pending) {
        if (p.fired) continue;
        clearTimeout(p.timer);
        p.resolve(null);
      }
    },
    async done() {
      const runs = (await Promise.all(pending.map((p) => p.done))).filter((r): r is FaultRun => r !== null);
      return { events: [...events].sort((a, b) => a.atSecond - b.atSecond), faults: runs };
    },
  };
}
