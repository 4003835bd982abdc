import type { SingleStreamScenario } from './types.ts';

/**
 * New likes spread over every shard: the write load a shard is meant to take, as
 * `npm run perf:tiers` compares tiers on it. Each like is a random (photo, user) pair, uniform over
 * both, so nearly every one is new (the starter profile holds 200k likes of 10⁹ pairs): one
 * statement on the photo's shard inserts the row, bumps the photo's denormalized count and writes an
 * outbox row, then the Redis counter and the owner's activity follow. The photos, hence the logical
 * shards and the nodes, are hit evenly.
 */
export const newLikes: SingleStreamScenario = {
  name: 'new-likes',
  description: 'PUT /photos/:id/likes/:user, a random user liking a random photo (uniform over both): new likes spread evenly over every shard',
  operations: [
    {
      name: 'like',
      weight: 1,
      method: 'PUT',
      path: '/photos/{key}/likes/{actor}',
      key: { kind: 'uniform', population: 'photos' },
      actor: { kind: 'uniform', population: 'users' },
    },
  ],
  executor: {
    kind: 'constant-arrival-rate',
    rate: 100,
    durationSec: 20,
    warmupSec: 5,
    connections: 32,
    maxInFlight: 10_000,
    timeoutMs: 2000,
  },
  thresholds: ['errors.rate < 1%'],
};
