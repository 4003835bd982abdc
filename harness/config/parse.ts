/** Parsers for user-given values: each returns the value or a message saying what is accepted. */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(message: string): Parsed<T> => ({ ok: false, message });

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** "30", "30s", "500ms", "2m", "1m30s" → seconds. */
export function parseDuration(text: string): Parsed<number> {
  const t = text.trim();
  const accepted = 'a positive number of seconds, or a duration like 500ms, 30s, 2m, 1m30s';
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) > 0 ? ok(Number(t)) : bad(`"${text}" is not positive; accepted: ${accepted}`);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) return bad(`"${text}" is not a duration; accepted: ${accepted}`);
  let seconds = 0;
  for (const [, n, unit] of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) seconds += Number(n) * UNITS[unit!]!;
  return seconds > 0 ? ok(seconds) : bad(`"${text}" is not positive; accepted: ${accepted}`);
}

export function parseNumberInRange(text: string, min: number, max: number, integer: boolean): Parsed<number> {
  const kind = integer ? 'an integer' : 'a number';
  const accepted = `${kind} from ${min} to ${max}`;
  const t = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(t)) return bad(`"${text}" is not a number; accepted: ${accepted}`);
  const n = Number(t);
  if (integer && !Number.isInteger(n)) return bad(`"${text}" is not an integer; accepted: ${accepted}`);
  if (n < min || n > max) return bad(`${text} is out of range; accepted: ${accepted}`);
  return ok(n);
}

export function parseChoice(text: string, choices: readonly string[]): Parsed<string> {
  return choices.includes(text) ? ok(text) : bad(`"${text}" is not one of: ${choices.join(', ')}`);
}

export function parseString(text: string): Parsed<string> {
  return text.trim() ? ok(text) : bad('must not be empty');
}

const BYTE_UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** "512m", "1g", "1.5g", "0" (no limit) → bytes. */
export function parseBytes(text: string): Parsed<number> {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) return bad(`"${text}" is not a size; accepted: a size like 512m, 1g, 1.5g, or 0 for no limit`);
  return ok(Math.round(Number(m[1]) * BYTE_UNITS[m[2]!.toLowerCase()]!));
}

/** "true"/"false" (also 1/0, yes/no): a flag given alone reads as true. */
export function parseBoolean(text: string): Parsed<boolean> {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes', ''].includes(t)) return ok(true);
  if (['false', '0', 'no'].includes(t)) return ok(false);
  return bad(`"${text}" is not a yes/no value; accepted: true, false, 1, 0, yes, no`);
}

/** "cache,replicas" → ["cache", "replicas"]: each one of choices, no repeats, at least one. */
export function parseChoiceList(text: string, choices: readonly string[]): Parsed<string[]> {
  const items = text.split(',').map((t) => t.trim());
  if (items.some((t) => t === '')) return bad(`"${text}" has an empty item; accepted: a comma-separated list of ${choices.join(', ')}`);
  const unknown = items.filter((t) => !choices.includes(t));
  if (unknown.length) return bad(`${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not one of: ${choices.join(', ')}`);
  if (new Set(items).size !== items.length) return bad(`"${text}" names an item twice`);
  return ok(items);
}

/** "1%", "0.5%", "0.01" → a share in [0, 1]. */
export function parseShare(text: string): Parsed<number> {
  const t = text.trim();
  const accepted = 'a share from 0 to 1, or a percentage like 1% or 0.1%';
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(t);
  if (!m) return bad(`"${text}" is not a share; accepted: ${accepted}`);
  const v = Number(m[1]) / (m[2] ? 100 : 1);
  return v <= 1 ? ok(v) : bad(`${text} is more than all requests; accepted: ${accepted}`);
}
