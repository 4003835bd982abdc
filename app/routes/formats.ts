/**
 * String formats the body schemas name (registered with fastify's Ajv in build.ts). JSON can carry
 * text that is not Unicode: a lone surrogate escape (`"\ud800"`) parses to a JavaScript string that
 * PostgreSQL's jsonb rejects and UTF-8 cannot encode. Such text is refused (400), never stored.
 */

/** C0 controls but tab, newline and carriage return; NUL is also refused by PostgreSQL's text. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
/** With the u flag a lone surrogate is one code point of category Cs; a valid pair is not. */
const LONE_SURROGATE = /\p{Cs}/u;

function isSafeText(s: string): boolean {
  return !CONTROL.test(s) && !LONE_SURROGATE.test(s);
}

const KEY_SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * A blob-store object key: relative ("a/b.jpg", no leading '/'), segments of safe characters
 * separated by single slashes, none of them '.' or '..', so no key can walk out of its prefix.
 */
function isObjectKey(s: string): boolean {
  return s.split('/').every((seg) => KEY_SEGMENT.test(seg) && seg !== '.' && seg !== '..');
}

/** Ajv `formats` option: name → validator. */
export const stringFormats = {
  text: isSafeText,
  'object-key': isObjectKey,
} as const;
