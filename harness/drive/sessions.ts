import { sessionToken } from '../seed/sessions.ts';

const MAX_CACHED = 1_000_000;

/**
 * Seeded users' session tokens, each computed once (an HMAC per request was a cost on the send
 * path). Bounded: past a million actors the cache starts over.
 */
export function cachedSessionTokens(datasetSeed: number): (userId: string) => string {
  const cache = new Map<string, string>();
  return (userId) => {
    let token = cache.get(userId);
    if (token === undefined) {
      if (cache.size >= MAX_CACHED) cache.clear();
      token = sessionToken(datasetSeed, userId);
      cache.set(userId, token);
    }
    return token;
  };
}
