import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeySampler } from '../../harness/drive/keys.ts';
import { createRng } from '../../harness/drive/rng.ts';
import { drive } from '../../harness/drive/run.ts';
import { createSchedule, scheduleDigest, type ScheduledRequest, type SchedulePhase } from '../../harness/drive/schedule.ts';
import type { Populations } from '../../harness/drive/types.ts';
import { sessionToken } from '../../harness/seed/sessions.ts';
import type { KeyDistribution, OperationSpec, Scenario, SingleStreamScenario } from '../../scenarios/types.ts';

const populations: Populations = {
  photos: Array.from({ length: 2_000 }, (_, i) => String(7_000_000_000_000_000_000n + BigInt(i) * 8_388_608n)),
  users: Array.from({ length: 1_000 }, (_, i) => String(1_000_000 + i)),
};
const DATASET_SEED = 42;
const token = (userId: string): string => sessionToken(DATASET_SEED, userId);

const zipfUsers: KeyDistribution = { kind: 'zipf', population: 'users', theta: 0.9 };
const zipfPhotos: KeyDistribution = { kind: 'zipf', population: 'photos', theta: 0.99 };

function scenarioOf(operations: OperationSpec[], rate = 1000, durationSec = 1): SingleStreamScenario {
  return {
    name: 'writes',
    description: 'actors and bodies',
    operations,
    executor: { kind: 'constant-arrival-rate', rate, durationSec, warmupSec: 0, connections: 1, maxInFlight: 1000, timeoutMs: 2000 },
    thresholds: [],
  };
}

const upload: OperationSpec = {
  name: 'upload',
  weight: 1,
  method: 'POST',
  path: '/photos',
  actor: zipfUsers,
  body: { objectKey: 'photos/{actor}/{seq}.jpg', caption: 'upload {seq} by {actor}', width: 1080, public: true },
};
const like: OperationSpec = {
  name: 'like',
  weight: 3,
  method: 'POST',
  path: '/photos/{key}/likes',
  key: zipfPhotos,
  actor: zipfUsers,
  body: { photoId: '{key}' },
};
const feed: OperationSpec = { name: 'feed', weight: 4, method: 'GET', path: '/users/{actor}/feed', actor: { kind: 'uniform', population: 'users' } };
const getPhoto: OperationSpec = { name: 'getPhoto', weight: 2, method: 'GET', path: '/photos/{key}', key: zipfPhotos };
const mix = scenarioOf([upload, like, feed, getPhoto]);

const take = (scenario: Scenario, seed: number, n: number, tok = token, stream: SchedulePhase = ''): ScheduledRequest[] => {
  const s = createSchedule(scenario, seed, populations, stream, { sessionToken: tok });
  return Array.from({ length: n }, () => s.next());
};

describe('schedule with actors and bodies', () => {
  it('draws actors from the users population, zipf-skewed', () => {
    const users = new Set(populations.users);
    const counts = new Map<string, number>();
    const requests = take(scenarioOf([{ ...feed, actor: zipfUsers }]), 3, 20_000);
    for (const r of requests) {
      expect(r.actor !== undefined && users.has(r.actor)).toBe(true);
      expect(r.path).toBe(`/users/${r.actor}/feed`);
      expect(r.key).toBeUndefined();
      counts.set(r.actor!, (counts.get(r.actor!) ?? 0) + 1);
    }
    const hottest = Math.max(...counts.values());
    // uniform would give ~20 per user; zipf(0.9) over 1000 users gives the top user ~10%.
    expect(hottest).toBeGreaterThan(1000);
  });

  it('signs requests of operations with an actor with that actor\'s token, and only those', () => {
    for (const r of take(mix, 5, 2000)) {
      if (r.operation.actor !== undefined) {
        expect(r.headers.authorization).toBe(`Bearer ${sessionToken(DATASET_SEED, r.actor!)}`);
      } else {
        expect(r.headers).toEqual({});
        expect(r.actor).toBeUndefined();
      }
      if (r.operation.body !== undefined) {
        expect(r.headers['content-type']).toBe('application/json');
        expect(typeof r.body).toBe('string');
      } else {
        expect(r.body).toBeUndefined();
        expect(r.headers['content-type']).toBeUndefined();
      }
    }
  });

  it('fills {key}, {actor} and {seq} in path and body', () => {
    const seen = new Set<string>();
    for (const r of take(mix, 6, 2000)) {
      switch (r.operation.name) {
        case 'upload': {
          expect(r.path).toBe('/photos');
          expect(JSON.parse(r.body!)).toEqual({
            objectKey: `photos/${r.actor}/${r.index}.jpg`,
            caption: `upload ${r.index} by ${r.actor}`,
            width: 1080,
            public: true,
          });
          seen.add('upload');
          break;
        }
        case 'like':
          expect(r.path).toBe(`/photos/${r.key}/likes`);
          expect(populations.photos).toContain(r.key);
          expect(r.body).toBe(`{"photoId":"${r.key}"}`);
          seen.add('like');
          break;
        case 'feed':
          expect(r.path).toBe(`/users/${r.actor}/feed`);
          seen.add('feed');
          break;
        case 'getPhoto':
          expect(r.path).toBe(`/photos/${r.key}`);
          expect(r.actor).toBeUndefined();
          seen.add('getPhoto');
          break;
      }
    }
    expect([...seen].sort()).toEqual(['feed', 'getPhoto', 'like', 'upload']);
  });

  it('URL-encodes values in the path and JSON-escapes them in the body', () => {
    const odd = 'a b/c?d"e\\f\u00e9\n';
    const weird: Populations = { photos: [odd], users: [`u"${odd}`] };
    const op: OperationSpec = {
      name: 'odd',
      weight: 1,
      method: 'PUT',
      path: '/things/{key}/by/{actor}/{seq}',
      key: { kind: 'uniform', population: 'photos' },
      actor: { kind: 'uniform', population: 'users' },
      body: { k: '{key}', a: '[{actor}]', s: '{seq}' },
    };
    const s = createSchedule(scenarioOf([op]), 1, weird, '', { sessionToken: () => 'tok' });
    s.next();
    const r = s.next();
    expect(r.path).toBe(`/things/${encodeURIComponent(odd)}/by/${encodeURIComponent(`u"${odd}`)}/1`);
    expect(r.path).toBe('/things/a%20b%2Fc%3Fd%22e%5Cf%C3%A9%0A/by/u%22a%20b%2Fc%3Fd%22e%5Cf%C3%A9%0A/1');
    expect(r.body).toBe('{"k":"a b/c?d\\"e\\\\f\u00e9\\n","a":"[u\\"a b/c?d\\"e\\\\f\u00e9\\n]","s":"1"}');
    expect(JSON.parse(r.body!)).toEqual({ k: odd, a: `[u"${odd}]`, s: '1' });
    expect(r.headers).toEqual({ authorization: 'Bearer tok', 'content-type': 'application/json' });
  });

  it('is deterministic with actors and bodies: same seed, same stream, byte for byte', () => {
    const a = take(mix, 11, 5000);
    const b = take(mix, 11, 5000);
    expect(b).toEqual(a);
    const digest = (seed: number, tok = token, stream: SchedulePhase = ''): string =>
      scheduleDigest(createSchedule(mix, seed, populations, stream, { sessionToken: tok }), 5000);
    expect(digest(11)).toBe(digest(11));
    expect(digest(12)).not.toBe(digest(11));
    expect(digest(11, token, 'warmup')).not.toBe(digest(11));
    // the digest covers headers: another token function, another digest
    expect(digest(11, (u) => sessionToken(DATASET_SEED + 1, u))).not.toBe(digest(11));
    expect(digest(11)).toBe(MIX_DIGEST);
  });

  it('the digest covers the body', () => {
    const other = scenarioOf(mix.operations.map((op) => (op.name === 'upload' ? { ...op, body: { ...op.body, width: 1081 } } : op)));
    const d = (s: Scenario): string => scheduleDigest(createSchedule(s, 11, populations, '', { sessionToken: token }), 2000);
    expect(d(other)).not.toBe(d(mix));
  });

  it('draws per request the operation, then the key, then the actor from one rng', () => {
    const ops = [like, { ...upload, weight: 2 }];
    const s = createSchedule(scenarioOf(ops), 21, populations, '', { sessionToken: token });
    // Replay the draws by hand: samplers are created in operation order (key, then actor).
    const rng = createRng(21, '');
    const likeKey = createKeySampler(zipfPhotos, populations, rng);
    const likeActor = createKeySampler(zipfUsers, populations, rng);
    const uploadActor = createKeySampler(zipfUsers, populations, rng);
    for (let i = 0; i < 3000; i++) {
      const op = rng.nextFloat() * 5 < 3 ? 'like' : 'upload';
      const key = op === 'like' ? likeKey() : undefined;
      const actor = op === 'like' ? likeActor() : uploadActor();
      const r = s.next();
      expect([r.operation.name, r.key, r.actor]).toEqual([op, key, actor]);
    }
  });

  it('keeps the key stream of a single-GET scenario when an actor is added (the actor is drawn last)', () => {
    const plain = take(scenarioOf([getPhoto]), 8, 1);
    const withActor = take(scenarioOf([{ ...getPhoto, actor: zipfUsers }]), 8, 1);
    expect(withActor[0]!.key).toBe(plain[0]!.key);
    expect(withActor[0]!.path).toBe(plain[0]!.path);
    expect(plain[0]!.headers).toEqual({});
    expect(plain[0]!.body).toBeUndefined();
  });

  it('rejects placeholders without a distribution, unknown placeholders, bodies on GET and a missing token function', () => {
    const make = (op: OperationSpec, withToken = true) =>
      () => createSchedule(scenarioOf([op]), 1, populations, '', withToken ? { sessionToken: token } : {});
    expect(make({ ...upload, path: '/photos/{key}' })).toThrow(RangeError);
    expect(make({ ...upload, path: '/photos/{key}' })).toThrow(/operation "upload" uses \{key\} in its path or body but has no "key" distribution/);
    expect(make({ ...upload, body: { photoId: '{key}' } })).toThrow(/uses \{key\}.*no "key" distribution/);
    expect(make({ ...getPhoto, path: '/users/{actor}' })).toThrow(/uses \{actor\}.*no "actor" distribution/);
    expect(make({ ...getPhoto, path: '/photos/{id}' })).toThrow(/unknown placeholder "\{id\}"/);
    expect(make({ ...upload, body: { x: '{acter}' } })).toThrow(/body field "x" has an unknown placeholder "\{acter\}"/);
    expect(make({ ...getPhoto, body: { x: 1 } })).toThrow(/GET and cannot have a body/);
    expect(make({ ...upload, body: { x: Number.NaN } })).toThrow(/finite number/);
    expect(make(upload, false)).toThrow(/has an actor, so a sessionToken function is required/);
    // {seq} alone needs no distribution
    expect(make({ name: 'seqOnly', weight: 1, method: 'POST', path: '/echo/{seq}', body: { n: '{seq}' } })).not.toThrow();
  });
});

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

interface Received {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

describe('drive with actors against a local HTTP server', () => {
  it('sends a POST with the JSON body and the Authorization header of the schedule', async () => {
    const received: Received[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: req.method,
          url: req.url,
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.statusCode = 201;
        res.end('{}');
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const scenario = scenarioOf([upload, like], 100, 0.3);
    const out = await drive({ baseUrl, scenario, seed: 9, populations, sessionSeed: DATASET_SEED });

    const c = (name: string) => out.operations[name]!.counts;
    expect(c('upload').scheduled + c('like').scheduled).toBe(30);
    expect(c('upload').ok + c('like').ok).toBe(30);
    expect(received).toHaveLength(30);
    // one connection, no pipelining: the server sees the schedule in order
    const expected = take(scenario, 9, 30).map((r) => ({
      method: 'POST',
      url: r.path,
      authorization: `Bearer ${sessionToken(DATASET_SEED, r.actor!)}`,
      contentType: 'application/json',
      body: r.body,
    }));
    expect(received).toEqual(expected);
    const firstUpload = received.find((r) => r.url === '/photos')!;
    expect(JSON.parse(firstUpload.body)).toMatchObject({ objectKey: expect.stringMatching(/^photos\/\d+\/\d+\.jpg$/), width: 1080, public: true });
  }, 10_000);

  it('refuses to start when an operation has an actor and no sessionSeed is given', async () => {
    await expect(drive({ baseUrl: 'http://127.0.0.1:9', scenario: mix, seed: 1, populations })).rejects.toThrow(RangeError);
    await expect(drive({ baseUrl: 'http://127.0.0.1:9', scenario: mix, seed: 1, populations })).rejects.toThrow(
      /operations "upload", "like", "feed" have an actor, so DriveInput.sessionSeed is required/,
    );
  });
});

// sha256 of the first 5000 requests of `mix`, seed 11, tokens of dataset seed 42. Changed deliberately
// when zipf keys moved from Gray's approximation to exact rejection-inversion sampling (any theta).
const MIX_DIGEST = '1f247ebd3d64fde0c20ab86dad3ed0cc7409635ae97c1ce95b434e5af400ecf0';
