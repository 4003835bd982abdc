import type { OperationSpec, SingleStreamScenario } from './types.ts';

const writer = { kind: 'uniform', population: 'users' } as const;

/**
 * Users read right after their own writes, on the replicas tier, where reads go to replicas that
 * may lag. A comment is followed 20 ms later by a read of its photo page (cached in Memcached), an
 * upload by a read of the uploader's grid (read from a node): each read must show the write
 * (`expect`), else it counts in counts.expectFailed, the share of reads that missed the user's own
 * write. With writer-pinned read-your-writes (the default) a session that wrote reads from the
 * primary; read-after-write-control runs the same with it off. The checks after the trial count
 * stale pages written back into the cache. Replication is paused for 10 s of the window: on a
 * healthy loopback stack the replicas replay within a millisecond, so without a pause even the
 * control never misses (measured: 0 of 778 own reads), and the scenario would show nothing.
 */
const operations: OperationSpec[] = [
  { name: 'comment', weight: 3, method: 'POST', path: '/photos/{key}/comments', key: { kind: 'zipf', population: 'photos', theta: 0.99 }, actor: writer, body: { text: 'raw {seq} by {actor}' }, then: [{ operation: 'readOwnComment', delayMs: 20 }] },
  { name: 'readOwnComment', weight: 0, method: 'GET', path: '/photos/{key}', expect: { bodyIncludes: 'raw {seq} by {actor}' } },
  { name: 'upload', weight: 1, method: 'POST', path: '/users/{actor}/photos', actor: writer, body: { objectKey: 'raw/{actor}/{seq}.jpg' }, capture: { photoId: 'photo.id' }, then: [{ operation: 'readOwnGrid', delayMs: 20 }] },
  { name: 'readOwnGrid', weight: 0, method: 'GET', path: '/users/{actor}/photos?limit=5', expect: { bodyIncludes: '{photoId}' } },
  // Other users' reads keep the replicas and the cache busy.
  { name: 'photo', weight: 16, method: 'GET', path: '/photos/{key}', key: { kind: 'zipf', population: 'photos', theta: 0.99 }, actor: { kind: 'zipf', population: 'users', theta: 0.99 } },
];

export const readAfterWrite: SingleStreamScenario = {
  name: 'read-after-write',
  description: 'replicas tier: comments and uploads each followed 20 ms later by a read of the user\'s own write, with writer-pinned read-your-writes, replication paused for 10 s of the window; stale reads and stale cache fills counted',
  tiers: ['replicas'],
  operations,
  executor: { kind: 'constant-arrival-rate', rate: 200, durationSec: 20, warmupSec: 5, connections: 32, maxInFlight: 10_000, timeoutMs: 2000 },
  actions: [{ atSec: 5, do: 'pause-replication', forSec: 10 }],
  thresholds: ['errors.rate < 1%'],
};

/** The same with read-your-writes off: the control, where the writer's reads go to lagging replicas. */
export const readAfterWriteControl: SingleStreamScenario = {
  ...readAfterWrite,
  name: 'read-after-write-control',
  description: 'read-after-write with read-your-writes off (the control): the writer\'s reads go to the replicas like anyone\'s',
  app: { readYourWrites: 'none' },
};
