import type { FastifyInstance } from 'fastify';
import { actingAs, requireSession, sessionUser } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { addComment } from '../services/comments.ts';
import { setLike } from '../services/likes.ts';
import { getPhoto } from '../services/photos.ts';
import { idParam, objectSchema, text } from './input.ts';

type LikeParams = { Params: { id: string; userId: string } };

export function photoRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = { preHandler: requireSession(ctx) };

  app.get<{ Params: { id: string } }>('/photos/:id', auth, async (req) => getPhoto(ctx, idParam(req.params.id)));

  for (const [method, liked] of [['PUT', true], ['DELETE', false]] as const) {
    app.route<LikeParams>({
      method,
      url: '/photos/:id/likes/:userId',
      ...auth,
      handler: async (req) => {
        const photoId = idParam(req.params.id);
        const me = actingAs(req, idParam(req.params.userId));
        const { changed } = await setLike(ctx, photoId, me, liked);
        return { liked, changed };
      },
    });
  }

  app.post<{ Params: { id: string }; Body: { text: string } }>(
    '/photos/:id/comments',
    { ...auth, schema: { body: objectSchema({ text: text(1, 2200) }, ['text']) } },
    async (req, reply) => reply.status(201).send(await addComment(ctx, idParam(req.params.id), sessionUser(req), req.body.text)),
  );
}
