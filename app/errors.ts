/**
 * The app's error catalogue: every error answer is `{ error: { code, message } }` with a stable
 * code, so clients and tests match on codes, not on wording.
 */
export const appErrors = {
  INVALID_ID: { status: 400, message: 'id must be a positive 64-bit decimal integer (1 to 19 digits)' },
  INVALID_BODY: { status: 400, message: 'the JSON body does not match what this route accepts' },
  INVALID_QUERY: { status: 400, message: 'a query parameter is out of range or malformed' },
  INVALID_JSON: { status: 400, message: 'the body is not valid JSON' },
  BAD_REQUEST: { status: 400, message: 'malformed request' },
  CANNOT_FOLLOW_SELF: { status: 400, message: 'a user cannot follow themselves' },
  UNAUTHENTICATED: { status: 401, message: 'a valid session token is required (Authorization: Bearer <token>)' },
  BAD_CREDENTIALS: { status: 401, message: 'unknown username or wrong password' },
  FORBIDDEN: { status: 403, message: 'a user can act only as themselves' },
  UNKNOWN_SHARD: { status: 404, message: 'no such logical shard for this id' },
  USER_NOT_FOUND: { status: 404, message: 'no user with this id' },
  PHOTO_NOT_FOUND: { status: 404, message: 'no photo with this id' },
  ROUTE_NOT_FOUND: { status: 404, message: 'no such route' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'this route does not accept that method' },
  REQUEST_TIMEOUT: { status: 408, message: 'the request did not arrive in time' },
  USERNAME_TAKEN: { status: 409, message: 'that username is taken' },
  BODY_TOO_LARGE: { status: 413, message: 'the body is larger than this route accepts' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'send JSON with content-type: application/json' },
  HEADERS_TOO_LARGE: { status: 431, message: 'the request line and headers are larger than 16 KiB' },
  BACKEND_UNAVAILABLE: { status: 503, message: 'a backing store did not answer' },
  SHARD_UNAVAILABLE: { status: 503, message: 'the PostgreSQL node holding this logical shard is not answering; other shards are served' },
  INTERNAL: { status: 500, message: 'internal error' },
} as const;

export type AppErrorCode = keyof typeof appErrors;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: AppErrorCode,
    message?: string,
  ) {
    super(message ?? appErrors[code].message);
    this.status = appErrors[code].status;
  }
}

export function errorBody(code: AppErrorCode, message?: string): { error: { code: string; message: string } } {
  return { error: { code, message: message ?? appErrors[code].message } };
}
