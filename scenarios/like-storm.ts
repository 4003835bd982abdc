import type { Scenario } from './types.ts';

/**
 * "The Justin Bieber problem" (INSTAGRAM.md): a celebrity posts a photo and it is liked at a high
 * rate, by distinct users with some repeats and unlikes, on top of the usual reads. Each like is a
 * row and a denormalized count on the photo's shard (the hot row) and a counter in Redis; the
 * checks after the trial require Redis counter = like_count = rows, and every like in the owner's
 * activity feed up to its cap.
 */
const reader = { kind: 'zipf', population: 'users', theta: 0.99 } as const;
const liker = { kind: 'uniform', population: 'users' } as const;

export const likeStorm: Scenario = {
  name: 'like-storm',
  description: "the most-followed user posts a photo, then it is liked at 180/s (with 10% unlikes and some repeats) for 15 s over a background of feed and photo reads",
  vars: { celebrity: 'the most-followed seeded user', stormPhoto: 'the photo the celebrity posts before the trial' },
  setup: [
    { var: 'celebrity', pick: 'most-followed-user' },
    { var: 'stormPhoto', request: { as: '{celebrity}', method: 'POST', path: '/users/{celebrity}/photos', body: { objectKey: 'storm/{celebrity}.jpg', caption: 'the photo everyone likes' }, capture: 'photo.id' } },
  ],
  streams: [
    {
      name: 'background',
      operations: [
        { name: 'feed', weight: 60, method: 'GET', path: '/users/{actor}/feed?limit=20', actor: reader },
        { name: 'photo', weight: 40, method: 'GET', path: '/photos/{key}', key: { kind: 'zipf', population: 'photos', theta: 0.99 }, actor: reader },
      ],
      executor: { kind: 'constant-arrival-rate', rate: 100, durationSec: 25, warmupSec: 5, connections: 16, maxInFlight: 10_000, timeoutMs: 2000 },
    },
    {
      name: 'storm',
      startSec: 5,
      operations: [
        { name: 'like', weight: 9, method: 'PUT', path: '/photos/{stormPhoto}/likes/{actor}', actor: liker },
        { name: 'unlike', weight: 1, method: 'DELETE', path: '/photos/{stormPhoto}/likes/{actor}', actor: liker },
        // Everyone who likes it looks at it: the count on the hot photo is read as it moves.
        { name: 'viewStormPhoto', weight: 3, method: 'GET', path: '/photos/{stormPhoto}', actor: liker },
      ],
      executor: { kind: 'constant-arrival-rate', rate: 260, durationSec: 15, warmupSec: 0, connections: 32, maxInFlight: 10_000, timeoutMs: 2000 },
    },
  ],
  thresholds: ['errors.rate < 1%'],
};
