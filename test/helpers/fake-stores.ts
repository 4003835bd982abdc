import type { AppConfig } from '../../app/config.ts';
import { APP_DEFAULTS } from '../../app/config.ts';
import type { AppContext } from '../../app/context.ts';
import { keys } from '../../app/keys.ts';
import { makeId } from '../../app/schema/ids.ts';
import { createOutboxState } from '../../app/services/outbox.ts';

/** A session token the fake Redis knows, and its user. */
export const FAKE_TOKEN = 'fake-session-token-0123456789';
export const FAKE_USER_ID = makeId(1_000_000n, 3, 1).toString();

/** Any call a validation path should never make: a test hitting it sees a 500 and fails. */
function untouchable(store: string): never {
  throw new Error(`fake ${store}: the request reached the store (input validation should have answered first)`);
}

/**
 * An app context whose stores hold one session and nothing else. For tests of what the app answers
 * before it needs data: malformed input, authentication, routing. Anything deeper throws. Its
 * router pins no writers: a write's pin would reach the fake Redis, which throws.
 */
export function fakeContext(tier = 'cache'): AppContext & { close(): Promise<void> } {
  const config: AppConfig = {
    ...APP_DEFAULTS,
    tier,
    host: '127.0.0.1',
    port: 0,
    postgres: { primaries: ['postgres://fake'] },
    redis: 'redis://fake',
    memcached: 'fake:0',
    logicalShards: 16,
  };
  const redis = {
    mget: async (...names: string[]) => names.map((k) => (k === keys.session(FAKE_TOKEN) ? FAKE_USER_ID : null)),
  };
  const deny = (store: string) => new Proxy({}, { get: (_t, prop) => (prop === 'then' ? undefined : () => untouchable(store)) });
  return {
    config,
    router: { name: tier, pinsWriters: false, readPool: () => untouchable('postgres'), writePool: () => untouchable('postgres'), writeNode: () => 0, downNodes: () => [], pools: () => [], close: async () => {} },
    redis: new Proxy(redis, { get: (t, prop) => (prop in t ? t[prop as keyof typeof t] : prop === 'then' ? undefined : () => untouchable('redis')) }) as unknown as AppContext['redis'],
    memcached: deny('memcached') as AppContext['memcached'],
    queue: deny('queue') as AppContext['queue'],
    outbox: createOutboxState(async () => untouchable('outbox')),
    close: async () => {},
  };
}
