import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app/build.ts';
import { makeId } from '../../app/schema/ids.ts';
import { fakeContext, FAKE_TOKEN, FAKE_USER_ID } from '../helpers/fake-stores.ts';

/**
 * Malformed input gets 4xx with a stable code, never 5xx: everything the app must answer before it
 * touches a store, through fastify's inject on stores that throw if reached. Cases that need data
 * (not found, unknown shard) stay in the contract suite on real servers.
 */
let app: FastifyInstance;
beforeAll(async () => {
  const ctx = fakeContext();
  app = buildApp(ctx.config, ctx);
  await app.ready();
});
afterAll(async () => app?.close());

interface Case {
  method: string;
  path: string;
  body?: unknown;
  raw?: string | Uint8Array;
  type?: string;
  token?: boolean;
  status: number;
  code: string;
}

const me = FAKE_USER_ID;
const photo = makeId(1_000_000n, 5, 7).toString();
const cases: Case[] = [
  { method: 'POST', path: '/users', body: {}, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', body: { username: 'ab', password: 'long enough' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', body: { username: 'bad name!', password: 'long enough' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', body: { username: 'okname', password: 'short' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', body: { username: 'okname', password: 12345678 }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', body: { username: ['okname'], password: 'long enough' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', body: { username: 'okname', password: 'long enough', admin: true }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', body: { username: 'okname', password: 'long enough', bio: 'x'.repeat(151) }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', body: { username: 'okname', password: 'long enough', fullName: 'a\u0000b' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', body: [1, 2], status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', body: 'just a string', status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', raw: '{"username": "x",', type: 'application/json', status: 400, code: 'INVALID_JSON' },
  { method: 'POST', path: '/users', raw: '', type: 'application/json', status: 400, code: 'INVALID_JSON' },
  { method: 'POST', path: '/users', raw: 'username=x', type: 'application/x-www-form-urlencoded', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { method: 'POST', path: '/users', raw: JSON.stringify({ username: 'okname', password: 'x'.repeat(20_000) }), type: 'application/json', status: 413, code: 'BODY_TOO_LARGE' },
  { method: 'POST', path: '/sessions', body: { username: 'x' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: {}, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: 'has space.jpg' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: 'a.jpg', caption: 7 }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: 'a.jpg', caption: 'x'.repeat(2201) }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: 'k'.repeat(513) }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/photos/${photo}/comments`, token: true, body: { text: '' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/photos/${photo}/comments`, token: true, body: { text: null }, status: 400, code: 'INVALID_BODY' },
  { method: 'GET', path: '/users/abc', token: true, status: 400, code: 'INVALID_ID' },
  { method: 'GET', path: '/users/0', token: true, status: 400, code: 'INVALID_ID' },
  { method: 'GET', path: '/users/-5', token: true, status: 400, code: 'INVALID_ID' },
  { method: 'GET', path: '/users/99999999999999999999', token: true, status: 400, code: 'INVALID_ID' },
  { method: 'GET', path: '/photos/1.5', token: true, status: 400, code: 'INVALID_ID' },
  { method: 'GET', path: '/photos/%00', token: true, status: 400, code: 'INVALID_ID' },
  { method: 'GET', path: '/photos/%E0%A4%A', token: true, status: 400, code: 'BAD_REQUEST' },
  { method: 'GET', path: `/photos/${'9'.repeat(300)}`, token: true, status: 400, code: 'BAD_REQUEST' },
  { method: 'PUT', path: `/users/${me}/following/${me}`, token: true, status: 400, code: 'CANNOT_FOLLOW_SELF' },
  { method: 'GET', path: `/users/${me}/photos?limit=0`, token: true, status: 400, code: 'INVALID_QUERY' },
  { method: 'GET', path: `/users/${me}/photos?limit=101`, token: true, status: 400, code: 'INVALID_QUERY' },
  { method: 'GET', path: `/users/${me}/photos?limit=abc`, token: true, status: 400, code: 'INVALID_QUERY' },
  { method: 'GET', path: `/users/${me}/photos?limit=1&limit=2`, token: true, status: 400, code: 'INVALID_QUERY' },
  { method: 'GET', path: `/users/${me}/photos?before=xyz`, token: true, status: 400, code: 'INVALID_QUERY' },
  { method: 'GET', path: `/users/${me}/feed?offset=-1`, token: true, status: 400, code: 'INVALID_QUERY' },
  { method: 'GET', path: `/users/${me}/feed?offset=99999999`, token: true, status: 400, code: 'INVALID_QUERY' },
  { method: 'GET', path: `/users/${me}/activity?limit=1e3`, token: true, status: 400, code: 'INVALID_QUERY' },
  { method: 'GET', path: `/users/${me}/feed`, token: false, status: 401, code: 'UNAUTHENTICATED' },
  { method: 'GET', path: `/users/${makeId(1_000_000n, 4, 2)}/feed`, token: true, status: 403, code: 'FORBIDDEN' },
  { method: 'PATCH', path: `/users/${me}`, token: true, status: 404, code: 'ROUTE_NOT_FOUND' },
  { method: 'GET', path: '/nowhere', status: 404, code: 'ROUTE_NOT_FOUND' },
  // Lone surrogates (valid JSON, not valid Unicode) in every text field: 400, never stored.
  { method: 'POST', path: `/photos/${photo}/comments`, token: true, raw: '{"text":"\\ud800"}', type: 'application/json', status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/photos/${photo}/comments`, token: true, raw: '{"text":"a\\udc00b"}', type: 'application/json', status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', raw: '{"username":"a\\ud800bc","password":"long enough"}', type: 'application/json', status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', raw: '{"username":"okname","password":"long \\udfff enough"}', type: 'application/json', status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', raw: '{"username":"okname","password":"long enough","fullName":"\\ud83d"}', type: 'application/json', status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/users', raw: '{"username":"okname","password":"long enough","bio":"x\\ude00"}', type: 'application/json', status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: '/sessions', raw: '{"username":"\\ud800","password":"x"}', type: 'application/json', status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, raw: '{"objectKey":"a.jpg","caption":"\\udbff"}', type: 'application/json', status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, raw: '{"objectKey":"a\\ud800.jpg"}', type: 'application/json', status: 400, code: 'INVALID_BODY' },
  // Bytes that are not UTF-8 are not JSON text.
  { method: 'POST', path: `/photos/${photo}/comments`, token: true, raw: Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), type: 'application/json', status: 400, code: 'INVALID_JSON' },
  // Authentication comes before the body is read: no token is 401 whatever the body.
  { method: 'POST', path: `/photos/${photo}/comments`, raw: '', type: 'application/json', status: 401, code: 'UNAUTHENTICATED' },
  { method: 'POST', path: `/photos/${photo}/comments`, body: {}, status: 401, code: 'UNAUTHENTICATED' },
  { method: 'POST', path: `/users/${me}/photos`, raw: 'junk', type: 'text/plain', status: 401, code: 'UNAUTHENTICATED' },
  // Object keys: relative, safe characters, no dot segments, bounded.
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: '../../x/secret.jpg' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: 'a/../../b.jpg' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: '/etc/passwd' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: 'a//b.jpg' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: 'a/./b.jpg' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: '..' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: 'a/b/' }, status: 400, code: 'INVALID_BODY' },
  { method: 'POST', path: `/users/${me}/photos`, token: true, body: { objectKey: 'a\\b.jpg' }, status: 400, code: 'INVALID_BODY' },
  // Only JSON bodies: another content type is 415, not parsed as something else.
  { method: 'POST', path: '/users', raw: '{"username":"okname","password":"long enough"}', type: 'text/plain', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { method: 'POST', path: '/sessions', raw: 'x', type: 'text/plain; charset=utf-8', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { method: 'POST', path: `/photos/${photo}/comments`, token: true, raw: '{"text":"hi"}', type: 'text/plain', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { method: 'POST', path: '/users', raw: '{"username":"okname","password":"long enough"}', type: 'application/json; charset=latin1', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
];

describe('malformed input gets 4xx with a stable code, never 5xx (app with fake stores)', () => {
  for (const c of cases) {
    const label = `${c.method} ${c.path} ${JSON.stringify(c.body ?? c.raw ?? '').slice(0, 50)}`;
    it(`${label} -> ${c.status} ${c.code}`, async () => {
      const headers: Record<string, string> = {};
      if (c.token) headers.authorization = `Bearer ${FAKE_TOKEN}`;
      let payload: string | Buffer | undefined;
      if (c.raw !== undefined) {
        payload = typeof c.raw === 'string' ? c.raw : Buffer.from(c.raw);
        headers['content-type'] = c.type ?? 'application/json';
      } else if (c.body !== undefined) {
        payload = JSON.stringify(c.body);
        headers['content-type'] = 'application/json';
      }
      const res = await app.inject({ method: c.method as 'GET', url: c.path, headers, ...(payload !== undefined ? { payload } : {}) });
      expect(res.statusCode, res.body).toBe(c.status);
      expect((res.json() as { error?: { code?: string } }).error?.code).toBe(c.code);
    });
  }

  it('fails when a request reaches a store (the fakes are not silently permissive)', async () => {
    const res = await app.inject({ method: 'GET', url: `/photos/${photo}`, headers: { authorization: `Bearer ${FAKE_TOKEN}` } });
    expect(res.statusCode).toBe(500);
  });
});
