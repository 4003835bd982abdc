import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressSecond } from '../../harness/drive/open-model.ts';
import { MAX_CAPTURE_BODY_BYTES } from '../../harness/drive/capture.ts';
import { autoWorkers, drive } from '../../harness/drive/run.ts';
import type { DriveOutput, DrivePhase, Populations } from '../../harness/drive/types.ts';
import type { OperationCounts } from '../../harness/results/types.ts';
import type { ConstantArrivalRate, OperationSpec, Scenario, SingleStreamScenario } from '../../scenarios/types.ts';

/**
 * drive() on real sockets, with its generator worker threads, against a server in this process.
 * The stall figures against analytical values are in drive-open-model.test.ts (simulated) and in
 * test/integration/generator-stall.test.ts (a real server process paused with SIGSTOP).
 */
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

function scenario(executor: Partial<ConstantArrivalRate>, operations: OperationSpec[] = [op('get', '/photos/{key}')]): SingleStreamScenario {
  return {
    name: 'test',
    description: 'unit test scenario',
    operations,
    executor: { kind: 'constant-arrival-rate', rate: 200, durationSec: 1, warmupSec: 0, connections: 2, maxInFlight: 1000, timeoutMs: 2000, ...executor },
    thresholds: [],
  };
}

function expectAccountingAddsUp(out: DriveOutput): void {
  let scheduled = 0;
  for (const { counts, latency } of Object.values(out.operations)) {
    const c: OperationCounts = counts;
    expect(c.scheduled).toBe(c.sent + c.dropped);
    expect(c.sent).toBe(c.ok + c.errors + c.timeouts + c.unfinished);
    expect(latency.all.count).toBe(c.scheduled);
    scheduled += c.scheduled;
  }
  expect(out.generator.scheduled).toBe(scheduled);
  expect(out.timeseries.reduce((a, p) => a + p.scheduled, 0)).toBe(scheduled);
}

describe('drive against a local HTTP server (worker threads, real sockets)', () => {
  it('classifies OK, error statuses, timeouts and network failures; every request has a latency', async () => {
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
        op('fine', '/ok/{key}'),
        op('missing', '/missing/{key}'),
        op('missingIsFine', '/missing/{key}', { okStatuses: [404] }),
        op('hang', '/hang/{key}'),
        op('reset', '/reset/{key}'),
      ]),
      seed: 3,
      populations,
    });
    expectAccountingAddsUp(out);
    const { fine, missing, missingIsFine, hang, reset } = out.operations;
    expect(fine!.counts.ok).toBe(fine!.counts.scheduled);
    expect(fine!.latency.ok.count).toBe(fine!.counts.ok);
    expect(missing!.counts.errorsByClass['4xx']).toBe(missing!.counts.scheduled);
    expect(missing!.latency.ok.count).toBe(0);
    expect(missingIsFine!.counts.errors).toBe(0);
    // Every hung request times out 150 ms after its intended send, during the drain for the last ones.
    expect(hang!.counts.timeouts).toBe(hang!.counts.scheduled);
    expect(hang!.latency.all.percentilesUs.p50).toBeGreaterThanOrEqual(149_000);
    expect(reset!.counts.errorsByClass.network).toBe(reset!.counts.scheduled);
    expect(out.timing.drainMs).toBeGreaterThan(100);
  }, 15_000);

  it('drops at maxInFlight, counts the drops at the time they waited, and blames the app, not the generator', async () => {
    const baseUrl = await startServer((_req, res) => setTimeout(() => res.end('slow'), 200));
    const out = await drive({ baseUrl, scenario: scenario({ rate: 100, durationSec: 1, connections: 2, maxInFlight: 4 }), seed: 2, populations });
    const c = out.operations.get!.counts;
    expect(c.scheduled).toBe(100);
    expect(c.dropped).toBeGreaterThan(50);
    expectAccountingAddsUp(out);
    expect(out.generator.dropped).toBe(c.dropped);
    // Drops are the app's doing (it held maxInFlight requests), never evidence against the generator.
    expect(out.generator.limitReasons.join(' ')).not.toMatch(/drop|issued/);
    expect(out.operations.get!.latency.all.percentilesUs.p50).toBeGreaterThan(50_000);
  }, 15_000);

  it('calls the generator limited when its own event loop is blocked, and its send lateness shows it', async () => {
    const baseUrl = await startServer((_req, res) => res.end('ok'));
    const out = await drive({
      baseUrl,
      scenario: scenario({ rate: 400, durationSec: 2, connections: 4 }),
      seed: 6,
      populations,
      workers: 1,
      blockGenerator: { afterWindowStartMs: 500, forMs: 200 },
    });
    expectAccountingAddsUp(out);
    const g = out.generator;
    expect(g.sendLateness.maxUs).toBeGreaterThan(150_000);
    expect(g.sendLateness.percentilesUs.p99).toBeGreaterThan(100_000);
    expect(g.limited).toBe(true);
    expect(g.limitReasons.join(' ')).toMatch(/send lateness/);
  }, 15_000);

  it('runs the schedule on several workers as one stream, merged exactly', async () => {
    const seen: string[] = [];
    const baseUrl = await startServer((req, res) => (seen.push(req.url ?? ''), res.end('ok')));
    const out = await drive({ baseUrl, scenario: scenario({ rate: 300, durationSec: 1, connections: 4 }), seed: 8, populations, workers: 2 });
    expectAccountingAddsUp(out);
    expect(out.generator.workers).toBe(2);
    expect(out.generator.workerUtilization).toHaveLength(2);
    expect(out.operations.get!.counts.ok).toBe(300);
    const single: string[] = [];
    const baseUrl1 = await startServer((req, res) => (single.push(req.url ?? ''), res.end('ok')));
    await drive({ baseUrl: baseUrl1, scenario: scenario({ rate: 300, durationSec: 1, connections: 4 }), seed: 8, populations, workers: 1 });
    // Same seed, same requests, whichever worker sent them.
    expect([...seen].sort()).toEqual([...single].sort());
  }, 20_000);

  it('stops promptly on abort; what was outstanding is unfinished and still adds up', async () => {
    const baseUrl = await startServer((_req, res) => setTimeout(() => res.end('ok'), 20));
    const controller = new AbortController();
    const events = new EventEmitter();
    let abortedAt = 0;
    // 700 ms into the window (worker start-up takes its own time on a busy machine).
    events.on('phase', (phase: DrivePhase) => phase === 'measure' && setTimeout(() => ((abortedAt = Date.now()), controller.abort()), 700));
    const out = await drive(
      { baseUrl, scenario: scenario({ rate: 100, warmupSec: 0.2, durationSec: 30, connections: 4 }), seed: 4, populations, signal: controller.signal },
      events,
    );
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(out.aborted).toBe(true);
    expect(out.timing.measuredMs).toBeLessThan(1500);
    expect(out.operations.get!.counts.scheduled).toBeGreaterThan(30);
    expectAccountingAddsUp(out);
  }, 15_000);

  it('emits the schedule, phases and one progress line per second of the window', async () => {
    const baseUrl = await startServer((_req, res) => res.end('ok'));
    const events = new EventEmitter();
    const phases: DrivePhase[] = [];
    const progress: ProgressSecond[] = [];
    let scheduledAt: number[] = [];
    events.on('schedule', (startUs: number, windowStartUs: number) => (scheduledAt = [startUs, windowStartUs]));
    events.on('phase', (phase: DrivePhase, atMs: number) => {
      expect(Math.abs(atMs - Date.now())).toBeLessThan(1000);
      phases.push(phase);
    });
    events.on('second', (_phase: DrivePhase, p: ProgressSecond) => progress.push(p));
    const out = await drive({ baseUrl, scenario: scenario({ rate: 100, warmupSec: 1, durationSec: 2 }), seed: 5, populations }, events);
    expect(phases).toEqual(['warmup', 'measure']);
    expect(scheduledAt[1]! - scheduledAt[0]!).toBe(1_000_000);
    expect(out.windowStartUs).toBe(scheduledAt[1]);
    expect(progress.map((p) => p.second)).toEqual([0, 1]);
    expect(progress.reduce((a, p) => a + p.issued, 0)).toBe(200);
    // warm-up is never recorded
    expect(out.operations.get!.counts.scheduled).toBe(200);
    expect(out.timeseries.map((p) => p.scheduled)).toEqual([100, 100]);
    expect(out.timing.measuredMs).toBe(2000);
    expect(out.generator.achievedRate).toBeGreaterThan(98);
    expectAccountingAddsUp(out);
  }, 15_000);
});

describe('follow-ups on real sockets', () => {
  it('reads the answer of a capturing request and sends its follow-up with the captured id', async () => {
    const seen: string[] = [];
    let next = 0;
    const baseUrl = await startServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.method === 'POST') res.end(JSON.stringify({ photo: { id: `id${next++}` } }));
      else res.end('ignored body '.repeat(100));
    });
    const sc: SingleStreamScenario = {
      ...scenario({ rate: 100, durationSec: 0.5 }),
      operations: [
        { name: 'upload', weight: 1, method: 'POST', path: '/upload', body: { n: '{seq}' }, capture: { photoId: 'photo.id' }, then: [{ operation: 'view', delayMs: 5 }] },
        { name: 'view', weight: 0, method: 'GET', path: '/photos/{photoId}' },
      ],
    };
    const out = await drive({ baseUrl, scenario: sc, seed: 1, populations, workers: 1 });
    expectAccountingAddsUp(out);
    const { upload, view } = out.operations;
    expect(upload!.counts.scheduled).toBe(50);
    // Every upload's view was sent, or skipped and counted (one answered in the last 5 ms).
    expect(view!.counts.scheduled + (view!.counts.skipped ?? 0)).toBe(50);
    expect(view!.counts.scheduled).toBeGreaterThan(0);
    const views = seen.filter((l) => l.startsWith('GET')).map((l) => l.slice('GET /photos/'.length));
    expect(views).toHaveLength(view!.counts.sent);
    expect(new Set(views).size).toBe(views.length);
    for (const v of views) expect(v).toMatch(/^id\d+$/);
  }, 15_000);

  it('refuses follow-ups under a closed loop (they would vanish)', async () => {
    const sc: SingleStreamScenario = {
      ...scenario({}),
      operations: [op('a', '/a/{key}', { then: [{ operation: 'b', delayMs: 0 }] }), op('b', '/b', { weight: 0, key: undefined })],
      executor: { kind: 'closed-loop', connections: 1, durationSec: 1, warmupSec: 0, timeoutMs: 100 },
    };
    await expect(drive({ baseUrl: 'http://127.0.0.1:9', scenario: sc, seed: 1, populations })).rejects.toThrow(/operations\[0\]\.then\[0\]\.operation: follow-ups need an arrival-rate executor/);
  });
});

describe('expectations on real sockets', () => {
  it('leaves an expectation unchecked (not failed) when the answer is over MAX_CAPTURE_BODY_BYTES', async () => {
    // The body includes the expected text, but is too large to be kept: it must not count as stale.
    const big = `fresh ${'x'.repeat(MAX_CAPTURE_BODY_BYTES)}`;
    const baseUrl = await startServer((req, res) => res.end(req.url === '/small' ? 'stale' : big));
    const sc = scenario({ rate: 40, durationSec: 0.5 }, [op('big', '/big', { key: undefined, expect: { bodyIncludes: 'fresh' } }), op('small', '/small', { key: undefined, expect: { bodyIncludes: 'fresh' } })]);
    const out = await drive({ baseUrl, scenario: sc, seed: 1, populations, workers: 1 });
    expectAccountingAddsUp(out);
    const { big: b, small } = out.operations;
    expect(b!.counts.ok).toBeGreaterThan(0);
    expect(b!.counts.expectFailed).toBeUndefined();
    // A body that fits is still checked.
    expect(small!.counts.expectFailed).toBe(small!.counts.ok);
  }, 15_000);
});

describe('several streams on worker threads', () => {
  it('runs a background stream and a ramping burst on two workers, each on its own connections; target and achieved rate are their sum', async () => {
    const seen: string[] = [];
    const baseUrl = await startServer((req, res) => (seen.push(req.url ?? ''), res.end('ok')));
    const sc: Scenario = {
      name: 'bg-burst',
      description: 'two streams',
      thresholds: [],
      streams: [
        { name: 'background', operations: [op('bg', '/bg/{key}')], executor: { kind: 'constant-arrival-rate', rate: 200, durationSec: 1, warmupSec: 0, connections: 2, maxInFlight: 100, timeoutMs: 2000 } },
        // 0 -> 400/s over 0.25 s, then 400/s for 0.25 s: 50 + 100 requests
        { name: 'burst', operations: [op('burst', '/burst/{key}')], executor: { kind: 'ramping-arrival-rate', startRate: 0, stages: [{ durationSec: 0.25, targetRate: 400 }, { durationSec: 0.25, targetRate: 400 }], warmupSec: 0, connections: 2, maxInFlight: 100, timeoutMs: 2000 }, startSec: 0.5 },
      ],
    };
    const out = await drive({ baseUrl, scenario: sc, seed: 4, populations, workers: 2 });
    expectAccountingAddsUp(out);
    expect(out.operations.bg!.counts.ok).toBe(200);
    expect(out.operations.burst!.counts.ok).toBe(150);
    // One 1 s window: 200 background requests and the burst's 150 in its last half.
    expect(out.timeseries.map((p) => p.scheduled)).toEqual([350]);
    expect(out.generator.targetRate).toBe(350);
    expect(out.generator.achievedRate / 350).toBeGreaterThan(0.95);
    expect(seen.filter((u) => u.startsWith('/burst/'))).toHaveLength(150);
  }, 15_000);
});

describe('generator workers', () => {
  it('adds a worker per RATE_PER_WORKER requests per second, at most one per core', () => {
    expect(autoWorkers(100, 2)).toBe(1);
    expect(autoWorkers(8_000, 2)).toBe(1);
    expect(autoWorkers(8_001, 2)).toBe(2);
    expect(autoWorkers(100_000, 2)).toBe(2);
    expect(autoWorkers(100_000, 8)).toBe(8);
  });
});

describe('closed loop', () => {
  it('keeps every connection busy for the window, and adds up', async () => {
    let inFlight = 0;
    let most = 0;
    const baseUrl = await startServer((_req, res) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => (inFlight--, res.end('ok')), 5);
    });
    const sc: SingleStreamScenario = { ...scenario({}), executor: { kind: 'closed-loop', connections: 4, durationSec: 1, warmupSec: 0.2, timeoutMs: 1000 } };
    const out = await drive({ baseUrl, scenario: sc, seed: 3, populations });
    expectAccountingAddsUp(out);
    const c = out.operations.get!.counts;
    // 4 connections, ~5-6 ms per answer: several hundred answers, never more than 4 at once.
    expect(c.ok).toBeGreaterThan(300);
    expect(most).toBeLessThanOrEqual(4);
    expect(c.dropped).toBe(0);
    expect(out.generator.targetRate).toBeNull();
    expect(out.generator.achievedRate).toBeCloseTo(c.scheduled, -1);
  }, 15_000);
});
