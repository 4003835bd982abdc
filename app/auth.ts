import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from './context.ts';
import { AppError } from './errors.ts';
import { currentRequest } from './request-context.ts';
import { resolveSession } from './services/sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session's user; set by requireSession. */
    userId: bigint | null;
    sessionToken: string | null;
  }
}

export function registerAuth(app: FastifyInstance): void {
  app.decorateRequest('userId', null);
  app.decorateRequest('sessionToken', null);
}

/**
 * 401 unless `Authorization: Bearer <token>` names a live session in Redis; sets req.userId and
 * returns the values of `alsoKeys`, read in the same round trip.
 */
export async function authenticate(ctx: AppContext, req: FastifyRequest, alsoKeys: readonly string[] = []): Promise<Array<string | null>> {
  const header = req.headers.authorization;
  const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const { userId, pinned, values } = await resolveSession(ctx, token, alsoKeys);
  if (userId === null) throw new AppError('UNAUTHENTICATED');
  const rc = currentRequest();
  if (rc && pinned) rc.readFromPrimary = true;
  req.userId = userId;
  req.sessionToken = token;
  return values;
}

/** Hook form of authenticate (routes run it onRequest: before the body is parsed). */
export function requireSession(ctx: AppContext) {
  return async (req: FastifyRequest): Promise<void> => {
    await authenticate(ctx, req);
  };
}

/** The session user, who must be the user the path names (403 otherwise). */
export function actingAs(req: FastifyRequest, pathUserId: bigint): bigint {
  if (req.userId === null) throw new AppError('UNAUTHENTICATED');
  if (req.userId !== pathUserId) throw new AppError('FORBIDDEN');
  return req.userId;
}

export function sessionUser(req: FastifyRequest): bigint {
  if (req.userId === null) throw new AppError('UNAUTHENTICATED');
  return req.userId;
}
