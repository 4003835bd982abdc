import type { Scenario } from './types.ts';

const active = { kind: 'zipf', population: 'users', theta: 0.99 } as const;
const anyone = { kind: 'uniform', population: 'users' } as const;
const popularPhoto = { kind: 'zipf', population: 'photos', theta: 0.99 } as const;
const recentPhoto = { kind: 'latest', population: 'photos', theta: 0.9 } as const;

/**
 * The mix of a day (INSTAGRAM.md): about 100 reads per write. Reads: home feed, photo page,
 * profile, photo grid, activity feed. Writes: likes (and some unlikes), comments, follows and
 * unfollows, uploads and sign-ups with a sign-in after them, uploads to likes in Instagram's 2011
 * proportion (25 photos/s to 90 likes/s). Weights are per 1,000 requests.
 */
export const instagramDay: Scenario = {
  name: 'instagram-day',
  description: 'a day of use, ~110 reads per write: feed, photo, profile, grid, activity; likes, comments, follows, uploads (25 per 90 likes) and sign-ups with a sign-in',
  operations: [
    { name: 'feed', weight: 500, method: 'GET', path: '/users/{actor}/feed?limit=20', actor: active },
    { name: 'photo', weight: 300, method: 'GET', path: '/photos/{key}', key: popularPhoto, actor: active },
    { name: 'profile', weight: 80, method: 'GET', path: '/users/{key}', key: active, actor: active },
    { name: 'grid', weight: 80, method: 'GET', path: '/users/{key}/photos?limit=12', key: active, actor: active },
    { name: 'activity', weight: 30, method: 'GET', path: '/users/{actor}/activity?limit=20', actor: active },
    { name: 'like', weight: 3.6, method: 'PUT', path: '/photos/{key}/likes/{actor}', key: recentPhoto, actor: active },
    { name: 'unlike', weight: 0.4, method: 'DELETE', path: '/photos/{key}/likes/{actor}', key: recentPhoto, actor: active },
    { name: 'comment', weight: 1.5, method: 'POST', path: '/photos/{key}/comments', key: recentPhoto, actor: active, body: { text: 'nice shot #{seq}' } },
    { name: 'follow', weight: 1.5, method: 'PUT', path: '/users/{actor}/following/{key}', key: active, actor: anyone, okStatuses: [200, 400] },
    { name: 'unfollow', weight: 0.5, method: 'DELETE', path: '/users/{actor}/following/{key}', key: active, actor: anyone, okStatuses: [200, 400] },
    { name: 'upload', weight: 1, method: 'POST', path: '/users/{actor}/photos', actor: active, body: { objectKey: 'day/{actor}/{seq}.jpg', caption: 'today #{seq}' } },
    // A sign-up is a new username; on a kept stack an earlier run may have taken it (409 is fine).
    { name: 'signUp', weight: 0.3, method: 'POST', path: '/users', body: { username: 'day.{seq}', password: 'correct horse battery' }, okStatuses: [201, 409], then: [{ operation: 'signIn', delayMs: 100 }] },
    { name: 'signIn', weight: 0, method: 'POST', path: '/sessions', body: { username: 'day.{seq}', password: 'correct horse battery' } },
  ],
  executor: { kind: 'constant-arrival-rate', rate: 300, durationSec: 30, warmupSec: 10, connections: 32, maxInFlight: 10_000, timeoutMs: 2000 },
  thresholds: ['errors.rate < 1%'],
};
