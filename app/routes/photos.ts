import type { FastifyInstance } from 'fastify';
import { actingAs, authenticate, requireSession, sessionUser } from '../auth.ts';
import { keys } from '../keys.ts';
import { parseId } from '../schema/ids.ts';
import type { AppContext } from '../context.ts';
import { addComment } from '../services/comments.ts';
import { setLike } from '../services/likes.ts';
import { getPhoto } from '../services/photos.ts';
import { idParam, objectSchema, text } from './input.ts';

const str = { type: 'string' };
const int = { type: 'integer' };
/** Response schema: fastify serializes with fast-json-stringify instead of JSON.stringify. */
const photoPageSchema = {
  type: 'object',
  properties: {
    id: str,
    ownerId: str,
    objectKey: str,
    caption: str,
    createdAt: str,
    likeCount: int,
    commentCount: int,
    latestComments: {
      type: 'array',
      items: { type: 'object', properties: { id: str, photoId: str, userId: str, text: str, createdAt: str } },
    },
  },
};

/** Body schema, exported for the schema-driven fuzz test. */
export const COMMENT_BODY = objectSchema({ text: text(1, 2200) }, ['text']);

type LikeParams = { Params: { id: string; userId: string } };

export function photoRoutes(app: FastifyInstance, ctx: AppContext): void {
  // onRequest: a request without a session is 401 before its body is read or validated.
  const auth = { onRequest: requireSession(ctx) };

  // The hot read: the session and the like counter come back in one Redis round trip.
  app.get<{ Params: { id: string } }>('/photos/:id', { schema: { response: { 200: photoPageSchema } } }, async (req) => {
    const id = parseId(req.params.id);
    const [likeCounter] = await authenticate(ctx, req, id === null ? [] : [keys.likeCount(id)]);
    return getPhoto(ctx, idParam(req.params.id), likeCounter ?? null);
  });

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
    { ...auth, schema: { body: COMMENT_BODY } },
    async (req, reply) => reply.status(201).send(await addComment(ctx, idParam(req.params.id), sessionUser(req), req.body.text)),
  );
}
