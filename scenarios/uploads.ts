import type { Scenario } from './types.ts';

/**
 * Uploads with fan-out on write: the photo row is written on the owner's shard, then a job pushes
 * its id onto every follower's feed in chunks of 10,000 (INSTAGRAM.md). Most uploads are by
 * ordinary users; a celebrity (followed by a large share of all users) posts every few seconds.
 * Posting must not wait for the fan-out; the trial measures the fan-out lag (upload to last
 * follower's feed), the queue depth over time, and checks every upload reached every built feed.
 */
export const uploads: Scenario = {
  name: 'uploads',
  description: 'uploads at 8/s by users drawn uniformly, plus the most-followed user posting every 10 s, over feed reads; fan-out lag and queue depth measured',
  vars: { celebrity: 'the most-followed seeded user' },
  setup: [{ var: 'celebrity', pick: 'most-followed-user' }],
  streams: [
    {
      name: 'uploads',
      operations: [
        // Uniform: most uploads are by ordinary users (a few dozen followers), not by the most followed.
        { name: 'upload', weight: 1, method: 'POST', path: '/users/{actor}/photos', actor: { kind: 'uniform', population: 'users' }, body: { objectKey: 'u/{actor}/{seq}.jpg', caption: 'photo {seq}' } },
      ],
      executor: { kind: 'constant-arrival-rate', rate: 8, durationSec: 20, warmupSec: 5, connections: 8, maxInFlight: 10_000, timeoutMs: 5000 },
    },
    {
      name: 'celebrity',
      operations: [
        { name: 'celebrityUpload', weight: 1, method: 'POST', path: '/users/{actor}/photos', actor: { kind: 'fixed', value: '{celebrity}' }, body: { objectKey: 'c/{actor}/{seq}.jpg', caption: 'a celebrity post' } },
      ],
      executor: { kind: 'constant-arrival-rate', rate: 0.1, durationSec: 20, warmupSec: 0, connections: 2, maxInFlight: 100, timeoutMs: 5000 },
    },
    {
      name: 'reads',
      operations: [{ name: 'feed', weight: 1, method: 'GET', path: '/users/{actor}/feed?limit=20', actor: { kind: 'zipf', population: 'users', theta: 0.99 } }],
      executor: { kind: 'constant-arrival-rate', rate: 100, durationSec: 20, warmupSec: 5, connections: 16, maxInFlight: 10_000, timeoutMs: 2000 },
    },
  ],
  thresholds: ['errors.rate < 1%'],
};
