/**
 * Readers for unknown input that record a problem (one line: the path, what is wrong, what is
 * accepted) instead of throwing, so a scenario's every problem is reported at once. Each returns
 * the value when it is acceptable, else undefined.
 */

export class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(path === '' ? message : `${path}: ${message}`);
  }
}

/** A short rendering of a value for messages: JSON where possible, cut at 60 characters. */
export function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export const at = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An object with only the given keys; every unknown key and every missing required one is a problem.
 * @param what how to describe the object when it is not one, e.g. "an operation"
 */
export function object(p: Problems, v: unknown, path: string, what: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> | undefined {
  if (!isRecord(v)) {
    p.add(path, `must be ${what} (an object with ${[...required, ...optional.map((k) => `${k}?`)].join(', ')}), got ${shown(v)}`);
    return undefined;
  }
  const accepted = [...required, ...optional];
  for (const key of Object.keys(v)) {
    if (!accepted.includes(key)) p.add(at(path, key), `unknown key; accepted: ${accepted.join(', ')}`);
  }
  for (const key of required) {
    if (v[key] === undefined) p.add(at(path, key), 'is required');
  }
  return v;
}

export function string(p: Problems, v: unknown, path: string, accepted = 'a string'): string | undefined {
  if (typeof v === 'string') return v;
  if (v !== undefined) p.add(path, `must be ${accepted}, got ${shown(v)}`);
  return undefined;
}

/** A string matching pattern (say what matches in accepted). */
export function pattern(p: Problems, v: unknown, path: string, re: RegExp, accepted: string): string | undefined {
  const s = string(p, v, path, accepted);
  if (s === undefined) return undefined;
  if (re.test(s)) return s;
  p.add(path, `must be ${accepted}, got ${shown(s)}`);
  return undefined;
}

/** A finite number for which ok holds; accepted says which, e.g. "a number >= 0". */
export function number(p: Problems, v: unknown, path: string, ok: (n: number) => boolean, accepted: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isFinite(v) && ok(v)) return v;
  p.add(path, `must be ${accepted}, got ${shown(v)}`);
  return undefined;
}

export function integer(p: Problems, v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const accepted = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return number(p, v, path, (n) => Number.isInteger(n) && n >= min && n <= max, accepted);
}

export function oneOf<T extends string>(p: Problems, v: unknown, path: string, choices: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
  p.add(path, `must be one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${shown(v)}`);
  return undefined;
}

export function array(p: Problems, v: unknown, path: string, what: string, nonEmpty = false): unknown[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    p.add(path, `must be an array of ${what}, got ${shown(v)}`);
    return undefined;
  }
  if (nonEmpty && v.length === 0) p.add(path, `must hold at least one of ${what}`);
  return v;
}

/** An object used as a map (name -> value), its values checked by each. */
export function record(p: Problems, v: unknown, path: string, what: string, each: (value: unknown, path: string, key: string) => void): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v)) {
    p.add(path, `must be an object of ${what}, got ${shown(v)}`);
    return undefined;
  }
  for (const [key, value] of Object.entries(v)) each(value, at(path, key), key);
  return v;
}

/** Names scenario authors give (operations, streams, vars, captures): usable in metric keys and templates. */
export const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const NAME_ACCEPTED = 'a name of letters, digits, _ and - (starting with a letter or _)';
