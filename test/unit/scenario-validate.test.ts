import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSchedule } from '../../harness/drive/schedule.ts';
import { scenarios } from '../../scenarios/index.ts';
import { withLoadOverrides } from '../../scenarios/overrides.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { loadScenarioFile, validateScenarioFile } from '../../scenarios/validate.ts';

const fixtures = new URL('../fixtures/scenarios/', import.meta.url).pathname;
const problemsOf = (data: unknown): string[] => {
  const v = validateScenarioFile(data);
  return 'problems' in v ? v.problems : [];
};

describe('validateScenarioFile', () => {
  it('lists every problem of a file with many, one line each, with its path and what is accepted', async () => {
    const out = await loadScenarioFile(join(fixtures, 'many-errors.json'));
    expect('problems' in out && out.problems).toEqual([
      'colour: unknown key; accepted: name, description, operations, executor, streams, thresholds, vars, tiers, setup, actions, app',
      'name: must be a name of letters, digits, ., _ and - (it names runs and reports), got "broken one"',
      'description: must be a sentence saying what the scenario does, got 42',
      'vars.seq: "seq" is a built-in placeholder; give the var another name',
      'vars.unusedVar: must be a description of the value (what it is, who provides it), got 7',
      'executor.rate: unknown key; accepted: kind, warmupSec, connections, timeoutMs, startRate, stages, maxInFlight',
      'executor.stages[0].durationSec: must be a number of seconds > 0, got 0',
      'executor.stages[1].durationSec: is required',
      'executor.stages[1].targetRate: must be a number of requests per second >= 0, got -1',
      'executor.timeoutMs: must be a number of milliseconds > 0, got 0',
      'executor.maxInFlight: must be at least connections (8): requests beyond maxInFlight are dropped, got 4',
      'operations[0].wieght: unknown key; accepted: name, weight, method, path, key, actor, body, okStatuses, capture, then, expect',
      'operations[0].key.theta: must be a number >= 0 (0 is uniform, 0.99 YCSB\'s default, >= 1 steeper), got -1',
      'operations[1].weight: must be a number >= 0 (0: issued only as a follow-up), got -2',
      'operations[1].method: must be one of "GET", "POST", "PUT", "DELETE", got "FETCH"',
      'operations[1].path: must start with "/", got "users/{actor}"',
      'operations[1].key.theta: unknown key; accepted: kind, population',
      'operations[1].key.population: must be one of "photos", "users", got "people"',
      'operations[2].actor.hotKeyFraction: must be a fraction of the keys in (0, 1], e.g. 0.01 for 1%, got 0',
      'operations[2].actor.hotRequestFraction: must be a fraction of the requests in [0, 1], e.g. 0.9, got 1.5',
      'operations[2].capture.photoId: must be a dot path into the JSON answer, e.g. "photo.id", "photos.0.id" or "photos[0].id", got "photo..id"',
      'operations[2].then[0].delayMs: must be a number of milliseconds >= 0, got -5',
      'operations[4].key.value: is required',
      'operations[4].body.n: must be a string (placeholders allowed), a finite number or a boolean, got null',
      'operations[5].key.value: {photoId} is not a declared var (a fixed key is known before the trial: only vars can fill it; declared: stormPhoto, unusedVar)',
      'operations[5].body: a GET cannot have a body; accepted with POST, PUT and DELETE',
      'operations[6].okStatuses[1]: must be an integer from 100 to 599, got 999',
      'operations[7].name: "errors" names an aggregate metric (http_reqs, ok, errors, timeouts, dropped, latency): thresholds could not tell them apart',
      'operations[7].capture: captures values but has no follow-ups (then) to use them: its answers would be read for nothing',
      'operations[1].name: "getPhoto" is already the name of operations[0]: operation names must be unique',
      'vars.stormPhoto: declared, but no path, body or fixed key uses {stormPhoto}',
      'vars.unusedVar: declared, but no path, body or fixed key uses {unusedVar}',
      'operations[2].then[1].operation: no operation named "nowhere" in this stream (operations: getPhoto, upload, likeMine, storm, stormFixed, orphan, errors)',
      'operations[2].then[2].operation: "getPhoto" has weight 1: an operation issued as a follow-up must have weight 0 (the mix never draws it)',
      'operations[6].weight: is 0, but no operation of this stream names "orphan" in its then: it would never be issued',
      'operations[1].path: uses {actor} but has no "actor" distribution to draw it from',
      'operations[3].path: {commentId} is neither {key}, {actor}, {seq}, a declared var ({stormPhoto}, {unusedVar}) nor captured by an operation of this stream (capture: { "commentId": "<path>" })',
      'operations[4].path: {stromPhoto} is neither {key}, {actor}, {seq}, a declared var ({stormPhoto}, {unusedVar}) nor captured by an operation of this stream (capture: { "stromPhoto": "<path>" })',
      'operations[7].path: {photoId} is captured from an answer: only a follow-up can use it, and "errors" is drawn by the mix',
      'operations[2].capture.unused: no follow-up of "upload" uses {unused}: its answers would be read for nothing',
      'thresholds[0]: threshold "getPhoto.p99 < 50": getPhoto.p99 is a latency: give its bound a duration unit (us, ms or s), e.g. 50ms; accepted: <metric> <op> <value>, e.g. "feed.p99 < 50ms", "getPhoto.p99.9 <= 200ms", "errors.rate < 1%", "http_reqs.rate > 100"; operators <, <=, >, >=, ==; latency metrics (pN, min, max, mean, avg, med) need a duration in us, ms or s; % for rates',
      'thresholds[1]: "feeed" is neither an operation (getPhoto, upload, likeMine, storm, stormFixed, orphan, errors) nor an aggregate (http_reqs, ok, errors, timeouts, dropped, latency)',
      'thresholds[3]: must be a k6-style expression like "getPhoto.p99 < 50ms", got 7',
    ]);
  });

  it('accepts a scenario using every feature, from a TypeScript module, and the schedule can run it', async () => {
    const out = await loadScenarioFile(join(fixtures, 'upload-storm.ts'));
    expect('problems' in out ? out.problems : []).toEqual([]);
    const scenario = (out as { scenario: Scenario }).scenario;
    const populations = { photos: ['1', '2', '3'], users: ['7', '8'] };
    const opts = { sessionToken: (u: string) => u, vars: { stormPhoto: '2' } };
    expect(createSchedule(scenario, 1, populations, '', { ...opts, stream: 'storm' }).next().path).toMatch(/^\/photos\/2\/likes\/[78]$/);
    expect(createSchedule(scenario, 1, populations, '', { ...opts, stream: 'background' }).next().operation.weight).toBeGreaterThan(0);
  });

  it('fills thresholds with [] when a file has none', () => {
    const { thresholds: _, ...bare } = scenarios['photo-reads']!;
    const out = validateScenarioFile(JSON.parse(JSON.stringify(bare)));
    expect('scenario' in out && out.scenario.thresholds).toEqual([]);
  });

  it('says what a scenario is when given something else, and what it needs when given too little or too much', () => {
    expect(problemsOf([])).toEqual(['must be a scenario (an object with name, description, operations?, executor?, streams?, thresholds?, vars?, tiers?, setup?, actions?, app?), got []']);
    expect(problemsOf({ name: 'x', description: 'd' })).toEqual(['operations: is required (with executor), or streams for several load shapes']);
    const single = scenarios['photo-reads']!;
    expect(problemsOf({ ...single, operations: undefined })).toEqual(['operations: is required: an array of operations']);
    expect(problemsOf({ ...single, executor: { kind: 'constant' } })).toEqual(['executor.kind: must be one of "constant-arrival-rate", "ramping-arrival-rate", "closed-loop", got "constant"']);
    expect(problemsOf({ ...single, executor: 5 })).toEqual(['executor: must be an executor (an object with kind: constant-arrival-rate, ramping-arrival-rate, closed-loop), got 5']);
    expect(problemsOf({ ...single, streams: [] })).toEqual(['streams: give either operations + executor (one load shape) or streams (several), not both', 'streams: must hold at least one of streams { name, operations, executor, startSec? }']);
    expect(problemsOf({ ...single, executor: { ...single.executor, kind: 'ramping-arrival-rate', stages: [{ durationSec: 5, targetRate: 0 }], startRate: 0 } })).toEqual([
      'executor.rate: unknown key; accepted: kind, warmupSec, connections, timeoutMs, startRate, stages, maxInFlight',
      'executor.durationSec: unknown key; accepted: kind, warmupSec, connections, timeoutMs, startRate, stages, maxInFlight',
      'executor.stages: offer less than one request in all (every rate is 0): the window would be empty',
    ]);
  });

  it('checks streams: names, executors, operation names across streams, follow-ups across streams, captures on every way, inherited keys', () => {
    const op = (name: string, extra: Record<string, unknown> = {}) => ({ name, weight: 1, method: 'GET', path: `/${name}`, ...extra });
    const rate = { kind: 'constant-arrival-rate', rate: 10, durationSec: 5, warmupSec: 0, connections: 1, maxInFlight: 10, timeoutMs: 100 };
    const problems = problemsOf({
      name: 'streams',
      description: 'several',
      streams: [
        {
          name: 'a',
          operations: [
            op('root1', { capture: { id: 'id' }, then: [{ operation: 'child', delayMs: 0 }, { operation: 'other', delayMs: 0 }] }),
            op('root2', { key: { kind: 'uniform', population: 'photos' }, then: [{ operation: 'child', delayMs: 0 }] }),
            op('child', { weight: 0, path: '/c/{id}/{key}', then: [{ operation: 'grandchild', delayMs: 0 }] }),
            op('grandchild', { weight: 0, then: [{ operation: 'child', delayMs: 0 }] }),
          ],
          executor: rate,
          startSec: -1,
        },
        { name: 'a', operations: [op('root1'), op('other')], executor: { kind: 'closed-loop', connections: 1, durationSec: 1, warmupSec: 0, timeoutMs: 1 } },
      ],
    });
    expect(problems).toEqual([
      'streams[0].startSec: must be a number of seconds >= 0 into the window, got -1',
      'streams[1].name: "a" is already the name of streams[0]: stream names must be unique (each names its rng)',
      'streams[1].executor.kind: a closed loop paces itself and cannot share the window with other streams; accepted here: "constant-arrival-rate", "ramping-arrival-rate"',
      'streams[1].operations[0].name: "root1" is already the name of streams[0].operations[0]: operation names must be unique across streams',
      'streams[0].operations[0].then[1].operation: "other" is an operation of stream "a": a follow-up must be in its parent\'s stream',
      'streams[0].operations[2].then: follow-ups form a cycle: child -> grandchild -> child (a chain of follow-ups must end)',
    ]);
    // Without the cycle: {id} is captured by root1 but not root2, and only root2 has a key to hand down.
    const fixed = problemsOf({
      name: 'streams',
      description: 'several',
      streams: [
        {
          name: 'a',
          operations: [
            op('root1', { capture: { id: 'id' }, then: [{ operation: 'child', delayMs: 0 }] }),
            op('root2', { key: { kind: 'uniform', population: 'photos' }, then: [{ operation: 'child', delayMs: 0 }] }),
            op('child', { weight: 0, path: '/c/{id}/{key}' }),
          ],
          executor: rate,
        },
      ],
    });
    expect(fixed).toEqual([
      'streams[0].operations[2].path: {id} is not captured on every way to "child" (operations it follows up: root1, root2)',
      'streams[0].operations[2].path: uses {key}, but neither it nor every operation it follows has a "key" distribution',
    ]);
  });
});

describe('loadScenarioFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tierbench-scenario-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a JSON file, and says when it is not JSON, is missing or is of another kind', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(scenarios['photo-reads']));
    expect(await loadScenarioFile(good)).toEqual({ scenario: scenarios['photo-reads'] });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "name": ');
    expect(await loadScenarioFile(bad)).toEqual({ problems: [expect.stringMatching(/bad\.json" is not valid JSON \(/)] });
    expect(await loadScenarioFile(join(dir, 'missing.json'))).toEqual({ problems: [expect.stringMatching(/scenario file: file ".*missing\.json" does not exist/)] });
    expect(await loadScenarioFile(join(dir, 'x.yaml'))).toEqual({ problems: [expect.stringMatching(/must be \.json, or a module/)] });
  });
});

describe('what the harness acts on: tiers, set-up, actions, app settings', () => {
  const base = { name: 's', description: 'd', operations: [{ name: 'like', weight: 1, method: 'PUT', path: '/photos/{stormPhoto}/likes/{actor}', actor: { kind: 'uniform', population: 'users' } }], executor: { kind: 'constant-arrival-rate', rate: 10, durationSec: 1, warmupSec: 0, connections: 1, maxInFlight: 10, timeoutMs: 1000 } };

  it('accepts a set-up chain whose vars feed each other and the operations', () => {
    const ok = validateScenarioFile({
      ...base,
      vars: { celebrity: 'the most-followed user', stormPhoto: 'a photo the celebrity posts' },
      setup: [{ var: 'celebrity', pick: 'most-followed-user' }, { var: 'stormPhoto', request: { as: '{celebrity}', method: 'POST', path: '/users/{celebrity}/photos', body: { objectKey: 'storm.jpg' }, capture: 'photo.id' } }],
      tiers: ['cache', 'sharded'],
      actions: [{ atSec: 0.5, do: 'flush-memcached' }],
      app: { readYourWrites: 'none' },
    });
    expect('scenario' in ok).toBe(true);
  });

  it('counts a var a set-up request alone uses as used, under the same name rule as any var (celeb-a)', () => {
    const out = validateScenarioFile({
      ...base,
      vars: { 'celeb-a': 'the most-followed user', stormPhoto: 'a photo they post' },
      setup: [{ var: 'celeb-a', pick: 'most-followed-user' }, { var: 'stormPhoto', request: { as: '{celeb-a}', method: 'POST', path: '/users/{celeb-a}/photos', body: { objectKey: 'storm.jpg' }, capture: 'photo.id' } }],
    });
    expect('problems' in out ? out.problems : []).toEqual([]);
  });

  it('lists every problem of them', () => {
    const out = validateScenarioFile({
      ...base,
      vars: { stormPhoto: 'x', other: 'y' },
      setup: [{ var: 'stormPhoto', pick: 'richest-user' }, { var: 'nope', request: { as: 1, method: 'GET', path: '/x', capture: 'id' } }, { var: 'other' }],
      tiers: ['cache', 'moon'],
      actions: [{ atSec: -1, do: 'explode' }],
      app: { readYourWrites: 'sometimes', colour: 1 },
    });
    expect('problems' in out && out.problems).toEqual([
      'vars.other: declared, but no path, body or fixed key uses {other}',
      'tiers[1]: must be one of "cache", "replicas", "sharded", got "moon"',
      'setup[0].pick: must be one of "most-followed-user", got "richest-user"',
      'setup[1].var: "nope" is not declared in vars',
      'setup[1].request.as: must be the acting user: a var like "{celebrity}", got 1',
      'setup[1].request.method: must be one of "POST", "PUT", got "GET"',
      'setup[2]: give either pick (a user to choose) or request (a request whose answer gives the value)',
      'actions[0].atSec: must be seconds into the window, >= 0, got -1',
      'actions[0].do: must be one of "flush-memcached", "stop-node", "kill-node", "kill-worker", "pause-replication", got "explode"',
      'app.colour: unknown key; accepted: readYourWrites',
      'app.readYourWrites: must be one of "writer-pinned", "none", got "sometimes"',
    ]);
  });
});

describe('faults as timed actions', () => {
  const base = { name: 'f', description: 'd', operations: [{ name: 'photo', weight: 1, method: 'GET', path: '/photos/{key}', key: { kind: 'uniform', population: 'photos' } }], executor: { kind: 'constant-arrival-rate', rate: 10, durationSec: 30, warmupSec: 0, connections: 1, maxInFlight: 10, timeoutMs: 1000 } };

  it('accepts each fault where its node exists, within the window', () => {
    const ok = validateScenarioFile({
      ...base,
      tiers: ['replicas'],
      actions: [
        { atSec: 2, do: 'stop-node', node: 'memcached', forSec: 5 },
        { atSec: 3, do: 'kill-node', node: 'pg-replica-1', forSec: 10 },
        { atSec: 8, do: 'stop-node', node: 'redis', forSec: 0 },
        { atSec: 9, do: 'kill-worker', forSec: 5 },
        { atSec: 15, do: 'pause-replication', forSec: 10 },
        { atSec: 20, do: 'stop-node', node: 'memcached', forSec: 1 },
      ],
    });
    expect(ok).toMatchObject({ scenario: { name: 'f' } });
  });

  it('lists what each fault needs: its keys, a node name, a length', () => {
    const out = validateScenarioFile({
      ...base,
      tiers: ['sharded'],
      actions: [
        { atSec: 1, do: 'stop-node', forSec: 5 },
        { atSec: 1, do: 'kill-node', node: 'pg-shard-x', forSec: -1 },
        { atSec: 1, do: 'flush-memcached', node: 'memcached' },
        { atSec: 1, do: 'kill-worker' },
        { atSec: 1, do: 'pause-replication', forSec: 0, node: 'redis' },
      ],
    });
    expect('problems' in out && out.problems).toEqual([
      'actions[0].node: is required for stop-node',
      'actions[1].node: must be a node of the stack: memcached, redis, pg-primary, pg-replica-N (N from 1) or pg-shard-N (N from 0), got "pg-shard-x"',
      'actions[1].forSec: must be seconds until the node is started again, >= 0 (0: at once), got -1',
      'actions[2].node: flush-memcached takes no node',
      'actions[3].forSec: is required for kill-worker',
      'actions[4].node: pause-replication takes no node',
      'actions[4].forSec: must be seconds the replicas stay paused, > 0, got 0',
    ]);
  });

  it('refuses faults that end after the window, overlap on one target, or name a node the tiers lack', () => {
    const out = validateScenarioFile({
      ...base,
      tiers: ['cache', 'sharded'],
      actions: [
        { atSec: 25, do: 'stop-node', node: 'memcached', forSec: 10 },
        { atSec: 30, do: 'flush-memcached' },
        { atSec: 1, do: 'kill-node', node: 'pg-shard-1', forSec: 2 },
        { atSec: 2, do: 'stop-node', node: 'pg-shard-1', forSec: 2 },
        { atSec: 5, do: 'pause-replication', forSec: 1 },
      ],
    });
    expect('problems' in out && out.problems).toEqual([
      'actions[0]: ends at 35 s (atSec + forSec), after the 30 s window: the recovery would not be seen',
      'actions[1]: at 30 s, not in the 30 s window',
      'actions[2]: pg-shard-1 exists only on sharded, not on cache (in tiers)',
      'actions[3]: pg-shard-1 exists only on sharded, not on cache (in tiers)',
      'actions[3]: overlaps actions[2] on pg-shard-1: one fault on a target at a time',
      'actions[4]: replication exists only on replicas, not on cache, sharded (in tiers)',
    ]);
    const untiered = validateScenarioFile({ ...base, actions: [{ atSec: 1, do: 'kill-node', node: 'pg-replica-2', forSec: 2 }] });
    expect('problems' in untiered && untiered.problems).toEqual(['actions[0]: pg-replica-2 exists only on replicas; set tiers to ["replicas"] (or a part of it)']);
  });

  it('holds a shorter --duration to the actions too', () => {
    const s = validateScenarioFile({ ...base, actions: [{ atSec: 10, do: 'stop-node', node: 'memcached', forSec: 10 }] });
    if (!('scenario' in s)) throw new Error(s.problems.join('; '));
    expect(withLoadOverrides(s.scenario, { duration: 25 })).toMatchObject({ scenario: { executor: { durationSec: 25 } } });
    expect(withLoadOverrides(s.scenario, { duration: 15 })).toEqual({ problems: ['scenario "f" with --duration 15: actions[0]: ends at 20 s (atSec + forSec), after the 15 s window: the recovery would not be seen'] });
  });
});
