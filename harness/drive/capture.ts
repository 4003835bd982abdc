/**
 * Values read from an answer for the follow-ups of a request: a path into its JSON body per
 * captured name, e.g. { photoId: 'photo.id' } on `{"photo":{"id":"7019..."}}`. Only requests whose
 * operation captures have their bodies read at all.
 */

/** The largest body read (captures, expectations); a larger one captures nothing (its follow-ups are skipped) and its expectation is not checked. */
export const MAX_CAPTURE_BODY_BYTES = 1 << 20;

export const ACCEPTED_CAPTURE_PATH = 'a dot path into the JSON answer, e.g. "photo.id", "photos.0.id" or "photos[0].id"';

/**
 * Splits a capture path into its segments ("photos[0].id" -> ["photos", "0", "id"]).
 * @returns the segments, or null when the path is empty or has an empty segment
 */
export function parseCapturePath(path: string): string[] | null {
  if (typeof path !== 'string' || path.trim() === '') return null;
  const segments = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  return segments.every((s) => s !== '' && !/[[\]\s]/.test(s)) ? segments : null;
}

/** One captured name: its slot among the stream's captures, and where it is in the answer. */
export interface CaptureSpec {
  slot: number;
  path: readonly string[];
}

/** The value at path, as text: strings as they are, numbers and booleans printed; anything else is missing. */
function valueAt(root: unknown, path: readonly string[]): string | undefined {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? (/^\d+$/.test(segment) ? node[Number(segment)] : undefined) : (node as Record<string, unknown>)[segment];
  }
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  return undefined;
}

/**
 * The values a follow-up sees: what its parent's own parents captured (inherited), with this
 * answer's captures written over their slots. A body that is absent or not JSON captures nothing.
 * @param slots how many capture names the stream has
 */
export function captureValues(body: string | undefined, specs: readonly CaptureSpec[], inherited: ReadonlyArray<string | undefined> | undefined, slots: number): Array<string | undefined> {
  const out = inherited ? inherited.slice() : new Array<string | undefined>(slots).fill(undefined);
  let parsed: unknown;
  try {
    parsed = body === undefined ? undefined : JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  for (const spec of specs) out[spec.slot] = valueAt(parsed, spec.path);
  return out;
}
