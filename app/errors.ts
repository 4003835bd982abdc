/**
 * The app's error catalogue: every error answer is `{ error: { code, message } }` with a stable
 * code, so clients and tests match on codes, not on wording.
 */
export const appErrors = {
  INVALID_ID: { status: 400, message: 'id must be a positive 64-bit decimal integer (1 to 19 digits)' },
  UNKNOWN_SHARD: { status: 404, message: 'no such logical shard for this id' },
  PHOTO_NOT_FOUND: { status: 404, message: 'no photo with this id' },
  ROUTE_NOT_FOUND: { status: 404, message: 'no such route' },
  BAD_REQUEST: { status: 400, message: 'malformed request' },
  BACKEND_UNAVAILABLE: { status: 503, message: 'a backing store did not answer' },
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
