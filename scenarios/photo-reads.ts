import type { Scenario } from './types.ts';

/** Photo page views: the read that dominates a photo app (reads outnumber writes 100:1 or more). */
export const photoReads: Scenario = {
  name: 'photo-reads',
  description: 'GET /photos/:id as a random signed-in user, Zipf(0.99) popularity over all photos, at a fixed arrival rate',
  operations: [
    {
      name: 'getPhoto',
      weight: 1,
      method: 'GET',
      path: '/photos/{key}',
      key: { kind: 'zipf', population: 'photos', theta: 0.99 },
      actor: { kind: 'uniform', population: 'users' },
    },
  ],
  executor: {
    kind: 'constant-arrival-rate',
    rate: 500,
    durationSec: 20,
    warmupSec: 5,
    connections: 16,
    maxInFlight: 10_000,
    timeoutMs: 2000,
  },
  thresholds: [],
};
