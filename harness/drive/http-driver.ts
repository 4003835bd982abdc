import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { Outcome } from './recorder.ts';

export interface HttpDriverOptions {
  /** e.g. "http://127.0.0.1:40123"; a path prefix ("http://host/api") is prepended to every path. */
  baseUrl: string;
  connections: number;
  /**
   * A request whose answer is not complete timeoutMs after it was written is aborted as a timeout.
   * Also applied as undici's headersTimeout, bodyTimeout and connect timeout.
   */
  timeoutMs: number;
  /** Monotonic clock in microseconds. */
  clock: () => number;
}

export interface HttpCompletion {
  outcome: Outcome;
  /** When the request was written to a connection; null if it never was (e.g. connect failed). */
  sentUs: number | null;
  doneUs: number;
}

/** What a request carries besides method and path. */
export interface HttpRequestInit {
  /** Header names in lower case; omitted or empty => none beyond undici's own. */
  headers?: Readonly<Record<string, string>>;
  /** Sent as is (undici sets content-length). */
  body?: string;
}

export interface HttpDriver {
  request(
    method: Dispatcher.HttpMethod,
    path: string,
    okStatuses?: readonly number[],
    init?: HttpRequestInit,
  ): Promise<HttpCompletion>;
  /** Graceful: waits for outstanding requests, then closes the connections. */
  close(): Promise<void>;
  /** Aborts outstanding requests and closes the connections. */
  destroy(): Promise<void>;
}

const REQUEST_TIMEOUT_CODE = 'TIERBENCH_REQUEST_TIMEOUT';
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', REQUEST_TIMEOUT_CODE]);

class RequestTimeoutError extends Error {
  readonly code = REQUEST_TIMEOUT_CODE;
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms of sending`);
    this.name = 'RequestTimeoutError';
  }
}

export function classifyStatus(status: number, okStatuses?: readonly number[]): Outcome {
  const ok = okStatuses === undefined ? status >= 200 && status <= 299 : okStatuses.includes(status);
  return ok ? { kind: 'ok', status } : { kind: 'error', key: String(status) };
}

export function classifyError(err: unknown): Outcome {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  return typeof code === 'string' && TIMEOUT_CODES.has(code) ? { kind: 'timeout' } : { kind: 'error', key: 'network' };
}

export function createHttpDriver(options: HttpDriverOptions): HttpDriver {
  const url = new URL(options.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`baseUrl must be an http(s) URL, got ${options.baseUrl}`);
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  const { clock, timeoutMs } = options;
  const pool = new Pool(url.origin, {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: timeoutMs,
  });

  return {
    request(method, path, okStatuses, init) {
      return new Promise<HttpCompletion>((resolve) => {
        let sentUs: number | null = null;
        let status = 0;
        let settled = false;
        let timer: NodeJS.Timeout | undefined;
        const settle = (outcome: Outcome): void => {
          if (settled) return;
          settled = true;
          if (timer !== undefined) clearTimeout(timer);
          resolve({ outcome, sentUs, doneUs: clock() });
        };
        // A raw dispatch handler: onRequestStart fires when undici writes the request to a socket,
        // which is the "actual send" time (requests may first wait in the pool's queue).
        // The body is consumed by discarding chunks, so the connection stays reusable.
        const handler: Dispatcher.DispatchHandler = {
          onRequestStart(controller) {
            sentUs = clock();
            // undici's own headers/body timeouts tick every ~0.5 s and may fire up to ~1 s late;
            // this timer makes timeoutMs precise. Restarted if undici retries the request.
            if (timer !== undefined) clearTimeout(timer);
            timer = setTimeout(() => controller.abort(new RequestTimeoutError(timeoutMs)), timeoutMs);
            timer.unref();
          },
          onResponseStart(_controller, statusCode) {
            status = statusCode;
          },
          onResponseData() {},
          onResponseEnd() {
            settle(classifyStatus(status, okStatuses));
          },
          onResponseError(_controller, err) {
            settle(classifyError(err));
          },
        };
        try {
          const options: Dispatcher.DispatchOptions = { method, path: prefix + path };
          if (init?.headers !== undefined && Object.keys(init.headers).length > 0) options.headers = { ...init.headers };
          if (init?.body !== undefined) options.body = init.body;
          pool.dispatch(options, handler);
        } catch (err) {
          settle(classifyError(err));
        }
      });
    },
    close: () => pool.close(),
    destroy: () => pool.destroy(),
  };
}
