import { describe, expect, it } from 'vitest';
import { ClosedModel } from '../../harness/drive/closed-model.ts';
import { OpenModel, type OpenModelInput, type ProgressSecond } from '../../harness/drive/open-model.ts';
import { createSchedule, type Schedule } from '../../harness/drive/schedule.ts';
import type { Populations } from '../../harness/drive/types.ts';
import { decodeHistogram } from '../../harness/metrics/histograms.ts';
import type { OperationCounts } from '../../harness/results/types.ts';
import type { ConstantArrivalRate, SingleStreamScenario } from '../../scenarios/types.ts';
import { Simulation, simServer, type SimServerOptions } from '../helpers/sim.ts';

const populations: Populations = { photos: Array.from({ length: 1000 }, (_, i) => String(10_000 + i)), users: ['1'] };
const S = 1e6;

function scenario(rate: number, durationSec: number, warmupSec = 0): SingleStreamScenario & { executor: ConstantArrivalRate } {
  return {
    name: 'sim',
    description: 'simulated',
    operations: [{ name: 'get', weight: 1, method: 'GET', path: '/photos/{key}', key: { kind: 'uniform', population: 'photos' } }],
    executor: { kind: 'constant-arrival-rate', rate, durationSec, warmupSec, connections: 16, maxInFlight: 10_000, timeoutMs: 2000 },
    thresholds: [],
  };
}

interface Run {
  sim: Simulation;
  model: OpenModel;
  server: ReturnType<typeof simServer>;
  progress: ProgressSecond[];
}

function start(sc: SingleStreamScenario & { executor: ConstantArrivalRate }, server: SimServerOptions, over: Partial<OpenModelInput> = {}): Run {
  const sim = new Simulation();
  const transport = simServer(sim, server);
  const e = sc.executor;
  const progress: ProgressSecond[] = [];
  const model = new OpenModel({
    operationNames: sc.operations.map((o) => o.name),
    streams: [
      {
        warmup: e.warmupSec > 0 ? createSchedule(sc, 1, populations, 'warmup') : null,
        measure: createSchedule(sc, 1, populations),
        warmupUs: e.warmupSec * S,
        offsetUs: 0,
        durationUs: e.durationSec * S,
        limits: { connections: e.connections, maxInFlight: e.maxInFlight, timeoutUs: e.timeoutMs * 1000 },
        transport,
      },
    ],
    slice: { index: 0, count: 1 },
    startUs: 0,
    warmupUs: e.warmupSec * S,
    durationUs: e.durationSec * S,
    clock: sim.clock(),
    onSecond: (p) => progress.push({ ...p }),
    ...over,
  }).start();
  return { sim, model, server: transport, progress };
}

async function finish(run: Run) {
  run.sim.run();
  return run.model.done;
}

function expectAddsUp(c: OperationCounts, allCount: number): void {
  expect(c.scheduled).toBe(c.sent + c.dropped);
  expect(c.sent).toBe(c.ok + c.errors + c.timeouts + c.unfinished);
  expect(allCount).toBe(c.scheduled);
}

/** A request due t ms into a 1 s stall waits about 1000 - t ms: the tail of N requests, analytically. */
function stallPercentileMs(p: number, rate: number, durationSec: number, stallMs: number): number {
  const tail = (1 - p / 100) * rate * durationSec;
  return stallMs - (tail / rate) * 1000;
}

describe('open model on a simulated server and clock', () => {
  for (const [where, fromSec] of [['first', 0], ['middle', 15], ['last', 29]] as const) {
    it(`a 1 s stall in the ${where} second of 30 s at 1000 req/s yields the analytical p99 and p99.9 (within 10%)`, async () => {
      const run = start(scenario(1000, 30, 2), { stalls: [{ fromUs: (2 + fromSec) * S, toUs: (3 + fromSec) * S }] });
      const out = await finish(run);
      const op = out.part.operations.get!;
      expectAddsUp(op.counts, op.latency.all.count);
      expect(op.counts.scheduled).toBe(30_000);
      expect(op.counts.ok).toBe(30_000);
      const p99 = op.latency.all.percentilesUs.p99 / 1000;
      const p999 = op.latency.all.percentilesUs['p99.9'] / 1000;
      expect(p99 / stallPercentileMs(99, 1000, 30, 1000)).toBeGreaterThan(0.9);
      expect(p99 / stallPercentileMs(99, 1000, 30, 1000)).toBeLessThan(1.1);
      expect(p999 / stallPercentileMs(99.9, 1000, 30, 1000)).toBeGreaterThan(0.9);
      expect(p999 / stallPercentileMs(99.9, 1000, 30, 1000)).toBeLessThan(1.1);
      // Only the requests on the wire when the stall began saw it from their socket write.
      expect(op.latency.okUncorrected.percentilesUs.p99 / 1000).toBeLessThan(10);
      // The stall shows in the second it happened in, by intended time.
      const stalled = op.perSecond[fromSec]!;
      expect(decodeHistogram(stalled.ok!).maxValue / 1000).toBeGreaterThan(900);
      // The generator itself was on time.
      expect(out.sendLateness.maxUs).toBe(0);
    });
  }

  it('drops at maxInFlight count in the all-requests histogram at the time they waited for a slot', async () => {
    const sc = scenario(1000, 10);
    sc.executor.maxInFlight = 50;
    const run = start(sc, { stalls: [{ fromUs: 4 * S, toUs: 5 * S }] });
    const out = await finish(run);
    const op = out.part.operations.get!;
    expectAddsUp(op.counts, op.latency.all.count);
    // 50 requests fill maxInFlight 50 ms into the stall; the other ~950 of its second are dropped.
    expect(op.counts.dropped).toBeGreaterThan(900);
    expect(op.counts.dropped).toBeLessThan(960);
    const dropped = decodeHistogram(op.perSecond[4]!.dropped!);
    const droppedAnywhere = op.perSecond.reduce((n, s) => n + (s.dropped ? decodeHistogram(s.dropped).totalCount : 0), 0);
    expect(droppedAnywhere).toBe(op.counts.dropped);
    expect(dropped.totalCount).toBeGreaterThan(900);
    // Each waited until the stall ended freed the first slot: from ~950 ms down to ~0.
    expect(dropped.maxValue / 1000).toBeGreaterThan(900);
    expect(op.latency.all.percentilesUs.p99 / 1000).toBeGreaterThan(500);
  });

  it('times out from the intended send: waiting for a connection counts', async () => {
    const sc = scenario(200, 10);
    sc.executor.timeoutMs = 500;
    const run = start(sc, { stalls: [{ fromUs: 3 * S, toUs: 6 * S }] });
    const out = await finish(run);
    const op = out.part.operations.get!;
    expectAddsUp(op.counts, op.latency.all.count);
    // Everything due from 3 s to 5.5 s cannot be answered within 500 ms of its intended time.
    expect(op.counts.timeouts).toBeGreaterThanOrEqual(500);
    const timeouts = decodeHistogram(op.perSecond[4]!.timeout!);
    expect(timeouts.minNonZeroValue / 1000).toBeGreaterThanOrEqual(499.5); // HDR's lowest equivalent value
    expect(timeouts.maxValue / 1000).toBeLessThan(502);
  });

  it('awaits the answers of a stall in the last second after the window (drain)', async () => {
    const run = start(scenario(100, 5), { stalls: [{ fromUs: 4.5 * S, toUs: 5.8 * S }] });
    const out = await finish(run);
    const op = out.part.operations.get!;
    expect(op.counts.ok).toBe(500);
    expect(op.counts.unfinished).toBe(0);
    expect(out.drainedUs).toBeGreaterThanOrEqual(5.8 * S);
    expect(op.latency.all.maxUs / 1000).toBeGreaterThan(1290);
  });

  it('counts what is outstanding when aborted as unfinished, at the time it had waited', async () => {
    const run = start(scenario(100, 10), { stalls: [{ fromUs: 2 * S, toUs: 60 * S }] });
    run.sim.run(3 * S);
    run.model.abort();
    const out = await run.model.done;
    const op = out.part.operations.get!;
    expect(out.aborted).toBe(true);
    expect(op.counts.unfinished).toBeGreaterThan(0);
    expectAddsUp(op.counts, op.latency.all.count);
  });

  it('classes errors by status and keeps them out of the OK histograms', async () => {
    let n = 0;
    const run = start(scenario(100, 3), { status: () => (++n % 10 === 0 ? 503 : n % 7 === 0 ? 'network' : n % 5 === 0 ? 404 : 200) });
    const op = (await finish(run)).part.operations.get!;
    expectAddsUp(op.counts, op.latency.all.count);
    expect(op.counts.errorsByClass['5xx']).toBe(30);
    expect(op.counts.errorsByClass['4xx']! + op.counts.errorsByClass['5xx']! + op.counts.errorsByClass.network!).toBe(op.counts.errors);
    expect(op.latency.ok.count).toBe(op.counts.ok);
    expect(op.counts.byStatus['503']).toBe(30);
  });

  it('issues only its slice of the stream, in step with the other slices', async () => {
    const sc = scenario(300, 2);
    const paths = (index: number, count: number) => {
      const run = start(sc, {}, { slice: { index, count } });
      run.sim.run();
      return run.server.sent.map((r) => r.path);
    };
    const whole = paths(0, 1);
    const parts = [paths(0, 3), paths(1, 3), paths(2, 3)];
    expect(parts.map((p) => p.length)).toEqual([200, 200, 200]);
    expect(whole.filter((_, i) => i % 3 === 1)).toEqual(parts[1]);
  });

  it('reports progress once per second of the window', async () => {
    const run = start(scenario(100, 3, 1), {});
    await finish(run);
    expect(run.progress.map((p) => p.second)).toEqual([0, 1, 2]);
    expect(run.progress.reduce((a, p) => a + p.issued, 0)).toBe(300);
  });
});

describe('the stall check guards latency correction', () => {
  it('fails when latency is measured from the socket write (coordinated omission)', async () => {
    const run = start(scenario(1000, 30, 2), { stalls: [{ fromUs: 17 * S, toUs: 18 * S }] }, { latencyFrom: 'written' });
    const op = (await finish(run)).part.operations.get!;
    const p99 = op.latency.all.percentilesUs.p99 / 1000;
    // The analytical p99 is 700 ms; from the write, the requests that waited for a connection look fast.
    expect(p99 / stallPercentileMs(99, 1000, 30, 1000)).toBeLessThan(0.9);
  });
});

describe('closed loop on the simulated clock', () => {
  const closed = (expect?: { bodyIncludes: string }): SingleStreamScenario => ({
    ...scenario(1, 1),
    operations: [{ name: 'get', weight: 1, method: 'GET', path: '/photos/{key}', key: { kind: 'uniform', population: 'photos' }, ...(expect ? { expect } : {}) }],
    executor: { kind: 'closed-loop', connections: 2, durationSec: 2, warmupSec: 0, timeoutMs: 1000 },
  });

  /** Runs the slice; `built` counts the requests its schedule built (next()), skipped ones not. */
  async function runClosed(sc: SingleStreamScenario, server: SimServerOptions, slice = { index: 0, count: 1 }) {
    const sim = new Simulation();
    const measure: Schedule = createSchedule(sc, 1, populations);
    let built = 0;
    const next = measure.next.bind(measure);
    measure.next = () => (built++, next());
    const progress: ProgressSecond[] = [];
    const model = new ClosedModel({ operationNames: ['get'], warmup: null, measure, slice, startUs: 0, warmupUs: 0, durationUs: 2 * S, connections: 2, timeoutUs: S, clock: sim.clock(), transport: simServer(sim, server), onSecond: (p) => progress.push({ ...p }) }).start();
    sim.run();
    return { out: await model.done, built, progress };
  }

  it('counts an OK answer lacking expect.bodyIncludes as expectFailed', async () => {
    const stale = await runClosed(closed({ bodyIncludes: 'fresh {key}' }), { answer: () => 'stale' });
    const c = stale.out.part.operations.get!.counts;
    expect(c.ok).toBeGreaterThan(1000);
    expect(c.expectFailed).toBe(c.ok);
    const fresh = await runClosed(closed({ bodyIncludes: 'fresh' }), { answer: () => 'fresh photo' });
    expect(fresh.out.part.operations.get!.counts.expectFailed).toBeUndefined();
  });

  it('builds only its own slice\'s requests, and reports progress once per second', async () => {
    const { out, built, progress } = await runClosed(closed(), {}, { index: 1, count: 3 });
    const c = out.part.operations.get!.counts;
    expect(c.scheduled).toBeGreaterThan(1000);
    expect(built).toBe(c.scheduled);
    expect(progress.map((p) => p.second)).toEqual([0, 1]);
    expect(progress.reduce((a, p) => a + p.issued, 0)).toBe(c.scheduled);
  });
});
