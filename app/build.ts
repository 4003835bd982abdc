import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { createMemcached } from './adapters/memcached.ts';
import type { AppConfig } from './config.ts';
import { AppError, errorBody } from './errors.ts';
import { photoRoutes } from './routes/photos.ts';
import { photoService } from './services/photos.ts';
import { createTierRouter } from './tiers/index.ts';

/** Builds the photo app for one tier; closing the instance closes every client it opened. */
export function buildApp(config: AppConfig): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    maxParamLength: 200,
    // Malformed URLs and similar framework-level rejections get the catalogue's shape too.
    frameworkErrors: (err, _req, reply) => {
      void (reply as FastifyReply).status(400).send(errorBody('BAD_REQUEST', err.message));
    },
  });
  const router = createTierRouter(config);
  const memcached = createMemcached(config.memcached);

  app.setErrorHandler((thrown, _req, reply) => {
    const err = thrown instanceof Error ? thrown : new Error(String(thrown));
    if (err instanceof AppError) return reply.status(err.status).send(errorBody(err.code, err.message));
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500)
      return reply.status(status).send(errorBody('BAD_REQUEST', err.message));
    const code = (err as { code?: string }).code ?? '';
    if (/ECONNREFUSED|ETIMEDOUT|ECONNRESET|57P01|53300/.test(code) || /not connected|timed out/i.test(err.message))
      return reply.status(503).send(errorBody('BACKEND_UNAVAILABLE'));
    app.log.error(err);
    return reply.status(500).send(errorBody('INTERNAL'));
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send(errorBody('ROUTE_NOT_FOUND')));

  app.get('/health', async () => ({ ok: true, tier: router.name }));
  photoRoutes(app, photoService({ router, memcached, logicalShards: config.logicalShards, cacheTtlSec: config.cacheTtlSec }));

  app.addHook('onClose', async () => {
    memcached.close();
    await router.close();
  });
  return app;
}
