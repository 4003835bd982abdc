/**
 * Request templates: text with `{name}` placeholders. A name is a built-in ({key}, {actor},
 * {seq}: drawn per request), a run-time var (known before the trial, so substituted once at
 * compile time: nothing per request) or a capture (a value read from an earlier answer, filled
 * per follow-up request).
 */

export const BUILTINS = ['key', 'actor', 'seq'] as const;
export type Builtin = (typeof BUILTINS)[number];

const PLACEHOLDER = /\{([^{}]*)\}/g;
const BUILTIN_SET: ReadonlySet<string> = new Set(BUILTINS);

export const isBuiltin = (name: string): name is Builtin => BUILTIN_SET.has(name);

/** The placeholder names of a template, in order (duplicates kept). */
export function placeholdersIn(text: string): string[] {
  return Array.from(text.matchAll(PLACEHOLDER), (m) => m[1]!);
}

/** A compiled template: literal text, built-ins and capture slots, in order. */
export type Part = string | { builtin: Builtin } | { capture: number };
export type Template = readonly Part[];

/** What a template may name besides the built-ins. */
export interface TemplateScope {
  vars: Readonly<Record<string, string>>;
  /** Slot of a capture this template may use, or undefined. */
  captureSlot?: (name: string) => number | undefined;
}

/** Per-request values for the placeholders that are not substituted at compile time. */
export interface TemplateValues {
  key: string | undefined;
  actor: string | undefined;
  seq: number;
  /** Values captured from earlier answers, by slot; undefined for a request that follows nothing. */
  captured: ReadonlyArray<string | undefined> | undefined;
}

function known(scope: TemplateScope): string {
  const vars = Object.keys(scope.vars).map((v) => `{${v}}`);
  return ['{key}, {actor}, {seq}', ...(vars.length ? [`vars ${vars.join(', ')}`] : [])].join('; ');
}

/**
 * Compiles a template. Vars are encoded and inlined now; literal runs are merged.
 * @param where names the template in errors, e.g. `operation "like" path "/photos/{key}"`
 * @param encode applied to every substituted value (encodeURIComponent for paths)
 * @throws RangeError on a placeholder that is neither a built-in, a var nor a capture in scope
 */
export function compileTemplate(text: string, where: string, scope: TemplateScope, encode: (s: string) => string): Template {
  const parts: Part[] = [];
  let literal = '';
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    literal += text.slice(last, m.index);
    last = m.index + m[0].length;
    const slot = scope.captureSlot?.(name);
    if (Object.hasOwn(scope.vars, name) && !isBuiltin(name)) {
      literal += encode(scope.vars[name]!);
      continue;
    }
    if (!isBuiltin(name) && slot === undefined) throw new RangeError(`${where} has an unknown placeholder "{${name}}" (known: ${known(scope)})`);
    parts.push(literal, isBuiltin(name) ? { builtin: name } : { capture: slot! });
    literal = '';
  }
  parts.push(literal + text.slice(last));
  return parts;
}

/** Whether a template uses a built-in. */
export const usesBuiltin = (t: Template, name: Builtin): boolean => t.some((p) => typeof p === 'object' && 'builtin' in p && p.builtin === name);

/** Capture slots a template uses. */
export const captureSlotsOf = (t: Template): number[] => t.flatMap((p) => (typeof p === 'object' && 'capture' in p ? [p.capture] : []));

export function fill(t: Template, v: TemplateValues, encode: (s: string) => string): string {
  let out = '';
  for (const p of t) {
    if (typeof p === 'string') out += p;
    else if ('builtin' in p) out += encode(String(v[p.builtin]));
    else out += encode(String(v.captured?.[p.capture]));
  }
  return out;
}

/**
 * A text made of vars only (a `fixed` key's value, e.g. "{stormPhoto}" or a literal id).
 * @throws RangeError naming each placeholder that is not a var given
 */
export function resolveVars(text: string, vars: Readonly<Record<string, string>>, where: string): string {
  const missing = placeholdersIn(text).filter((name) => !Object.hasOwn(vars, name));
  if (missing.length > 0) {
    const given = Object.keys(vars).map((v) => `{${v}}`).join(', ') || 'none';
    throw new RangeError(`${where} names ${missing.map((m) => `{${m}}`).join(', ')}, which only a run-time var can fill (vars given: ${given})`);
  }
  return text.replace(PLACEHOLDER, (_, name: string) => vars[name]!);
}
