import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { createMemcached } from './adapters/memcached.ts';
import { createFanoutQueue } from './adapters/queue.ts';
import { isPgUnavailable } from './adapters/postgres.ts';
import { createRedis, isRedisUnavailable } from './adapters/redis.ts';
import { registerAuth } from './auth.ts';
import type { AppConfig } from './config.ts';
import type { AppContext } from './context.ts';
import { AppError, errorBody, type AppErrorCode } from './errors.ts';
import { accountRoutes } from './routes/accounts.ts';
import { stringFormats } from './routes/formats.ts';
import { acceptJsonOnly } from './routes/json-body.ts';
import { answerClientError } from './routes/client-errors.ts';
import { photoRoutes } from './routes/photos.ts';
import { userRoutes } from './routes/users.ts';
import { createTierRouter } from './tiers/index.ts';
import { requestContext } from './request-context.ts';
import { applyEffect } from './services/effects.ts';
import { createOutboxState } from './services/outbox.ts';
import { startOutboxSweeper } from './services/outbox-sweeper.ts';
import { pinToPrimary } from './services/sessions.ts';

/** Connects the tier's stores; closing the context closes every client. */
export function createContext(config: AppConfig): AppContext & { close(): Promise<void> } {
  const router = createTierRouter(config);
  const redis = createRedis(config.redis, config.redisTimeoutMs, { failWhileLoading: true });
  const memcached = createMemcached(config.memcached, config.cacheTimeoutMs);
  const queue = createFanoutQueue(config.redis);
  return {
    config,
    router,
    redis,
    memcached,
    queue,
    outbox: createOutboxState(applyEffect),
    async close() {
      memcached.close();
      await queue.close().catch(() => {});
      redis.disconnect();
      await router.close();
    },
  };
}

const FRAMEWORK_CODES: Record<string, AppErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
};

/** Maps anything thrown in a request to the catalogue: 4xx for the client's mistakes, never a 5xx. */
function toAppError(thrown: unknown): AppError | null {
  if (thrown instanceof AppError) return thrown;
  const err = thrown as Partial<FastifyError> & Error;
  if (err.validation) return new AppError(err.validationContext === 'body' ? 'INVALID_BODY' : 'BAD_REQUEST', err.message);
  const mapped = err.code ? FRAMEWORK_CODES[err.code] : undefined;
  if (mapped) return new AppError(mapped);
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) return new AppError('INVALID_JSON');
  if (err.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (err.statusCode === 413) return new AppError('BODY_TOO_LARGE');
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return new AppError('BAD_REQUEST', err.message);
  if (isPgUnavailable(thrown) || isRedisUnavailable(thrown)) return new AppError('BACKEND_UNAVAILABLE');
  return null;
}

/** Builds the photo app for one tier. */
export function buildApp(config: AppConfig, ctx: AppContext & { close(): Promise<void> } = createContext(config)): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 16 * 1024,
    maxParamLength: 200,
    // Bodies must have the declared types: "wrong types" are 400s, not silently coerced.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, formats: stringFormats } },
    clientErrorHandler: answerClientError,
    frameworkErrors: (err, _req, reply) => {
      void (reply as FastifyReply).status(400).send(errorBody('BAD_REQUEST', err.message));
    },
  });
  registerAuth(app);
  acceptJsonOnly(app);
  if (ctx.router.pinsWriters) {
    // Read-your-writes: each request runs in its own context, which the router reads deep in
    // services; a session that wrote reads from the primary for a while (set before the answer
    // leaves). Tiers that do not pin writers (routing by shard alone, or replicas with
    // readYourWritesMs 0, the control of the read-after-write scenario) pay for none of this.
    app.addHook('onRequest', (_req, _reply, done) => requestContext.run({ readFromPrimary: false }, done));
    app.addHook('onSend', async (req, reply, payload) => {
      if (req.method !== 'GET' && req.sessionToken && reply.statusCode < 400) await pinToPrimary(ctx, req.sessionToken);
      return payload;
    });
  }

  app.setErrorHandler((thrown, _req, reply) => {
    const known = toAppError(thrown);
    if (known) return reply.status(known.status).send(errorBody(known.code, known.message));
    process.stderr.write(`internal error: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}\n`);
    return reply.status(500).send(errorBody('INTERNAL'));
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send(errorBody('ROUTE_NOT_FOUND')));

  // `down`: PostgreSQL nodes this process is not sending to now (a replica or shard that failed).
  app.get('/health', async () => ({ ok: true, tier: ctx.router.name, pid: process.pid, down: ctx.router.downNodes() }));
  accountRoutes(app, ctx);
  userRoutes(app, ctx);
  photoRoutes(app, ctx);

  // Effects that failed after their commit are run again from here (services/outbox.ts).
  const sweeper = startOutboxSweeper(ctx);
  app.addHook('onClose', async () => {
    await sweeper.stop();
    await ctx.close();
  });
  return app;
}
