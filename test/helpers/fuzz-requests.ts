import fc from 'fast-check';
import { LOG_IN_BODY, SIGN_UP_BODY } from '../../app/routes/accounts.ts';
import { COMMENT_BODY } from '../../app/routes/photos.ts';
import { UPLOAD_BODY } from '../../app/routes/users.ts';

/**
 * Arbitrary HTTP requests for the photo app, generated from its routes and their body schemas:
 * mostly well-formed (so they reach the stores), with hostile text, wrong types, broken JSON,
 * foreign content types, bad tokens, odd ids and query strings mixed in.
 */

interface StringSchema {
  type: 'string';
  minLength: number;
  maxLength: number;
  format?: string;
  pattern?: string;
}
interface ObjectSchema {
  required: string[];
  properties: Record<string, StringSchema>;
}

/** Who a request acts as, and which ids it can name; resolved when the request is built. */
export interface FuzzWorld {
  userIds: readonly string[];
  photoIds: readonly string[];
  /** A seeded session of a seeded user. */
  tokenOf(userId: string): string;
  logicalShards: number;
}

type IdRef = { kind: 'self' } | { kind: 'user' | 'photo'; i: number } | { kind: 'raw'; text: string };
type TokenRef = 'none' | 'valid' | 'fresh' | { raw: string };
type BodyRef = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; bytes: Uint8Array };

interface Route {
  method: string;
  path: readonly string[];
  body?: ObjectSchema;
  query?: readonly string[];
}

/** Every route of app/routes/*.ts (a path part 'user' or 'photo' is an id parameter). */
const isIdPart = (p: string): p is 'user' | 'photo' => p === 'user' || p === 'photo';

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: ['health'] },
  { method: 'POST', path: ['users'], body: SIGN_UP_BODY as ObjectSchema },
  { method: 'POST', path: ['sessions'], body: LOG_IN_BODY as ObjectSchema },
  { method: 'DELETE', path: ['sessions', 'current'] },
  { method: 'GET', path: ['users', 'user'] },
  { method: 'GET', path: ['users', 'user', 'photos'], query: ['before', 'limit'] },
  { method: 'POST', path: ['users', 'user', 'photos'], body: UPLOAD_BODY as ObjectSchema },
  { method: 'PUT', path: ['users', 'user', 'following', 'user'] },
  { method: 'DELETE', path: ['users', 'user', 'following', 'user'] },
  { method: 'GET', path: ['users', 'user', 'feed'], query: ['offset', 'limit'] },
  { method: 'GET', path: ['users', 'user', 'activity'], query: ['offset', 'limit'] },
  { method: 'GET', path: ['photos', 'photo'] },
  { method: 'PUT', path: ['photos', 'photo', 'likes', 'user'] },
  { method: 'DELETE', path: ['photos', 'photo', 'likes', 'user'] },
  { method: 'POST', path: ['photos', 'photo', 'comments'], body: COMMENT_BODY as ObjectSchema },
];

// ---- text -------------------------------------------------------------------------------------

/** Characters a well-formed text field may hold, the awkward ones over-represented. */
const goodChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('"', '\\', "'", '\t', '\n', '\r', '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\u{10ffff}', '😀', '👩‍👩‍👧', 'e\u0301', '\u202e', '%', '$', '{', '}', '\u007f', '\u0085') },
);
/** Characters no text field accepts: lone surrogates, NUL and other controls. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const control = fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 9 && c !== 10 && c !== 13).map((c) => String.fromCharCode(c));

const goodText = (min: number, max: number) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.string({ unit: goodChar, minLength: min, maxLength: Math.min(max, 40) }) },
    { weight: 1, arbitrary: fc.string({ unit: goodChar, minLength: max, maxLength: max }) },
  );

const hostileText = (min: number, max: number) => {
  const around = (bad: fc.Arbitrary<string>) => fc.tuple(goodText(0, 10), fc.string({ unit: bad, minLength: 1, maxLength: 3 }), goodText(0, 10)).map(([a, b, c]) => a + b + c);
  return fc.oneof(
    { weight: 3, arbitrary: around(loneSurrogate) },
    { weight: 1, arbitrary: around(control) },
    { weight: 1, arbitrary: fc.string({ unit: goodChar, minLength: max + 1, maxLength: max + 3 }) },
    { weight: 1, arbitrary: fc.constant(min > 0 ? '' : '\ud800') },
  );
};

const segment = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
const objectKeyText = fc.oneof(
  { weight: 6, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/')) },
  { weight: 2, arbitrary: fc.constantFrom('../../x/secret.jpg', '/etc/passwd', 'a/../b', 'a//b', './a', 'a/.', '..', '.', 'a/b/', 'a\\b', 'a b', '%2e%2e/x', 'k'.repeat(513), 'k'.repeat(512)) },
  { weight: 1, arbitrary: fc.array(fc.oneof(segment, fc.constantFrom('.', '..', '', '~', '*')), { minLength: 1, maxLength: 5 }).map((s) => s.join('/')) },
);

function goodString(s: StringSchema): fc.Arbitrary<string> {
  if (s.format === 'object-key') return objectKeyText;
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= s.minLength && v.length <= s.maxLength);
  return goodText(s.minLength, s.maxLength);
}

const wrongType: fc.Arbitrary<unknown> = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));

const fieldValue = (s: StringSchema): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 8, arbitrary: goodString(s) }, { weight: 2, arbitrary: hostileText(s.minLength, s.maxLength) }, { weight: 1, arbitrary: wrongType });

/** An object built from the schema: each field present or not, any of them hostile, sometimes an extra key. */
function bodyObject(schema: ObjectSchema): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(schema.properties).map(([name, s]) =>
    fc.option(fieldValue(s), { freq: schema.required.includes(name) ? 12 : 2, nil: undefined }).map((v) => [name, v] as const),
  );
  const extra = fc.option(fc.tuple(fc.constantFrom('admin', '__proto__', 'constructor', 'id', ''), fc.jsonValue()), { freq: 8, nil: undefined });
  return fc.tuple(fc.tuple(...fields), extra).map(([pairs, more]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of pairs) if (v !== undefined) out[k] = v;
    if (more) Object.defineProperty(out, more[0], { value: more[1], enumerable: true, writable: true, configurable: true });
    return out;
  });
}

const rawJsonish = fc.oneof(
  fc.constantFrom('', '{', '{"text":', 'null', '[]', '"x"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\ufeff{}', '{"text":"\\ud800"}', '{"text":"\\u0000"}', '{"a":1,"a":2}', '1e999999'),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

function bodyArb(schema: ObjectSchema | undefined): fc.Arbitrary<BodyRef> {
  const json = (v: fc.Arbitrary<unknown>) => v.map((value): BodyRef => ({ kind: 'json', value }));
  return fc.oneof(
    { weight: schema ? 1 : 6, arbitrary: fc.constant<BodyRef>({ kind: 'none' }) },
    { weight: schema ? 10 : 1, arbitrary: json(schema ? bodyObject(schema) : fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 })) },
    { weight: 1, arbitrary: json(fc.jsonValue({ maxDepth: 2 })) },
    { weight: 1, arbitrary: rawJsonish.map((s): BodyRef => ({ kind: 'raw', bytes: new TextEncoder().encode(s) })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): BodyRef => ({ kind: 'raw', bytes })) },
  );
}

// ---- ids, query, headers ----------------------------------------------------------------------

const rawId = fc.oneof(
  fc.constantFrom('0', '-1', '1', '01', '1.5', '1e5', '9223372036854775807', '9223372036854775808', '%00', '%E0%A4%A', '%F0%9F%98%80', '..', '%2e%2e', '%2F', '%20', '9'.repeat(201), 'abc'),
  fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }).map(String),
  fc.bigInt({ min: 1n, max: 1n << 70n }).map(String),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map(encodeURIComponent),
);

const idRef = (kind: 'user' | 'photo', world: FuzzWorld): fc.Arbitrary<IdRef> =>
  fc.oneof(
    { weight: kind === 'user' ? 5 : 0, arbitrary: fc.constant<IdRef>({ kind: 'self' }) },
    { weight: 4, arbitrary: fc.nat(world.userIds.length - 1).map((i): IdRef => ({ kind: 'user', i })) },
    { weight: kind === 'photo' ? 6 : 1, arbitrary: fc.nat(world.photoIds.length - 1).map((i): IdRef => ({ kind: 'photo', i })) },
    { weight: 2, arbitrary: rawId.map((text): IdRef => ({ kind: 'raw', text })) },
  );

const queryValue = fc.oneof(
  fc.integer({ min: -2, max: 120 }).map(String),
  fc.constantFrom('', 'abc', '1e3', '0x10', '99999999999', '%00', '1%202', '9223372036854775807', '-0', '+1'),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map(encodeURIComponent),
);

function queryArb(names: readonly string[] | undefined): fc.Arbitrary<string> {
  const name = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...(names?.length ? names : ['limit'])) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{1,6}$/) });
  const pair = fc.tuple(name, fc.option(queryValue, { nil: undefined })).map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 4, arbitrary: fc.array(pair, { minLength: 1, maxLength: 3 }).map((ps) => `?${ps.join('&')}`) },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?limit=%ZZ', '?limit[]=1', '?limit[a]=1', '?__proto__=1') },
  );
}

const tokenArb: fc.Arbitrary<TokenRef> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<TokenRef>('none') },
  { weight: 10, arbitrary: fc.constant<TokenRef>('valid') },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Basic dXNlcjpwYXNz', 'Bearer ' + 'A'.repeat(32), 'Bearer ' + 'A'.repeat(300), 'Bearer a b c', 'Bearer \t'),
        fc.stringMatching(/^Bearer [ -~]{0,40}$/),
        fc.stringMatching(/^[ -~]{0,40}$/),
      )
      .map((raw): TokenRef => ({ raw })),
  },
);

const contentTypeArb = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom(
        'application/json; charset=utf-8',
        'application/json; charset=UTF-8',
        'application/json;charset="utf-8"',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'application/json; charset=',
        'APPLICATION/JSON',
        'application/jsonx',
        'application/json-patch+json',
        'application/vnd.api+json',
        'text/plain',
        'text/plain; charset=utf-8',
        'text/json',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        '*/*',
        '',
        ';',
      ),
      fc.stringMatching(/^[ -~]{0,30}$/),
    ),
  },
);

const methodArb = (route: Route) =>
  fc.oneof({ weight: 12, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS') });

/** Small mutations of a well-formed path: trailing slash, doubled slash, dot segment, case. */
const MUTATIONS = {
  none: (p: string) => p,
  trailingSlash: (p: string) => p + '/',
  doubleSlash: (p: string) => p.replace('/', '//'),
  dotDot: (p: string) => p + '/..',
  encodedSlash: (p: string) => p + '%2F',
  upperCase: (p: string) => p.toUpperCase(),
} as const;
type Mutation = keyof typeof MUTATIONS;
const mutationArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Mutation>('none') },
  { weight: 1, arbitrary: fc.constantFrom<Mutation>('trailingSlash', 'doubleSlash', 'dotDot', 'encodedSlash', 'upperCase') },
);

// ---- requests ---------------------------------------------------------------------------------

export interface FuzzCase {
  route: Route;
  method: string;
  actor: number;
  ids: IdRef[];
  query: string;
  token: TokenRef;
  contentType: string | undefined;
  body: BodyRef;
  mutation: Mutation;
}

/** Mostly the good value, sometimes anything: about a quarter of all cases are wholly well-formed. */
const mostly = <T>(good: fc.Arbitrary<T>, any: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: any });

const goodQuery = (names: readonly string[] | undefined) =>
  fc.subarray([...(names ?? [])]).chain((ns) => fc.tuple(...ns.map((n) => fc.integer({ min: 1, max: 100 }).map((v) => `${n}=${n === 'before' ? '9'.repeat(18) : v}`)))).map((ps) => (ps.length ? `?${ps.join('&')}` : ''));

const goodFields = (schema: ObjectSchema) =>
  fc.record(Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, goodString(v)])), { requiredKeys: schema.required });

const goodBody = (schema: ObjectSchema | undefined): fc.Arbitrary<BodyRef> =>
  schema ? goodFields(schema).map((value): BodyRef => ({ kind: 'json', value })) : fc.constant<BodyRef>({ kind: 'none' });

/** A good body but for one field: hostile text (lone surrogates most often), or a wrong type. */
const oneBadField = (schema: ObjectSchema): fc.Arbitrary<BodyRef> =>
  fc
    .tuple(goodFields(schema), fc.constantFrom(...Object.entries(schema.properties)).chain(([k, v]) => fc.oneof({ weight: 4, arbitrary: hostileText(v.minLength, v.maxLength) }, { weight: 1, arbitrary: wrongType }).map((bad) => [k, bad] as const)))
    .map(([good, [k, bad]]): BodyRef => ({ kind: 'json', value: { ...good, [k]: bad } }));

const someBody = (schema: ObjectSchema | undefined): fc.Arbitrary<BodyRef> =>
  schema
    ? fc.oneof({ weight: 8, arbitrary: goodBody(schema) }, { weight: 4, arbitrary: oneBadField(schema) }, { weight: 2, arbitrary: bodyArb(schema) })
    : mostly(goodBody(schema), bodyArb(schema));

const goodId = (kind: 'user' | 'photo', world: FuzzWorld): fc.Arbitrary<IdRef> =>
  kind === 'photo'
    ? fc.nat(world.photoIds.length - 1).map((i): IdRef => ({ kind: 'photo', i }))
    : fc.oneof({ weight: 3, arbitrary: fc.constant<IdRef>({ kind: 'self' }) }, { weight: 1, arbitrary: fc.nat(world.userIds.length - 1).map((i): IdRef => ({ kind: 'user', i })) });

export function fuzzCase(world: FuzzWorld): fc.Arbitrary<FuzzCase> {
  return fc.constantFrom(...ROUTES).chain((route) => {
    const endsSession = route.path.join('/') === 'sessions/current';
    return fc.record({
      route: fc.constant(route),
      method: mostly(fc.constant(route.method), methodArb(route)),
      actor: fc.nat(Math.min(world.userIds.length, 50) - 1),
      ids: fc.tuple(...route.path.filter(isIdPart).map((k) => mostly(goodId(k, world), idRef(k, world)))),
      query: mostly(goodQuery(route.query), queryArb(route.query)),
      token: mostly(fc.constant<TokenRef>(endsSession ? 'fresh' : 'valid'), endsSession ? tokenArb.map((t) => (t === 'valid' ? 'fresh' : t)) : tokenArb),
      contentType: mostly(fc.constant('application/json'), contentTypeArb),
      body: someBody(route.body),
      mutation: mostly(fc.constant<Mutation>('none'), mutationArb),
    });
  });
}

export interface BuiltRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** A throwaway session to create before sending (DELETE /sessions/current ends the session it names). */
  freshSession?: { token: string; userId: string };
}

function idText(ref: IdRef, world: FuzzWorld, actorId: string): string {
  if (ref.kind === 'self') return actorId;
  if (ref.kind === 'raw') return ref.text;
  return ref.kind === 'user' ? world.userIds[ref.i]! : world.photoIds[ref.i]!;
}

export function buildRequest(c: FuzzCase, world: FuzzWorld, freshToken: string): BuiltRequest {
  const actorId = world.userIds[c.actor]!;
  const ids = [...c.ids];
  const path = '/' + c.route.path.map((p) => (isIdPart(p) ? idText(ids.shift()!, world, actorId) : p)).join('/');
  const headers: Record<string, string> = {};
  let freshSession: BuiltRequest['freshSession'];
  if (c.token === 'valid') headers.authorization = `Bearer ${world.tokenOf(actorId)}`;
  else if (c.token === 'fresh') {
    headers.authorization = `Bearer ${freshToken}`;
    freshSession = { token: freshToken, userId: actorId };
  } else if (c.token !== 'none') headers.authorization = c.token.raw;
  let body: Uint8Array | undefined;
  if (c.body.kind === 'json') body = new TextEncoder().encode(JSON.stringify(c.body.value) ?? 'null');
  else if (c.body.kind === 'raw') body = c.body.bytes;
  if (body !== undefined && c.contentType !== undefined) headers['content-type'] = c.contentType;
  return { method: c.method, path: MUTATIONS[c.mutation](path) + c.query, headers, body, freshSession };
}
