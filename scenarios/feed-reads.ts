import type { ConstantArrivalRate, SingleStreamScenario } from './types.ts';

/**
 * The home feed, the read Instagram's whole design served: signed-in users, drawn by Zipf (a few
 * are far more active), open their feed (hydrated from Memcached in one multi-get), a photo page
 * or a profile. Reads outnumber writes 100:1 or more (INSTAGRAM.md): this is the read side alone.
 */
export const feedReads: SingleStreamScenario & { executor: ConstantArrivalRate } = {
  name: 'feed-reads',
  description: 'home feed 80%, photo page 15%, profile 5%, as signed-in users drawn by Zipf(0.99); the feed is hydrated as part of the request',
  operations: [
    { name: 'feed', weight: 80, method: 'GET', path: '/users/{actor}/feed?limit=20', actor: { kind: 'zipf', population: 'users', theta: 0.99 } },
    { name: 'photo', weight: 15, method: 'GET', path: '/photos/{key}', key: { kind: 'zipf', population: 'photos', theta: 0.99 }, actor: { kind: 'zipf', population: 'users', theta: 0.99 } },
    { name: 'profile', weight: 5, method: 'GET', path: '/users/{key}', key: { kind: 'zipf', population: 'users', theta: 0.99 }, actor: { kind: 'zipf', population: 'users', theta: 0.99 } },
  ],
  executor: { kind: 'constant-arrival-rate', rate: 200, durationSec: 20, warmupSec: 10, connections: 32, maxInFlight: 10_000, timeoutMs: 2000 },
  thresholds: ['errors.rate < 1%', 'feed.p99 < 2s'],
};
