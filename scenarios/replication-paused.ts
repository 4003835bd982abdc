import type { OperationSpec, SingleStreamScenario } from './types.ts';

const anyone = { kind: 'uniform', population: 'users' } as const;

/**
 * replicas tier: every replica stops replaying WAL (pg_wal_replay_pause) 10 s into a 30 s window
 * for 10 s, so their lag grows by the second. Writers read their own writes right after (20 ms):
 * writer-pinned read-your-writes sends them to the primary, so they must see them (expect; a miss
 * counts in counts.expectFailed). Other users read the same things 200 ms later: an uploader's
 * photo grid (read from a replica: stale while replay is paused) and the commented photo's page
 * (through Memcached, where the comment left an invalidation marker: read from the primary, so
 * fresh). Reported: the largest lag, when the replicas had caught up after the resume, and stale
 * reads per operation (othersGrid counts what other users missed).
 */
const operations: OperationSpec[] = [
  { name: 'comment', weight: 3, method: 'POST', path: '/photos/{key}/comments', key: { kind: 'zipf', population: 'photos', theta: 0.99 }, actor: anyone, body: { text: 'note {seq} on {key}' }, then: [{ operation: 'readOwnComment', delayMs: 20 }, { operation: 'othersComment', delayMs: 200 }] },
  { name: 'readOwnComment', weight: 0, method: 'GET', path: '/photos/{key}', expect: { bodyIncludes: 'note {seq} on {key}' } },
  { name: 'othersComment', weight: 0, method: 'GET', path: '/photos/{key}', actor: anyone, expect: { bodyIncludes: 'note {seq} on {key}' } },
  { name: 'upload', weight: 1, method: 'POST', path: '/users/{actor}/photos', actor: anyone, body: { objectKey: 'paused/{actor}/{seq}.jpg' }, capture: { photoId: 'photo.id', ownerId: 'photo.ownerId' }, then: [{ operation: 'readOwnGrid', delayMs: 20 }, { operation: 'othersGrid', delayMs: 200 }] },
  { name: 'readOwnGrid', weight: 0, method: 'GET', path: '/users/{actor}/photos?limit=5', expect: { bodyIncludes: '{photoId}' } },
  { name: 'othersGrid', weight: 0, method: 'GET', path: '/users/{ownerId}/photos?limit=5', actor: anyone, expect: { bodyIncludes: '{photoId}' } },
  // Everyone else's reads keep the replicas and the cache busy.
  { name: 'photo', weight: 16, method: 'GET', path: '/photos/{key}', key: { kind: 'zipf', population: 'photos', theta: 0.99 }, actor: { kind: 'zipf', population: 'users', theta: 0.99 } },
];

export const replicationPaused: SingleStreamScenario = {
  name: 'replication-paused',
  description: 'replicas tier: replay paused on every replica 10 s into a 30 s window for 10 s; writers must read their own writes, stale reads of other users counted',
  tiers: ['replicas'],
  operations,
  executor: { kind: 'constant-arrival-rate', rate: 200, durationSec: 30, warmupSec: 5, connections: 32, maxInFlight: 10_000, timeoutMs: 2000 },
  actions: [{ atSec: 10, do: 'pause-replication', forSec: 10 }],
  thresholds: ['errors.rate < 1%'],
};
