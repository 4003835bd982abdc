import { AppError } from '../errors.ts';
import { parseId } from '../schema/ids.ts';

/** Path and query values are parsed here (bodies by JSON schema), each failure with a stable code. */

export function idParam(value: string | undefined): bigint {
  const id = value === undefined ? null : parseId(value);
  if (id === null) throw new AppError('INVALID_ID');
  return id;
}

export function intQuery(query: Record<string, unknown>, name: string, min: number, max: number, fallback: number): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) throw new AppError('INVALID_QUERY', `${name} must be an integer from ${min} to ${max}`);
  const n = Number(raw);
  if (n < min || n > max) throw new AppError('INVALID_QUERY', `${name} must be an integer from ${min} to ${max}`);
  return n;
}

export function idQuery(query: Record<string, unknown>, name: string): bigint | null {
  const raw = query[name];
  if (raw === undefined) return null;
  const id = typeof raw === 'string' ? parseId(raw) : null;
  if (id === null) throw new AppError('INVALID_QUERY', `${name} must be a positive 64-bit decimal id`);
  return id;
}

/** JSON schema for a string field: bounded length, well-formed Unicode without control characters (formats.ts). */
export const text = (minLength: number, maxLength: number, pattern?: string) => ({
  type: 'string',
  minLength,
  maxLength,
  format: 'text',
  ...(pattern ? { pattern } : {}),
});

/** A blob-store object key (formats.ts: relative, safe characters, no dot segments). */
export const objectKey = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, format: 'object-key' });

export const objectSchema = (properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});
