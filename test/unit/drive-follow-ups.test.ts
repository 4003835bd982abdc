import { describe, expect, it } from 'vitest';
import { captureValues, parseCapturePath } from '../../harness/drive/capture.ts';
import type { WireRequest } from '../../harness/drive/dispatcher.ts';
import { FollowUpQueue } from '../../harness/drive/follow-ups.ts';
import type { OpenModel, OpenModelOutput } from '../../harness/drive/open-model.ts';
import { createSchedule } from '../../harness/drive/schedule.ts';
import { createModel } from '../../harness/drive/trial-model.ts';
import type { Populations } from '../../harness/drive/types.ts';
import { accountingChecks } from '../../harness/run/trial.ts';
import { decodeHistogram } from '../../harness/metrics/histograms.ts';
import type { OperationResult } from '../../harness/results/types.ts';
import type { OperationSpec, SingleStreamScenario } from '../../scenarios/types.ts';
import { Simulation, simServer, type SimServerOptions } from '../helpers/sim.ts';

const S = 1e6;
const populations: Populations = { photos: Array.from({ length: 300 }, (_, i) => String(8000 + i)), users: Array.from({ length: 50 }, (_, i) => String(100 + i)) };
const token = (u: string): string => `tok-${u}`;

const upload: OperationSpec = {
  name: 'upload',
  weight: 1,
  method: 'POST',
  path: '/users/{actor}/photos',
  actor: { kind: 'uniform', population: 'users' },
  body: { objectKey: 'photos/{actor}/{seq}.jpg' },
  capture: { photoId: 'photo.id' },
  then: [
    { operation: 'likeMine', delayMs: 50 },
    { operation: 'checkFeed', delayMs: 200 },
  ],
};
const likeMine: OperationSpec = { name: 'likeMine', weight: 0, method: 'PUT', path: '/photos/{photoId}/likes/{actor}', then: [{ operation: 'seeLike', delayMs: 10 }] };
const seeLike: OperationSpec = { name: 'seeLike', weight: 0, method: 'GET', path: '/photos/{photoId}' };
const checkFeed: OperationSpec = { name: 'checkFeed', weight: 0, method: 'GET', path: '/users/{actor}/feed?has={photoId}', actor: { kind: 'uniform', population: 'users' } };
const getPhoto: OperationSpec = { name: 'getPhoto', weight: 3, method: 'GET', path: '/photos/{key}', key: { kind: 'uniform', population: 'photos' } };

function scenario(durationSec = 5, warmupSec = 0, maxInFlight = 1000): SingleStreamScenario {
  return {
    name: 'uploads',
    description: 'uploads and what follows them',
    operations: [getPhoto, upload, likeMine, seeLike, checkFeed],
    executor: { kind: 'constant-arrival-rate', rate: 200, durationSec, warmupSec, connections: 8, maxInFlight, timeoutMs: 2000 },
    thresholds: [],
  };
}

/** The app's answer to an upload: a photo id made from the upload's own seq (so it is the same whichever worker sent it). */
const uploadAnswer = (req: WireRequest): string => {
  const seq = /\/(\d+)\.jpg/.exec(req.body ?? '')?.[1];
  return JSON.stringify({ photo: { id: `p${seq}`, caption: '' }, fanoutJob: 'j' });
};

interface Run {
  out: OpenModelOutput;
  server: ReturnType<typeof simServer>;
}

function start(sc: SingleStreamScenario, server: SimServerOptions = {}, slice = { index: 0, count: 1 }) {
  const sim = new Simulation();
  const transport = simServer(sim, { answer: uploadAnswer, ...server });
  const e = sc.executor as { connections: number; maxInFlight: number };
  const model = createModel({ scenario: sc, seed: 3, populations, sessionToken: token, slice, connections: [e.connections], maxInFlight: [e.maxInFlight] }, 0, sim.clock(), [transport]) as OpenModel;
  model.start();
  return { sim, model, server: transport };
}

async function run(sc: SingleStreamScenario, server: SimServerOptions = {}, slice = { index: 0, count: 1 }): Promise<Run> {
  const { sim, model, server: transport } = start(sc, server, slice);
  sim.run();
  return { out: await model.done, server: transport };
}

const sentOf = (server: Run['server'], prefix: RegExp) => server.sent.map((r, i) => ({ r, at: server.sentAt[i]! })).filter(({ r }) => prefix.test(`${r.method} ${r.path}`));

function expectFollowUpsAccounted(ops: Record<string, OperationResult>, sc: SingleStreamScenario): void {
  const checks = accountingChecks(ops, sc);
  for (const c of checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
  expect(checks.filter((c) => c.name.endsWith('every follow-up accounted for')).map((c) => c.name.split(':')[0]).sort()).toEqual(['checkFeed', 'likeMine', 'seeLike']);
}

describe('capture paths', () => {
  it('parses dot paths with array indices and refuses empty segments', () => {
    expect(parseCapturePath('photo.id')).toEqual(['photo', 'id']);
    expect(parseCapturePath('photos[0].id')).toEqual(['photos', '0', 'id']);
    expect(parseCapturePath('photos.0.id')).toEqual(['photos', '0', 'id']);
    for (const bad of ['', ' ', 'photo..id', '.id', 'photo.', 'a[b]', 'a b']) expect(parseCapturePath(bad)).toBeNull();
  });

  it('reads strings, numbers and booleans as text; objects, nulls, absent paths and bad JSON capture nothing', () => {
    const spec = (slot: number, path: string) => ({ slot, path: parseCapturePath(path)! });
    const body = JSON.stringify({ photo: { id: '7019283746192837465', likes: 3, public: true, owner: { id: 'u' }, gone: null }, list: [{ id: 'a' }] });
    const specs = [spec(0, 'photo.id'), spec(1, 'photo.likes'), spec(2, 'photo.public'), spec(3, 'photo.owner'), spec(4, 'photo.gone'), spec(5, 'list.0.id'), spec(6, 'nope.id')];
    expect(captureValues(body, specs, undefined, 7)).toEqual(['7019283746192837465', '3', 'true', undefined, undefined, 'a', undefined]);
    expect(captureValues('not json', [spec(0, 'a')], ['kept', 'x'], 2)).toEqual([undefined, 'x']);
    // inherited values are kept where this answer captures nothing
    expect(captureValues('{"a":"1"}', [spec(0, 'a')], [undefined, 'up'], 2)).toEqual(['1', 'up']);
  });
});

describe('follow-up queue', () => {
  it('pops by intended time, ties in the order they came', () => {
    const q = new FollowUpQueue();
    for (const [dueUs, id] of [[30, 'a'], [10, 'b'], [20, 'c'], [10, 'd'], [5, 'e'], [30, 'f']] as const) q.push(dueUs, null as never, null as never, [id]);
    const order: string[] = [];
    for (let p = q.pop(); p !== undefined; p = q.pop()) order.push(p.captured![0]!);
    expect(order).toEqual(['e', 'b', 'd', 'c', 'a', 'f']);
  });
});

describe('follow-up requests on the simulated clock', () => {
  it('issues each follow-up at its parent\'s answer + delay, with the captured id and the parent\'s actor', async () => {
    const sc = scenario();
    const { out, server } = await run(sc, { serviceUs: () => 3000 });
    const uploads = sentOf(server, /^POST \/users\//);
    const likes = sentOf(server, /^PUT \/photos\//);
    const seen = sentOf(server, /^GET \/photos\/p/);
    const feeds = sentOf(server, /^GET \/users\/\d+\/feed/);
    const ops = out.part.operations;
    expect(uploads.length).toBeGreaterThan(150);
    // Uploads answered in the window's last 50 ms have their like due after it: skipped, counted.
    expect(likes).toHaveLength(ops.likeMine!.counts.scheduled);
    expect(uploads.length - likes.length).toBe(ops.likeMine!.counts.skippedBy?.afterWindow ?? 0);
    expect(seen.length + (ops.seeLike!.counts.skipped ?? 0)).toBe(likes.length);
    likes.forEach((like, i) => {
      const { r, at } = uploads[i]!;
      const [, actor, seq] = /photos\/(\d+)\/(\d+)\.jpg/.exec(r.body!)!;
      // answered 3 ms after the send, the like is due 50 ms later: the simulated generator is on time
      expect(like.at).toBe(at + 3000 + 50_000);
      expect(like.r.path).toBe(`/photos/p${seq}/likes/${actor}`);
      expect(like.r.headers.authorization).toBe(`Bearer tok-${actor}`);
      if (i < seen.length) {
        expect(seen[i]!.r.path).toBe(`/photos/p${seq}`);
        expect(seen[i]!.at).toBe(like.at + 3000 + 10_000);
      }
    });
    // checkFeed draws its own actor (drawn with the upload, so every worker draws the same)
    expect(new Set(feeds.map(({ r }) => /users\/(\d+)/.exec(r.path)![1])).size).toBeGreaterThan(10);
    // Follow-ups due after the window (uploads answered in its last 200 ms) are skipped and counted.
    expect(ops.checkFeed!.counts.skippedBy).toEqual({ afterWindow: ops.upload!.counts.scheduled - ops.checkFeed!.counts.scheduled });
    expect(ops.likeMine!.counts.skipped ?? 0).toBeLessThan(5);
    expect(ops.checkFeed!.counts.skipped).toBeGreaterThan(ops.likeMine!.counts.skipped ?? 0);
    expectFollowUpsAccounted(ops, sc);
    // Counted in the second they were due (by intended time), like every request.
    const perSecond = ops.likeMine!.perSecond.map((s) => (s.ok ? decodeHistogram(s.ok).totalCount : 0));
    expect(perSecond.reduce((a, b) => a + b, 0)).toBe(ops.likeMine!.counts.scheduled);
    expect(out.sendLateness.maxUs).toBe(0);
    // The achieved rate is the schedule's: follow-ups are not in `issued`.
    expect(out.issued).toBe(1000);
    // The check fails when a follow-up goes missing, and says how the count came out.
    const lost = { ...ops, likeMine: { ...ops.likeMine!, counts: { ...ops.likeMine!.counts, scheduled: ops.likeMine!.counts.scheduled - 1 } } };
    const bad = accountingChecks(lost, sc).find((c) => c.name === 'likeMine: every follow-up accounted for')!;
    expect(bad.ok).toBe(false);
    expect(bad.detail).toMatch(/^upload \d+ = \d+ due; scheduled \d+ \+ skipped \d+ \(parent failed \d+, capture missing \d+, after the window \d+, stopped \d+\) \(MISMATCH\)$/);
  });

  it('reads only the answers of operations that capture', async () => {
    const { server } = await run(scenario(1));
    for (const r of server.sent) expect(r.readBody).toBe(r.method === 'POST');
  });

  it('skips (and counts) the follow-ups of a failed, dropped or capture-less parent; none vanishes', async () => {
    let n = 0;
    const sc = scenario(5, 0, 40);
    const { out } = await run(sc, {
      // every 7th upload fails; every 5th answers without a photo; a 300 ms stall at 2 s fills maxInFlight (drops)
      status: (req) => (req.method === 'POST' && ++n % 7 === 0 ? 500 : 200),
      answer: (req) => (n % 5 === 0 ? '{"oops":true}' : uploadAnswer(req)),
      stalls: [{ fromUs: 2 * S, toUs: 2.3 * S }],
    });
    const ops = out.part.operations;
    const by = ops.likeMine!.counts.skippedBy!;
    expect(by.parentFailed).toBeGreaterThan(ops.upload!.counts.errors);
    expect(ops.upload!.counts.dropped).toBeGreaterThan(0);
    expect(by.captureMissing).toBeGreaterThan(10);
    // seeLike follows likeMine: skipped only when likeMine itself failed, not for the upload's failures
    expect(ops.seeLike!.counts.scheduled + (ops.seeLike!.counts.skipped ?? 0)).toBe(ops.likeMine!.counts.scheduled);
    expectFollowUpsAccounted(ops, sc);
  });

  it('skips (captureMissing) a follow-up whose only capture is in expect.bodyIncludes when the answer lacks it', async () => {
    // As read-after-write's readOwnGrid: {photoId} appears in the expectation only, not the path.
    const readGrid: OperationSpec = { name: 'readGrid', weight: 0, method: 'GET', path: '/users/{actor}/photos', expect: { bodyIncludes: '{photoId}' } };
    const sc: SingleStreamScenario = { ...scenario(2), operations: [{ ...upload, then: [{ operation: 'readGrid', delayMs: 20 }] }, readGrid] };
    const { out, server } = await run(sc, { answer: () => '{"oops":true}' });
    const ops = out.part.operations;
    expect(ops.upload!.counts.ok).toBeGreaterThan(300);
    expect(sentOf(server, /^GET /)).toHaveLength(0);
    expect(ops.readGrid!.counts.skippedBy).toEqual({ captureMissing: ops.upload!.counts.ok });
    expect(ops.readGrid!.counts.expectFailed).toBeUndefined();
  });

  it('counts the follow-ups still pending when the run is stopped as skipped (stopped)', async () => {
    const sc = scenario(10);
    const { sim, model } = start(sc, { serviceUs: () => 2000 });
    sim.run(3 * S);
    model.abort();
    const out = await model.done;
    const ops = out.part.operations;
    expect(ops.checkFeed!.counts.skippedBy?.stopped).toBeGreaterThan(0);
    expectFollowUpsAccounted(ops, sc);
  });

  it('splits nothing: the worker that got the answer issues the follow-ups, and the slices together send what one sends', async () => {
    const sc = scenario(2);
    const paths = async (index: number, count: number) => (await run(sc, {}, { index, count })).server.sent.map((r) => `${r.method} ${r.path}`);
    const whole = await paths(0, 1);
    const parts = [...(await paths(0, 2)), ...(await paths(1, 2))];
    expect(parts.sort()).toEqual(whole.sort());
  });

  it('records nothing for the follow-ups of warm-up requests, and issues none due in the window', async () => {
    const sc = scenario(2, 1);
    const { out, server } = await run(sc, { serviceUs: () => 1000 });
    const ops = out.part.operations;
    const likesSent = sentOf(server, /^PUT /).length;
    expect(likesSent).toBeGreaterThan(ops.likeMine!.counts.scheduled);
    // Every like sent in the window's time belongs to an upload of the window.
    for (const { at } of sentOf(server, /^PUT /)) if (at >= S) expect(at).toBeGreaterThanOrEqual(S + 50_000);
    expectFollowUpsAccounted(ops, sc);
  });
});

describe('follow-ups in the schedule', () => {
  it('draws each follow-up\'s own key and actor with its root request, in skip() as in next()', () => {
    const sc = scenario();
    const a = createSchedule(sc, 9, populations, '', { sessionToken: token });
    const b = createSchedule(sc, 9, populations, '', { sessionToken: token });
    const every = Array.from({ length: 600 }, () => a.next());
    const owned = Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? (b.skip(), undefined) : b.next()));
    owned.forEach((r, i) => r !== undefined && expect(r).toEqual(every[i]));
    const r = every.find((x) => x.operation.name === 'upload')!;
    expect(r.followUps!.map((f) => [f.delayUs, f.key, f.actor === undefined])).toEqual([
      [50_000, undefined, true],
      [200_000, undefined, false],
    ]);
    expect(r.followUps![0]!.children!.map((f) => f.delayUs)).toEqual([10_000]);
    const like = a.followUp(r.followUps![0]!, r, ['p1']);
    expect(like.path).toBe(`/photos/p1/likes/${r.actor}`);
    expect(like.headers.authorization).toBe(`Bearer tok-${r.actor}`);
  });

  it('never draws an operation of weight 0 by the mix', () => {
    const s = createSchedule(scenario(), 2, populations, '', { sessionToken: token });
    const names = new Set(Array.from({ length: 5000 }, () => s.next().operation.name));
    expect([...names].sort()).toEqual(['getPhoto', 'upload']);
  });

  it('refuses follow-ups naming unknown or mixed operations, and cycles', () => {
    const sc = (ops: OperationSpec[]): SingleStreamScenario => ({ ...scenario(), operations: ops });
    const make = (ops: OperationSpec[]) => () => createSchedule(sc(ops), 1, populations, '', { sessionToken: token });
    expect(make([{ ...upload, then: [{ operation: 'nope', delayMs: 1 }] }])).toThrow(/follows up with "nope", which is not an operation of its stream/);
    expect(make([upload, { ...likeMine, weight: 1 }, seeLike, checkFeed])).toThrow(/whose weight is not 0/);
    expect(make([upload, { ...likeMine, then: [{ operation: 'seeLike', delayMs: 1 }] }, { ...seeLike, then: [{ operation: 'likeMine', delayMs: 1 }] }, checkFeed])).toThrow('follow-ups form a cycle: likeMine -> seeLike -> likeMine');
  });
});
