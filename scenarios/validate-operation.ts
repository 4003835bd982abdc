import { ACCEPTED_CAPTURE_PATH, parseCapturePath } from '../harness/drive/capture.ts';
import { isBuiltin, placeholdersIn } from '../harness/drive/templates.ts';
import { AGGREGATE_NAMES } from '../harness/thresholds/metrics.ts';
import { array, at, integer, isRecord, NAME, NAME_ACCEPTED, number, object, oneOf, pattern, record, shown, string, type Problems } from './check.ts';
import { checkKey } from './validate-key.ts';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
const KEYS = ['name', 'weight', 'method', 'path'];
const OPTIONAL = ['key', 'actor', 'body', 'okStatuses', 'capture', 'then', 'expect'];

/** What the cross-checks need to know about an operation (scenarios/validate-refs.ts). */
export interface OpInfo {
  path: string;
  name: string | undefined;
  weight: number | undefined;
  hasKey: boolean;
  hasActor: boolean;
  /** Placeholders that are neither built-ins nor declared vars (so captures), by template. */
  captureUses: Array<{ where: string; name: string }>;
  /** Where each template uses {key} and {actor}. */
  builtinUses: Array<{ where: string; name: 'key' | 'actor' }>;
  captures: Array<{ where: string; name: string }>;
  then: Array<{ where: string; operation: string }>;
  /** Declared vars its templates and fixed keys use. */
  varUses: Set<string>;
}

/** Sorts a template's placeholders: built-ins, vars, and the rest (captures, checked later). */
function template(p: Problems, text: string, where: string, vars: ReadonlySet<string>, info: OpInfo): void {
  for (const name of placeholdersIn(text)) {
    if (name === 'key' || name === 'actor') info.builtinUses.push({ where, name });
    else if (isBuiltin(name)) continue;
    else if (vars.has(name)) info.varUses.add(name);
    else if (!NAME.test(name)) p.add(where, `{${name}} is not a placeholder: use {key}, {actor}, {seq}, a declared var or a captured value, each ${NAME_ACCEPTED}`);
    else info.captureUses.push({ where, name });
  }
}

function checkBody(p: Problems, op: Record<string, unknown>, path: string, vars: ReadonlySet<string>, info: OpInfo): void {
  const where = at(path, 'body');
  record(p, op.body, where, 'fields (strings, numbers or booleans)', (value, fieldPath) => {
    if (typeof value === 'string') template(p, value, fieldPath, vars, info);
    else if (!(typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) p.add(fieldPath, `must be a string (placeholders allowed), a finite number or a boolean, got ${shown(value)}`);
  });
  if (op.body !== undefined && op.method === 'GET') p.add(where, 'a GET cannot have a body; accepted with POST, PUT and DELETE');
}

function checkCapture(p: Problems, op: Record<string, unknown>, path: string, vars: ReadonlySet<string>, info: OpInfo): void {
  record(p, op.capture, at(path, 'capture'), 'names to JSON paths, e.g. { "photoId": "photo.id" }', (value, where, name) => {
    if (!NAME.test(name)) p.add(where, `the name must be ${NAME_ACCEPTED}`);
    else if (isBuiltin(name) || vars.has(name)) p.add(where, `"${name}" is already ${isBuiltin(name) ? 'a built-in placeholder' : 'a declared var'}: give the capture another name`);
    else info.captures.push({ where, name });
    const text = string(p, value, where, ACCEPTED_CAPTURE_PATH);
    if (text !== undefined && parseCapturePath(text) === null) p.add(where, `must be ${ACCEPTED_CAPTURE_PATH}, got ${shown(text)}`);
  });
}

function checkThen(p: Problems, op: Record<string, unknown>, path: string, info: OpInfo): void {
  const where = at(path, 'then');
  array(p, op.then, where, 'follow-ups { operation, delayMs }')?.forEach((f, i) => {
    const fp = at(where, i);
    const follow = object(p, f, fp, 'a follow-up', ['operation', 'delayMs']);
    if (!follow) return;
    const target = string(p, follow.operation, at(fp, 'operation'), 'the name of an operation');
    number(p, follow.delayMs, at(fp, 'delayMs'), (n) => n >= 0, 'a number of milliseconds >= 0');
    if (target !== undefined) info.then.push({ where: at(fp, 'operation'), operation: target });
  });
}

/** Checks one operation's own fields; what needs the others is left to validate-refs.ts. */
export function checkOperation(p: Problems, v: unknown, path: string, vars: ReadonlySet<string>): OpInfo {
  const info: OpInfo = { path, name: undefined, weight: undefined, hasKey: false, hasActor: false, captureUses: [], builtinUses: [], captures: [], then: [], varUses: new Set() };
  const op = object(p, v, path, 'an operation', KEYS, OPTIONAL);
  if (!op) return info;
  info.name = pattern(p, op.name, at(path, 'name'), NAME, NAME_ACCEPTED);
  if (info.name !== undefined && (AGGREGATE_NAMES as readonly string[]).includes(info.name)) {
    p.add(at(path, 'name'), `"${info.name}" names an aggregate metric (${AGGREGATE_NAMES.join(', ')}): thresholds could not tell them apart`);
  }
  info.weight = number(p, op.weight, at(path, 'weight'), (n) => n >= 0, 'a number >= 0 (0: issued only as a follow-up)');
  oneOf(p, op.method, at(path, 'method'), METHODS);
  const route = string(p, op.path, at(path, 'path'), 'a path starting with "/"');
  if (route !== undefined) {
    if (!route.startsWith('/')) p.add(at(path, 'path'), `must start with "/", got ${shown(route)}`);
    template(p, route, at(path, 'path'), vars, info);
  }
  for (const name of ['key', 'actor'] as const) {
    if (op[name] === undefined) continue;
    checkKey(p, op[name], at(path, name), vars);
    const fixed = op[name] as { kind?: unknown; value?: unknown };
    if (fixed.kind === 'fixed' && typeof fixed.value === 'string') for (const v of placeholdersIn(fixed.value)) if (vars.has(v)) info.varUses.add(v);
    if (name === 'key') info.hasKey = true;
    else info.hasActor = true;
  }
  checkBody(p, op, path, vars, info);
  const statuses = array(p, op.okStatuses, at(path, 'okStatuses'), 'HTTP statuses (100-599)', true);
  statuses?.forEach((s, i) => integer(p, s, at(at(path, 'okStatuses'), i), 100, 599));
  checkCapture(p, op, path, vars, info);
  checkThen(p, op, path, info);
  if (op.expect !== undefined) {
    const expect = object(p, op.expect, at(path, 'expect'), 'what an OK answer must hold', ['bodyIncludes']);
    const text = expect && string(p, expect.bodyIncludes, at(path, 'expect.bodyIncludes'), 'a text (template) the answer body must include');
    if (text !== undefined && text !== '') template(p, text, at(path, 'expect.bodyIncludes'), vars, info);
  }
  if (isRecord(op.capture) && op.then === undefined) p.add(at(path, 'capture'), 'captures values but has no follow-ups (then) to use them: its answers would be read for nothing');
  return info;
}
