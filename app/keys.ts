/** Every Redis and Memcached key the app uses, in one place. */
export const keys = {
  session: (token: string) => `session:${token}`,
  /** Set for a while after a session writes: its reads go to the primary (replicas tier). */
  writePin: (token: string) => `pin:${token}`,
  /** Home feed: sorted set of photo ids scored by their millisecond (see services/feed.ts). */
  feed: (userId: bigint | string) => `feed:${userId}`,
  activity: (userId: bigint | string) => `activity:${userId}`,
  likeCount: (photoId: bigint | string) => `likes:${photoId}`,
  followerCount: (userId: bigint | string) => `followers:${userId}`,
  followingCount: (userId: bigint | string) => `following:${userId}`,
  /** Fan-outs that reached every follower: JSON {photoId, ownerId, doneAtMs}, newest first (capped). */
  fanoutDone: 'fanout:done',
  /** The version (outbox row id) of the value a counter key holds (services/counters.ts). */
  counterVersion: (counterKey: string) => `${counterKey}:v`,
  /** Memcached: a photo with its latest comments (or an invalidation marker, services/cache.ts). */
  photo: (photoId: bigint | string) => `photo:${photoId}`,
  user: (userId: bigint | string) => `user:${userId}`,
} as const;
