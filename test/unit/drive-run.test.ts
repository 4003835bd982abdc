import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpDriver } from '../../harness/drive/http-driver.ts';
import { drive, driveWith, type DriveHooks } from '../../harness/drive/run.ts';
import type { DriveOutput, DrivePhase, Populations } from '../../harness/drive/types.ts';
import type { OperationCounts, TimeseriesPoint } from '../../harness/results/types.ts';
import type { ConstantArrivalRate, OperationSpec, Scenario } from '../../scenarios/types.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];

async function startServer(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const populations: Populations = {
  photos: Array.from({ length: 1000 }, (_, i) => String(10_000 + i)),
  users: Array.from({ length: 100 }, (_, i) => String(500 + i)),
};

function op(name: string, path: string, extra: Partial<OperationSpec> = {}): OperationSpec {
  return { name, weight: 1, method: 'GET', path, key: { kind: 'zipf', population: 'photos', theta: 0.99 }, ...extra };
}

function scenario(executor: Partial<ConstantArrivalRate>, operations: OperationSpec[] = [op('get', '/photos/{key}')]): Scenario {
  return {
    name: 'test',
    description: 'unit test scenario',
    operations,
    executor: {
      kind: 'constant-arrival-rate',
      rate: 200,
      durationSec: 1,
      warmupSec: 0,
      connections: 2,
      maxInFlight: 1000,
      timeoutMs: 2000,
      ...executor,
    },
    thresholds: [],
  };
}

function expectAccountingAddsUp(out: DriveOutput): void {
  let scheduled = 0;
  let sent = 0;
  let dropped = 0;
  for (const { counts } of Object.values(out.operations)) {
    const c: OperationCounts = counts;
    expect(c.scheduled).toBe(c.sent + c.dropped);
    expect(c.sent).toBe(c.ok + c.errors + c.timeouts + c.inFlightAtStop);
    scheduled += c.scheduled;
    sent += c.sent;
    dropped += c.dropped;
  }
  expect(out.generator).toMatchObject({ scheduled, sent, dropped });
  const seriesScheduled = out.timeseries.reduce((a, p) => a + p.scheduled, 0);
  expect(seriesScheduled).toBe(scheduled);
}

const ms = 1000; // microseconds per millisecond
const STALL_MS = 300;

/** Answers at once, except that one request (the nth) starts a 300 ms stall for everything on the wire. */
function stallingServer(stallAtRequest: number): Promise<string> {
  let seen = 0;
  let stallUntil = 0;
  return startServer((_req, res) => {
    seen++;
    if (seen === stallAtRequest) stallUntil = Date.now() + STALL_MS;
    const wait = stallUntil - Date.now();
    if (wait > 0) setTimeout(() => res.end('ok'), wait);
    else res.end('ok');
  });
}

/**
 * The check the coordinated-omission test relies on: a 300 ms stall must show in the corrected p99
 * (every request due during the stall waited for it) but not in the uncorrected one (only the requests
 * on the wire during the stall, one per connection, saw it; the rest waited in the generator's queue).
 */
function assertStallVisible(out: DriveOutput): void {
  const latency = out.operations.get!.latency;
  expect(latency.corrected.percentilesUs.p99).toBeGreaterThan(200 * ms);
  expect(latency.corrected.maxUs).toBeGreaterThan(250 * ms);
  expect(latency.uncorrected.percentilesUs.p99).toBeLessThan(100 * ms);
}

// 400 req/s, 0.5 s warm-up (200 requests), 2 s measured (800 requests, so p99 is the 9th largest value);
// the stall starts about 0.6 s into the measured window and delays ~120 requests by up to 300 ms.
const stallScenario = scenario({ rate: 400, warmupSec: 0.5, durationSec: 2, connections: 2 });
const STALL_AT_REQUEST = 440;

describe('drive against a local HTTP server', () => {
  it('measures from the intended send time: a stall shows in corrected latency, not in uncorrected', async () => {
    const baseUrl = await stallingServer(STALL_AT_REQUEST);
    const out = await drive({ baseUrl, scenario: stallScenario, seed: 1, populations });
    expect(out.aborted).toBe(false);
    expect(out.operations.get!.counts.scheduled).toBe(800);
    expect(out.operations.get!.counts.dropped).toBe(0);
    expectAccountingAddsUp(out);
    assertStallVisible(out);
  }, 10_000);

  it('the stall check fails when correction is broken (latency measured from the actual send)', async () => {
    const baseUrl = await stallingServer(STALL_AT_REQUEST);
    const hooks: DriveHooks = { correctFrom: 'actual-send' };
    const out = await driveWith({ baseUrl, scenario: stallScenario, seed: 1, populations }, undefined, hooks);
    expectAccountingAddsUp(out);
    expect(out.operations.get!.latency.corrected.percentilesUs.p99).toBeLessThan(100 * ms);
    expect(() => assertStallVisible(out)).toThrow();
  }, 10_000);

  it('drops and counts requests when maxInFlight are outstanding, and marks the generator saturated', async () => {
    const baseUrl = await startServer((_req, res) => setTimeout(() => res.end('slow'), 100));
    const out = await drive({
      baseUrl,
      scenario: scenario({ rate: 100, durationSec: 1, connections: 2, maxInFlight: 2 }),
      seed: 2,
      populations,
    });
    const c = out.operations.get!.counts;
    expect(c.scheduled).toBe(100);
    expect(c.dropped).toBeGreaterThan(50);
    expect(c.sent).toBeLessThan(40);
    expectAccountingAddsUp(out);
    expect(out.generator.dropped).toBe(c.dropped);
    expect(out.generator.saturated).toBe(true);
    expect(out.generator.saturationReasons.join(' ')).toMatch(/dropped/);
  }, 10_000);

  it('classifies OK, error statuses, timeouts and network failures, keeping failures out of latency', async () => {
    const baseUrl = await startServer((req, res) => {
      const path = req.url ?? '';
      if (path.startsWith('/ok/')) res.end('ok');
      else if (path.startsWith('/missing/')) {
        res.statusCode = 404;
        res.end('nope');
      } else if (path.startsWith('/reset/')) req.socket.destroy();
      // /hang/ never answers
    });
    const out = await drive({
      baseUrl,
      scenario: scenario({ rate: 200, durationSec: 1, connections: 32, maxInFlight: 200, timeoutMs: 150 }, [
        op('ok', '/ok/{key}'),
        op('missing', '/missing/{key}'),
        op('missingIsFine', '/missing/{key}', { okStatuses: [404] }),
        op('hang', '/hang/{key}'),
        op('reset', '/reset/{key}'),
      ]),
      seed: 3,
      populations,
    });
    expectAccountingAddsUp(out);
    const { ok, missing, missingIsFine, hang, reset } = out.operations;
    expect(ok!.counts.ok).toBeGreaterThan(0);
    expect(ok!.latency.corrected.count).toBe(ok!.counts.ok);
    expect(missing!.counts.ok).toBe(0);
    expect(missing!.counts.errors).toBeGreaterThan(0);
    expect(Object.keys(missing!.counts.byStatus)).toEqual(['404']);
    expect(missing!.latency.corrected.count).toBe(0);
    expect(missingIsFine!.counts.ok).toBeGreaterThan(0);
    expect(missingIsFine!.counts.errors).toBe(0);
    // Timeouts fire timeoutMs after sending, so most hung requests of the 1 s window have timed out by its end.
    expect(hang!.counts.timeouts).toBeGreaterThan(hang!.counts.sent / 2);
    expect(hang!.counts.ok + hang!.counts.errors).toBe(0);
    expect(hang!.latency.corrected.count).toBe(0);
    expect(reset!.counts.byStatus.network).toBeGreaterThan(0);
    expect(reset!.counts.ok).toBe(0);
  }, 10_000);

  it('reports a refused connection as a network error that was never sent', async () => {
    const baseUrl = await startServer((_req, res) => res.end('ok'));
    const closed = servers.pop()!;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const driver = createHttpDriver({ baseUrl, connections: 1, timeoutMs: 500, clock: () => Date.now() * 1000 });
    try {
      const done = await driver.request('GET', '/x');
      expect(done.outcome).toEqual({ kind: 'error', key: 'network' });
      expect(done.sentUs).toBeNull();
    } finally {
      await driver.destroy();
    }
  });

  it('stops promptly on abort and still adds up', async () => {
    const baseUrl = await startServer((_req, res) => setTimeout(() => res.end('ok'), 20));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const started = Date.now();
    const out = await drive({
      baseUrl,
      scenario: scenario({ rate: 100, warmupSec: 0.2, durationSec: 30, connections: 4 }),
      seed: 4,
      populations,
      signal: controller.signal,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(out.aborted).toBe(true);
    expect(out.timing.measuredMs).toBeGreaterThan(300);
    expect(out.timing.measuredMs).toBeLessThan(1500);
    expect(out.operations.get!.counts.scheduled).toBeGreaterThan(30);
    expectAccountingAddsUp(out);
  }, 10_000);

  it('emits phase and per-second events; the measured seconds are the timeseries', async () => {
    const baseUrl = await startServer((_req, res) => res.end('ok'));
    const events = new EventEmitter();
    const phases: DrivePhase[] = [];
    const seconds: Record<DrivePhase, TimeseriesPoint[]> = { warmup: [], measure: [] };
    events.on('phase', (phase: DrivePhase, atMs: number) => {
      expect(Math.abs(atMs - Date.now())).toBeLessThan(1000);
      phases.push(phase);
    });
    events.on('second', (phase: DrivePhase, point: TimeseriesPoint) => seconds[phase].push(point));
    const out = await drive(
      { baseUrl, scenario: scenario({ rate: 100, warmupSec: 1, durationSec: 2 }), seed: 5, populations },
      events,
    );
    expect(phases).toEqual(['warmup', 'measure']);
    expect(seconds.warmup.map((p) => p.second)).toEqual([0]);
    expect(seconds.warmup[0]!.scheduled).toBe(100);
    expect(seconds.measure).toEqual(out.timeseries);
    expect(out.timeseries.map((p) => p.scheduled)).toEqual([100, 100]);
    expect(out.timeseries.every((p) => p.cacheHitRate === null)).toBe(true);
    // warm-up is never recorded
    expect(out.operations.get!.counts.scheduled).toBe(200);
    expect(Date.parse(out.timing.measureStartedAt) - Date.parse(out.timing.warmupStartedAt)).toBe(1000);
    expect(out.timing.measuredMs).toBe(2000);
    expect(out.generator.targetRate).toBe(100);
    expect(out.generator.achievedRate).toBe(100);
    expectAccountingAddsUp(out);
  }, 10_000);
});
