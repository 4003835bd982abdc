import type { OperationSpec } from '../../scenarios/types.ts';
import type { WireRequest } from './dispatcher.ts';
import { createKeySampler, type KeySampler } from './keys.ts';
import type { Rng } from './rng.ts';
import { captureSlotsOf, compileTemplate, fill, usesBuiltin, type Template, type TemplateScope, type TemplateValues } from './templates.ts';
import type { Populations } from './types.ts';

/** An operation ready to build requests: templates compiled, samplers made. */
export interface CompiledOp {
  method: OperationSpec['method'];
  okStatuses: readonly number[] | undefined;
  /** Whether its answer's body is read: it captures, or has an expectation. */
  readBody: boolean;
  path: Template;
  /** Body entries in template order; strings are templates, numbers and booleans constants. */
  body: ReadonlyArray<readonly [string, Template | number | boolean]> | undefined;
  keySampler: KeySampler | undefined;
  actorSampler: KeySampler | undefined;
  /** What an OK answer's body must include (operation.expect.bodyIncludes), or undefined. */
  expect: Template | undefined;
  /** Capture slots its templates (path, body, expectation) use: without all of them it cannot be built. */
  needs: readonly number[];
}

export interface CompileContext {
  populations: Populations;
  rng: Rng;
  scope: TemplateScope;
  /** Whether requests can be signed (a session token function was given). */
  canSign: boolean;
}

const asIs = (s: string): string => s;

function compileBody(op: OperationSpec, where: string, scope: TemplateScope): CompiledOp['body'] {
  if (op.body === undefined) return undefined;
  if (op.method === 'GET') throw new RangeError(`${where} is a GET and cannot have a body`);
  const entries: Array<readonly [string, Template | number | boolean]> = [];
  for (const [name, value] of Object.entries(op.body)) {
    if (typeof value === 'string') entries.push([name, compileTemplate(value, `${where} body field "${name}"`, scope, asIs)]);
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) entries.push([name, value]);
    else throw new RangeError(`${where} body field "${name}" must be a string, a finite number or a boolean, got ${String(value)}`);
  }
  return entries;
}

/**
 * Compiles an operation. Samplers are created in a fixed order (key, then actor) on the shared
 * rng; creating one draws nothing.
 * @param inherits a follow-up without its own key or actor uses its parent's: {key}/{actor} are then allowed
 */
export function compileOperation(op: OperationSpec, ctx: CompileContext, inherits = { key: false, actor: false }): CompiledOp {
  const where = `operation "${op.name}"`;
  const path = compileTemplate(op.path, `${where} path "${op.path}"`, ctx.scope, encodeURIComponent);
  const body = compileBody(op, where, ctx.scope);
  const expect = op.expect === undefined ? undefined : compileTemplate(op.expect.bodyIncludes, `${where} expect.bodyIncludes`, ctx.scope, asIs);
  const templates = [path, ...(body ?? []).flatMap(([, v]) => (typeof v === 'object' ? [v] : [])), ...(expect ? [expect] : [])];
  for (const name of ['key', 'actor'] as const) {
    if (op[name] === undefined && !inherits[name] && templates.some((t) => usesBuiltin(t, name))) {
      throw new RangeError(`${where} uses {${name}} in its path or body but has no "${name}" distribution to draw it from`);
    }
  }
  if ((op.actor !== undefined || inherits.actor) && !ctx.canSign) {
    throw new RangeError(`${where} has an actor, so a sessionToken function is required to sign its requests`);
  }
  const { populations, rng, scope } = ctx;
  return {
    method: op.method,
    okStatuses: op.okStatuses,
    readBody: op.capture !== undefined || expect !== undefined,
    path,
    body,
    keySampler: op.key === undefined ? undefined : createKeySampler(op.key, populations, rng, scope.vars),
    actorSampler: op.actor === undefined ? undefined : createKeySampler(op.actor, populations, rng, scope.vars),
    expect,
    needs: [...new Set(templates.flatMap(captureSlotsOf))],
  };
}

/** A request as it goes on the wire: path, headers (authorization when it has an actor), JSON body, what to read and check. */
export function buildWire(c: CompiledOp, v: TemplateValues, sessionToken: ((userId: string) => string) | undefined): WireRequest {
  const headers: Record<string, string> = {};
  if (v.actor !== undefined && sessionToken !== undefined) headers.authorization = `Bearer ${sessionToken(v.actor)}`;
  let body: string | undefined;
  if (c.body !== undefined) {
    const obj: Record<string, string | number | boolean> = {};
    for (const [name, value] of c.body) obj[name] = typeof value === 'object' ? fill(value, v, asIs) : value;
    body = JSON.stringify(obj);
    headers['content-type'] = 'application/json';
  }
  const expectIncludes = c.expect === undefined ? undefined : fill(c.expect, v, asIs);
  return { method: c.method, path: fill(c.path, v, encodeURIComponent), headers, body, okStatuses: c.okStatuses, readBody: c.readBody, expectIncludes };
}
