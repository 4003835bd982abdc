import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api-client.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The app's API as its users see it, on real servers. The contract suite: the same tests run
 * against every tier.
 */
const TIERS = ['cache', 'replicas', 'sharded'] as const;
let t: TestStack;
let api: ReturnType<typeof apiClient>['call'];

interface Account {
  id: string;
  token: string;
}

let n = 0;
async function signUp(name = `user${Date.now().toString(36)}${n++}`): Promise<Account> {
  const res = await api('POST', '/users', { body: { username: name, password: 'correct horse', fullName: `Name ${name}`, bio: 'hi' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.user.id, token: res.body.token };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const tier of TIERS) {
describe(`tier ${tier}`, () => {
  beforeAll(async () => {
    t = await startTestStack({ tier, logicalShards: 16, pgShards: 4 });
    api = apiClient(t.app.baseUrl).call;
  }, 120_000);
  afterAll(async () => t?.stop());

  describe('accounts and sessions', () => {
    it('signs up, logs in, reads a profile, logs out', async () => {
      const name = `alice${Date.now().toString(36)}`;
      const a = await signUp(name);
      expect(await api('POST', '/users', { body: { username: name, password: 'another one' } })).toMatchObject({ status: 409, body: { error: { code: 'USERNAME_TAKEN' } } });
      expect(await api('POST', '/sessions', { body: { username: name, password: 'wrong password' } })).toMatchObject({ status: 401, body: { error: { code: 'BAD_CREDENTIALS' } } });
      const login = await api('POST', '/sessions', { body: { username: name.toUpperCase(), password: 'correct horse' } });
      expect(login).toMatchObject({ status: 201, body: { userId: a.id } });
      const profile = await api('GET', `/users/${a.id}`, { token: login.body.token });
      expect(profile).toMatchObject({ status: 200, body: { id: a.id, username: name, followerCount: 0, photoCount: 0 } });
      expect((await api('DELETE', '/sessions/current', { token: login.body.token })).status).toBe(204);
      expect(await api('GET', `/users/${a.id}`, { token: login.body.token })).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    });

    it('lets seeded users log in with the seeded password', async () => {
      const res = await api('POST', '/sessions', { body: { username: (await api('GET', `/users/${t.manifest.userIds[3]}`, { token: t.tokenOf(t.manifest.userIds[3]!) })).body.username, password: 'tierbench' } });
      expect(res).toMatchObject({ status: 201, body: { userId: t.manifest.userIds[3] } });
    });
  });

  describe('401 and 403 where they belong', () => {
    it('needs a valid session everywhere but sign-up and log-in', async () => {
      const someone = t.manifest.userIds[0]!;
      const photo = t.manifest.photoIds[0]!;
      const routes: Array<[string, string, unknown?]> = [
        ['GET', `/users/${someone}`],
        ['GET', `/users/${someone}/photos`],
        ['POST', `/users/${someone}/photos`, { objectKey: 'a/b.jpg' }],
        ['PUT', `/users/${someone}/following/${t.manifest.userIds[1]}`],
        ['DELETE', `/users/${someone}/following/${t.manifest.userIds[1]}`],
        ['GET', `/users/${someone}/feed`],
        ['GET', `/users/${someone}/activity`],
        ['GET', `/photos/${photo}`],
        ['PUT', `/photos/${photo}/likes/${someone}`],
        ['DELETE', `/photos/${photo}/likes/${someone}`],
        ['POST', `/photos/${photo}/comments`, { text: 'hi' }],
      ];
      for (const token of [undefined, 'not-a-token', 'A'.repeat(32)]) {
        for (const [method, path, body] of routes) {
          const res = await api(method, path, { token, body });
          expect(res.status, `${method} ${path} with ${token}`).toBe(401);
          expect(res.body.error.code).toBe('UNAUTHENTICATED');
        }
      }
    });

    it('lets a user act only as themselves', async () => {
      const me = await signUp();
      const other = t.manifest.userIds[5]!;
      const photo = t.manifest.photoIds[5]!;
      const routes: Array<[string, string, unknown?]> = [
        ['POST', `/users/${other}/photos`, { objectKey: 'a/b.jpg' }],
        ['PUT', `/users/${other}/following/${me.id}`],
        ['DELETE', `/users/${other}/following/${me.id}`],
        ['GET', `/users/${other}/feed`],
        ['GET', `/users/${other}/activity`],
        ['PUT', `/photos/${photo}/likes/${other}`],
        ['DELETE', `/photos/${photo}/likes/${other}`],
      ];
      for (const [method, path, body] of routes) {
        const res = await api(method, path, { token: me.token, body });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      // Reading someone else's profile, grid and photos is allowed.
      expect((await api('GET', `/users/${other}`, { token: me.token })).status).toBe(200);
      expect((await api('GET', `/users/${other}/photos`, { token: me.token })).status).toBe(200);
    });
  });

  describe('photos, likes, comments, follows, feeds, activity', () => {
    it('uploads, fans out to followers, pages the grid and the feed', async () => {
      const author = await signUp();
      const fans = await Promise.all([signUp(), signUp(), signUp()]);
      for (const f of fans) expect((await api('PUT', `/users/${f.id}/following/${author.id}`, { token: f.token })).body).toEqual({ following: true, changed: true });
      expect((await api('PUT', `/users/${fans[0]!.id}/following/${author.id}`, { token: fans[0]!.token })).body).toEqual({ following: true, changed: false });
      expect((await api('GET', `/users/${author.id}`, { token: author.token })).body).toMatchObject({ followerCount: 3, followingCount: 0 });

      const uploaded: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await api('POST', `/users/${author.id}/photos`, { token: author.token, body: { objectKey: `photos/${author.id}/${i}.jpg`, caption: `photo ${i}` } });
        expect(res.status).toBe(201);
        expect(res.body.photo).toMatchObject({ ownerId: author.id, caption: `photo ${i}`, likeCount: 0 });
        uploaded.push(res.body.photo.id);
      }
      const newestFirst = [...uploaded].reverse();
      for (const f of fans) {
        const feed = await waitFor('fan-out', async () => {
          const r = await api('GET', `/users/${f.id}/feed?limit=10`, { token: f.token });
          return r.body.photos.length === 5 ? r.body : undefined;
        });
        expect(feed.photos.map((p: { id: string }) => p.id)).toEqual(newestFirst);
      }
      const page1 = await api('GET', `/users/${author.id}/photos?limit=2`, { token: fans[0]!.token });
      expect(page1.body.photos.map((p: { id: string }) => p.id)).toEqual(newestFirst.slice(0, 2));
      const page2 = await api('GET', `/users/${author.id}/photos?limit=2&before=${page1.body.next}`, { token: fans[0]!.token });
      expect(page2.body.photos.map((p: { id: string }) => p.id)).toEqual(newestFirst.slice(2, 4));
      const f0page = await api('GET', `/users/${fans[0]!.id}/feed?offset=3&limit=2`, { token: fans[0]!.token });
      expect(f0page.body.photos.map((p: { id: string }) => p.id)).toEqual(newestFirst.slice(3, 5));
      expect((await api('GET', `/users/${author.id}`, { token: author.token })).body.photoCount).toBe(5);

      // Unfollowing takes the author's photos out of the built feed.
      await api('DELETE', `/users/${fans[2]!.id}/following/${author.id}`, { token: fans[2]!.token });
      expect((await api('GET', `/users/${fans[2]!.id}/feed`, { token: fans[2]!.token })).body.photos).toEqual([]);
      expect((await api('GET', `/users/${author.id}`, { token: author.token })).body.followerCount).toBe(2);
    });

    it('likes and comments show on the photo, in counters and in the owner activity feed', async () => {
      const owner = await signUp();
      const fan = await signUp();
      const photo = (await api('POST', `/users/${owner.id}/photos`, { token: owner.token, body: { objectKey: 'x/y.jpg' } })).body.photo.id as string;
      expect((await api('PUT', `/photos/${photo}/likes/${fan.id}`, { token: fan.token })).body).toEqual({ liked: true, changed: true });
      expect((await api('PUT', `/photos/${photo}/likes/${fan.id}`, { token: fan.token })).body).toEqual({ liked: true, changed: false });
      expect((await api('GET', `/photos/${photo}`, { token: owner.token })).body.likeCount).toBe(1);
      for (let i = 0; i < 7; i++) expect((await api('POST', `/photos/${photo}/comments`, { token: fan.token, body: { text: `nice ${i}` } })).status).toBe(201);
      const seen = (await api('GET', `/photos/${photo}`, { token: owner.token })).body;
      expect(seen.commentCount).toBe(7);
      expect(seen.latestComments.map((c: { text: string }) => c.text)).toEqual(['nice 6', 'nice 5', 'nice 4', 'nice 3', 'nice 2']);
      await api('PUT', `/users/${fan.id}/following/${owner.id}`, { token: fan.token });
      const activity = (await api('GET', `/users/${owner.id}/activity`, { token: owner.token })).body.items;
      expect(activity.map((a: { type: string; actorId: string }) => [a.type, a.actorId])).toEqual([
        ['follow', fan.id],
        ['like', fan.id],
      ]);
      expect((await api('DELETE', `/photos/${photo}/likes/${fan.id}`, { token: fan.token })).body).toEqual({ liked: false, changed: true });
      expect((await api('GET', `/photos/${photo}`, { token: owner.token })).body.likeCount).toBe(0);
    });

    it('rebuilds a missing feed from PostgreSQL with the right content', async () => {
      const a = await signUp();
      const b = await signUp();
      const reader = await signUp();
      const ids: string[] = [];
      for (const [who, i] of [[a, 0], [b, 1], [a, 2], [b, 3]] as const)
        ids.push((await api('POST', `/users/${who.id}/photos`, { token: who.token, body: { objectKey: `k/${i}.jpg` } })).body.photo.id);
      await api('PUT', `/users/${reader.id}/following/${a.id}`, { token: reader.token });
      await api('PUT', `/users/${reader.id}/following/${b.id}`, { token: reader.token });
      const ownPhoto = (await api('POST', `/users/${reader.id}/photos`, { token: reader.token, body: { objectKey: 'k/own.jpg' } })).body.photo.id;
      const expected = [ownPhoto, ...[...ids].reverse()];
      await waitFor('fan-out of the reader photo', async () => ((await t.redis().zscore(`feed:${reader.id}`, ownPhoto)) !== null ? true : undefined));
      await t.redis().del(`feed:${reader.id}`);
      const rebuilt = await api('GET', `/users/${reader.id}/feed`, { token: reader.token });
      expect(rebuilt.body.photos.map((p: { id: string }) => p.id)).toEqual(expected);
      expect(await t.redis().zscore(`feed:${reader.id}`, '0')).toBe('inf');
    });
  });

  describe('what needs the stores: unknown ids get 404 with a stable code, a real character is stored (malformed and hostile input: test/unit/app-input.test.ts)', () => {
    it('answers every request in the list with the expected code', async () => {
      const me = await signUp();
      const photo = t.manifest.photoIds[7]!;
      const cases: Array<{ method: string; path: string; body?: unknown; raw?: string | Uint8Array; type?: string; token?: boolean; status: number; code: string }> = [
        { method: 'GET', path: '/photos/1', token: true, status: 404, code: 'PHOTO_NOT_FOUND' },
        { method: 'GET', path: `/photos/${(4000n << 10n).toString()}`, token: true, status: 404, code: 'UNKNOWN_SHARD' },
        { method: 'GET', path: '/users/1', token: true, status: 404, code: 'USER_NOT_FOUND' },
        { method: 'PUT', path: `/photos/1/likes/${me.id}`, token: true, status: 404, code: 'PHOTO_NOT_FOUND' },
        { method: 'POST', path: '/photos/1/comments', token: true, body: { text: 'hi' }, status: 404, code: 'PHOTO_NOT_FOUND' },
        { method: 'PUT', path: `/users/${me.id}/following/1`, token: true, status: 404, code: 'USER_NOT_FOUND' },
        // A paired surrogate is a real character: stored (malformed and hostile input: test/unit/app-input.test.ts).
        { method: 'POST', path: `/photos/${photo}/comments`, token: true, raw: '{"text":"\\ud83d\\ude00"}', type: 'application/json', status: 201, code: '' },
      ];
      // Every case is tried and every mismatch reported together.
      const wrong: string[] = [];
      for (const c of cases) {
        const res = await api(c.method, c.path, {
          token: c.token ? me.token : undefined,
          body: c.body,
          rawBody: c.raw,
          headers: c.type ? { 'content-type': c.type } : undefined,
        });
        const label = `${c.method} ${c.path} ${JSON.stringify(c.body ?? c.raw ?? '').slice(0, 60)}`;
        const code = c.status >= 400 ? res.body?.error?.code : '';
        if (res.status !== c.status || code !== c.code) wrong.push(`${label}: ${res.status} ${code ?? JSON.stringify(res.body)}, expected ${c.status} ${c.code}`);
      }
      expect(wrong).toEqual([]);
    });
  });
});
}
