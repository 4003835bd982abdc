import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { keys } from '../keys.ts';

export const SESSION_TTL_SEC = 30 * 24 * 3600;

/** Sessions live in Redis: session:<token> → user id, with a TTL. */
export async function createSession(ctx: AppContext, userId: bigint): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await ctx.redis.set(keys.session(token), userId.toString(), 'EX', SESSION_TTL_SEC);
  return token;
}

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * The session's user, and in the same Redis round trip (one MGET) any other keys the request
 * needs, such as a like counter: the hot read path pays one Redis call, not two.
 */
export async function resolveSession(
  ctx: AppContext,
  token: string,
  alsoKeys: readonly string[] = [],
): Promise<{ userId: bigint | null; pinned: boolean; values: Array<string | null> }> {
  if (!TOKEN.test(token)) return { userId: null, pinned: false, values: alsoKeys.map(() => null) };
  // Only a tier that pins writers to the primary reads the pin key (with read-your-writes off, no request could use it).
  const pins = ctx.router.pinsWriters ? [keys.writePin(token)] : [];
  const [userId, ...rest] = await ctx.redis.mget(keys.session(token), ...pins, ...alsoKeys);
  const pinned = pins.length > 0 && rest[0] !== null;
  return { userId: userId ? BigInt(userId) : null, pinned, values: rest.slice(pins.length) };
}

/** After a write: the session's reads go to the primary for a while (read-your-writes). */
export async function pinToPrimary(ctx: AppContext, token: string): Promise<void> {
  await ctx.redis.set(keys.writePin(token), '1', 'PX', ctx.config.readYourWritesMs);
}

export async function deleteSession(ctx: AppContext, token: string): Promise<void> {
  await ctx.redis.del(keys.session(token));
}
