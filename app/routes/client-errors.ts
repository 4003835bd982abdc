import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { appErrors, errorBody, type AppErrorCode } from '../errors.ts';

/** Node's HTTP parser errors (before any route runs) by the catalogue code they answer with. */
const CODES: Readonly<Record<string, AppErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
};

/**
 * A request Node's HTTP parser refused (headers over 16 KiB, a malformed request line, a request
 * that never finished arriving) gets the catalogue's `{ error: { code, message } }` like every
 * other error, then the connection is closed; fastify's default answered these in a shape of its own.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code = CODES[err.code ?? ''] ?? 'BAD_REQUEST';
  const status = appErrors[code].status;
  const body = JSON.stringify(errorBody(code));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
