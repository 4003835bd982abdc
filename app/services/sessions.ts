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

export async function resolveSession(ctx: AppContext, token: string): Promise<bigint | null> {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) return null;
  const userId = await ctx.redis.get(keys.session(token));
  return userId ? BigInt(userId) : null;
}

export async function deleteSession(ctx: AppContext, token: string): Promise<void> {
  await ctx.redis.del(keys.session(token));
}
