import type { FastifyInstance } from 'fastify';
import { actingAs, requireSession } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { readActivity } from '../services/activity.ts';
import { readFeed } from '../services/feed.ts';
import { setFollow } from '../services/follows.ts';
import { photoGrid, uploadPhoto } from '../services/photos.ts';
import { getProfile } from '../services/users.ts';
import { idParam, idQuery, intQuery, objectKey, objectSchema, text } from './input.ts';

type UserParams = { Params: { id: string }; Querystring: Record<string, unknown> };
/** Body schema, exported for the schema-driven fuzz test. */
export const UPLOAD_BODY = objectSchema({ objectKey: objectKey(512), caption: text(0, 2200) }, ['objectKey']);

type FollowParams = { Params: { id: string; targetId: string } };

export function userRoutes(app: FastifyInstance, ctx: AppContext): void {
  // onRequest: a request without a session is 401 before its body is read or validated.
  const auth = { onRequest: requireSession(ctx) };

  app.get<UserParams>('/users/:id', auth, async (req) => getProfile(ctx, idParam(req.params.id)));

  app.get<UserParams>('/users/:id/photos', auth, async (req) =>
    photoGrid(ctx, idParam(req.params.id), idQuery(req.query, 'before'), intQuery(req.query, 'limit', 1, 100, 20)),
  );

  app.post<UserParams & { Body: { objectKey: string; caption?: string } }>(
    '/users/:id/photos',
    { ...auth, schema: { body: UPLOAD_BODY } },
    async (req, reply) => {
      const owner = actingAs(req, idParam(req.params.id));
      return reply.status(201).send(await uploadPhoto(ctx, owner, req.body.objectKey, req.body.caption ?? ''));
    },
  );

  for (const [method, follow] of [['PUT', true], ['DELETE', false]] as const) {
    app.route<FollowParams>({
      method,
      url: '/users/:id/following/:targetId',
      ...auth,
      handler: async (req) => {
        const me = actingAs(req, idParam(req.params.id));
        const { changed } = await setFollow(ctx, me, idParam(req.params.targetId), follow);
        return { following: follow, changed };
      },
    });
  }

  app.get<UserParams>('/users/:id/feed', auth, async (req) => {
    const me = actingAs(req, idParam(req.params.id));
    const { photos, next } = await readFeed(ctx, me, intQuery(req.query, 'offset', 0, ctx.config.feedCap, 0), intQuery(req.query, 'limit', 1, 100, 20));
    return { photos, next };
  });

  app.get<UserParams>('/users/:id/activity', auth, async (req) => {
    const me = actingAs(req, idParam(req.params.id));
    return { items: await readActivity(ctx, me, intQuery(req.query, 'offset', 0, 1000, 0), intQuery(req.query, 'limit', 1, 100, 20)) };
  });
}
