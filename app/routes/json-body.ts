import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/** The charset parameter of a content type, if any. */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * Bodies are JSON in UTF-8 (RFC 8259) and nothing else: any other content type is 415 (fastify
 * would otherwise parse text/plain into a string for the schema to reject as 400). The bytes are
 * checked before decoding, since decoding would silently turn invalid UTF-8 into U+FFFD; then
 * fastify's own parser runs, with its guard against __proto__ and constructor keys.
 */
export function acceptJsonOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) return done(new AppError('UNSUPPORTED_MEDIA_TYPE'), undefined);
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) return done(new AppError('INVALID_JSON', 'the body is not UTF-8 text'), undefined);
    parseJson(req, bytes.toString('utf8'), done);
  });
}
