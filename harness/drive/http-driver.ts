import { Pool } from 'undici';
import type { Dispatcher as UndiciDispatcher } from 'undici';
import type { Transport, WireRequest } from './dispatcher.ts';
import { MAX_CAPTURE_BODY_BYTES } from './capture.ts';
import type { Outcome } from './recorder.ts';

export interface HttpTransportOptions {
  /** e.g. "http://127.0.0.1:40123"; a path prefix ("http://host/api") is prepended to every path. */
  baseUrl: string;
  connections: number;
  /** Connect timeout; request deadlines are the dispatcher's (from the intended send time). */
  connectTimeoutMs: number;
  /** Monotonic clock in microseconds. */
  clock: () => number;
}

export function classifyStatus(status: number, okStatuses?: readonly number[]): Outcome {
  const ok = okStatuses === undefined ? status >= 200 && status <= 299 : okStatuses.includes(status);
  return ok ? { kind: 'ok', status } : { kind: 'error', status };
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export function classifyError(err: unknown): Outcome {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  return typeof code === 'string' && TIMEOUT_CODES.has(code) ? { kind: 'timeout' } : { kind: 'error', status: null };
}

const ABORTED = new Error('aborted by the load generator');

/**
 * One handler per request, written as a class so the hot path allocates one object and no
 * closures beyond the two callbacks it was given.
 */
class RequestHandler implements UndiciDispatcher.DispatchHandler {
  #status = 0;
  #controller: { abort(reason: Error): void } | null = null;
  #aborted = false;
  #settled = false;
  /** The answer's chunks, kept only for a request that reads its body (null: discarded as they come). */
  #chunks: Buffer[] | null;
  #bytes = 0;
  constructor(
    private readonly okStatuses: readonly number[] | undefined,
    private readonly clock: () => number,
    private readonly onWritten: (atUs: number) => void,
    private readonly done: (outcome: Outcome, doneUs: number, body?: string) => void,
    readBody: boolean,
  ) {
    this.#chunks = readBody ? [] : null;
  }

  // undici calls this when it writes the request to a socket: the "actual send" time.
  onRequestStart(controller: { abort(reason: Error): void }): void {
    this.#controller = controller;
    if (this.#aborted) controller.abort(ABORTED);
    else this.onWritten(this.clock());
  }
  onResponseStart(_controller: unknown, statusCode: number): void {
    this.#status = statusCode;
  }
  // The body is consumed as it arrives, so the connection stays reusable; only readBody keeps it.
  onResponseData(_controller: unknown, chunk: Buffer): void {
    if (this.#chunks === null) return;
    this.#bytes += chunk.length;
    if (this.#bytes <= MAX_CAPTURE_BODY_BYTES) this.#chunks.push(chunk);
  }
  onResponseEnd(): void {
    const outcome = classifyStatus(this.#status, this.okStatuses);
    const keep = this.#chunks !== null && outcome.kind === 'ok' && this.#bytes <= MAX_CAPTURE_BODY_BYTES;
    this.#settle(outcome, keep ? Buffer.concat(this.#chunks!).toString('utf8') : undefined);
  }
  onResponseError(_controller: unknown, err: Error): void {
    this.#settle(classifyError(err));
  }
  abort(): void {
    this.#aborted = true;
    this.#settled = true;
    this.#controller?.abort(ABORTED);
  }
  #settle(outcome: Outcome, body?: string): void {
    if (this.#settled) return;
    this.#settled = true;
    this.done(outcome, this.clock(), body);
  }
}

/** HTTP/1.1 over undici's Pool: one request per connection at a time (the dispatcher limits it). */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const url = new URL(options.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`baseUrl must be an http(s) URL, got ${options.baseUrl}`);
  const prefix = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, {
    connections: options.connections,
    pipelining: 1,
    // Deadlines are the dispatcher's; undici's own timers would fire late and on their own clock.
    headersTimeout: 0,
    bodyTimeout: 0,
    connectTimeout: options.connectTimeoutMs,
  });
  return {
    send(req: WireRequest, onWritten, done) {
      const handler = new RequestHandler(req.okStatuses, options.clock, onWritten, done, req.readBody === true);
      try {
        const opts: UndiciDispatcher.DispatchOptions = { method: req.method, path: prefix + req.path };
        if (req.body !== undefined) opts.body = req.body;
        for (const _ in req.headers) {
          opts.headers = req.headers;
          break;
        }
        pool.dispatch(opts, handler);
      } catch (err) {
        done(classifyError(err), options.clock());
      }
      return () => handler.abort();
    },
    destroy: () => pool.destroy(),
  };
}
