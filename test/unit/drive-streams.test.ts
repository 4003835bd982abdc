import { describe, expect, it } from 'vitest';
import { achievedRate } from '../../harness/drive/generator-stats.ts';
import { deriveTimeseries } from '../../harness/drive/merge.ts';
import { OpenModel } from '../../harness/drive/open-model.ts';
import { validateScenario } from '../../harness/drive/run.ts';
import { createSchedule, scheduleDigest } from '../../harness/drive/schedule.ts';
import { createModel } from '../../harness/drive/trial-model.ts';
import type { Populations } from '../../harness/drive/types.ts';
import { describeLoadShape, loadShapeOf } from '../../harness/results/load-shape.ts';
import { withLoadOverrides } from '../../scenarios/overrides.ts';
import { offeredRateOf, operationsOf, peakOfferedRateOf, warmupSecOf, windowSecOf } from '../../scenarios/streams.ts';
import type { MultiStreamScenario, OperationSpec, StreamSpec } from '../../scenarios/types.ts';
import { Simulation, simServer, type SimServerOptions } from '../helpers/sim.ts';

const S = 1e6;
const populations: Populations = { photos: Array.from({ length: 500 }, (_, i) => String(9000 + i)), users: ['1'] };

const getPhoto: OperationSpec = { name: 'getPhoto', weight: 3, method: 'GET', path: '/photos/{key}', key: { kind: 'zipf', population: 'photos', theta: 0.99 } };
const getUser: OperationSpec = { name: 'getUser', weight: 1, method: 'GET', path: '/users/{key}', key: { kind: 'uniform', population: 'photos' } };
const storm: OperationSpec = { name: 'stormRead', weight: 1, method: 'GET', path: '/storm/{key}', key: { kind: 'hotspot', population: 'photos', hotKeyFraction: 0.01, hotRequestFraction: 0.99 } };

const background: StreamSpec = {
  name: 'background',
  operations: [getPhoto, getUser],
  executor: { kind: 'constant-arrival-rate', rate: 200, durationSec: 10, warmupSec: 1, connections: 4, maxInFlight: 100, timeoutMs: 2000 },
};
const burst: StreamSpec = {
  name: 'storm',
  operations: [storm],
  executor: { kind: 'constant-arrival-rate', rate: 1000, durationSec: 2, warmupSec: 0, connections: 2, maxInFlight: 20, timeoutMs: 2000 },
  startSec: 4,
};

function scenarioOf(streams: StreamSpec[]): MultiStreamScenario {
  return { name: 'bg-storm', description: 'background plus a storm', streams, thresholds: [] };
}

interface Run {
  model: OpenModel;
  servers: Array<ReturnType<typeof simServer>>;
}

function run(sc: MultiStreamScenario, server: (stream: number) => SimServerOptions = () => ({}), slice = { index: 0, count: 1 }): Run {
  const sim = new Simulation();
  const servers = sc.streams.map((_, i) => simServer(sim, server(i)));
  const setup = { scenario: sc, seed: 5, populations, slice, connections: sc.streams.map((s) => s.executor.connections), maxInFlight: sc.streams.map((s) => s.executor.maxInFlight) };
  const model = createModel(setup, 0, sim.clock(), servers) as OpenModel;
  model.start();
  sim.run();
  return { model, servers };
}

describe('several streams in one window (background plus burst)', () => {
  const sc = scenarioOf([background, burst]);

  it('knows the window, warm-up, operations and offered rate of all streams together', () => {
    expect(windowSecOf(sc)).toBe(10);
    expect(warmupSecOf(sc)).toBe(1);
    expect(operationsOf(sc).map((o) => o.name)).toEqual(['getPhoto', 'getUser', 'stormRead']);
    // (200 * 10 + 1000 * 2) / 10
    expect(offeredRateOf(sc)).toBe(400);
    expect(peakOfferedRateOf(sc)).toBe(1200);
    const load = loadShapeOf(sc);
    expect(load).toMatchObject({ executor: 'multi-stream', rate: 400, durationSec: 10, warmupSec: 1, connections: 6, maxInFlight: 120, timeoutMs: 2000 });
    expect(load.streams!.map((s) => [s.name, s.rate, s.startSec, s.durationSec, s.operations])).toEqual([
      ['background', 200, 0, 10, ['getPhoto', 'getUser']],
      ['storm', 1000, 4, 2, ['stormRead']],
    ]);
    expect(describeLoadShape(load)).toBe('2 streams over 10s (background: 200/s, 0–10s; storm: 1000/s, 4–6s; mean 400 req/s)');
  });

  it('runs each stream on its own schedule and connections, all recorded in one window', async () => {
    const { model, servers } = run(sc);
    const out = await model.done;
    const ops = out.part.operations;
    expect(ops.getPhoto!.counts.scheduled + ops.getUser!.counts.scheduled).toBe(2000);
    expect(ops.stormRead!.counts.scheduled).toBe(2000);
    // Warm-up: 200 background requests in the second before the window; the storm has none.
    expect(servers[0]!.sent).toHaveLength(2200);
    expect(servers[1]!.sent).toHaveLength(2000);
    expect(servers[1]!.sent.every((r) => r.path.startsWith('/storm/'))).toBe(true);
    expect(servers[0]!.sent.some((r) => r.path.startsWith('/storm/'))).toBe(false);
    const perSecond = deriveTimeseries(ops, out.part.answered).map((p) => p.scheduled);
    expect(perSecond).toEqual([200, 200, 200, 200, 1200, 1200, 200, 200, 200, 200]);
    expect(achievedRate([out], 10, true).rate).toBeCloseTo(offeredRateOf(sc)!, 6);
  });

  it('keeps a stream\'s limits its own: a storm held by the app drops storm requests, never background ones', async () => {
    const { model } = run(sc, (stream) => (stream === 1 ? { serviceUs: () => 500_000 } : {}));
    const ops = (await model.done).part.operations;
    expect(ops.stormRead!.counts.dropped).toBeGreaterThan(1000);
    expect(ops.getPhoto!.counts.dropped + ops.getUser!.counts.dropped).toBe(0);
    for (const op of Object.values(ops)) {
      expect(op.counts.scheduled).toBe(op.counts.sent + op.counts.dropped);
      expect(op.latency.all.count).toBe(op.counts.scheduled);
    }
  });

  it('splits every stream over worker slices, in step: the slices together send what one worker sends', () => {
    const whole = run(sc).servers.map((s) => s.sent.map((r) => r.path));
    const a = run(sc, () => ({}), { index: 0, count: 2 }).servers.map((s) => s.sent.map((r) => r.path));
    const b = run(sc, () => ({}), { index: 1, count: 2 }).servers.map((s) => s.sent.map((r) => r.path));
    for (const i of [0, 1]) expect([...a[i]!, ...b[i]!].sort()).toEqual([...whole[i]!].sort());
  });

  it('draws each stream from its own rng (seed + stream name): adding a stream leaves the others byte for byte', () => {
    const digest = (s: MultiStreamScenario, stream: string) => scheduleDigest(createSchedule(s, 5, populations, '', { stream }), 2000);
    const alone = scenarioOf([background]);
    expect(digest(sc, 'background')).toBe(digest(alone, 'background'));
    const renamed = scenarioOf([{ ...background, name: 'bg' }, burst]);
    expect(digest(renamed, 'bg')).not.toBe(digest(sc, 'background'));
    // The stream's requests carry the scenario-wide operation index.
    const s = createSchedule(sc, 5, populations, '', { stream: 'storm' });
    expect(s.next().opIndex).toBe(2);
    expect(() => createSchedule(sc, 5, populations)).toThrow(/has 2 streams: name the one to draw/);
    expect(() => createSchedule(sc, 5, populations, '', { stream: 'nope' })).toThrow(/no stream "nope"/);
  });

  it('refuses a closed loop among several streams, and load flags but --warmup', () => {
    const closed = scenarioOf([background, { ...burst, executor: { kind: 'closed-loop', connections: 2, durationSec: 2, warmupSec: 0, timeoutMs: 100 } as never }]);
    expect(() => validateScenario(closed, undefined)).toThrow(/streams\[1\]\.executor\.kind: a closed loop paces itself and cannot share the window with other streams/);
    const bad = withLoadOverrides(sc, { rate: 5, connections: 3 });
    expect('problems' in bad && bad.problems).toEqual([
      'scenario "bg-storm" has 2 streams: --rate does not apply (each stream\'s executor sets its own)',
      'scenario "bg-storm" has 2 streams: --connections does not apply (each stream\'s executor sets its own)',
    ]);
    const ok = withLoadOverrides(sc, { warmup: 3 });
    expect('scenario' in ok && ok.scenario.streams!.map((s) => s.executor.warmupSec)).toEqual([3, 3]);
  });
});
