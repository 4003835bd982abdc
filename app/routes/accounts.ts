import type { FastifyInstance } from 'fastify';
import { requireSession, sessionUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { deleteSession } from '../services/sessions.ts';
import { logIn, signUp } from '../services/users.ts';
import { objectSchema, text } from './input.ts';

const USERNAME = text(3, 30, '^[A-Za-z0-9._]+$');
const PASSWORD = text(8, 128);
/** Body schemas, exported for the schema-driven fuzz test. */
export const SIGN_UP_BODY = objectSchema({ username: USERNAME, password: PASSWORD, fullName: text(0, 100), bio: text(0, 150) }, ['username', 'password']);
export const LOG_IN_BODY = objectSchema({ username: text(1, 30), password: text(1, 128) }, ['username', 'password']);

export function accountRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: { username: string; password: string; fullName?: string; bio?: string } }>(
    '/users',
    { schema: { body: SIGN_UP_BODY } },
    async (req, reply) => {
      const { user, token } = await signUp(ctx, { username: req.body.username, password: req.body.password, fullName: req.body.fullName ?? '', bio: req.body.bio ?? '' });
      // The new session wrote (its user row): it reads its own writes like any writer.
      req.sessionToken = token;
      return reply.status(201).send({ user, token });
    },
  );

  app.post<{ Body: { username: string; password: string } }>(
    '/sessions',
    { schema: { body: LOG_IN_BODY } },
    async (req, reply) => reply.status(201).send(await logIn(ctx, req.body.username, req.body.password)),
  );

  app.delete('/sessions/current', { onRequest: requireSession(ctx) }, async (req, reply) => {
    sessionUser(req);
    await deleteSession(ctx, req.sessionToken!);
    return reply.status(204).send();
  });
}
