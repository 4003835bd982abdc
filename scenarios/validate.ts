/**
 * Validation of a scenario as a whole, from unknown input (a user's JSON file, or a TypeScript
 * scenario), before any server starts: every problem is listed, one line each, with its path and
 * what is accepted, e.g. `operations[2].key.theta: must be a number >= 0 (...), got -1`.
 */
import { readUserJson, userFileProblem } from '../harness/config/user-file.ts';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isBuiltin, placeholdersIn } from '../harness/drive/templates.ts';
import { AGGREGATE_NAMES } from '../harness/thresholds/metrics.ts';
import { parseThreshold } from '../harness/thresholds/parse.ts';
import { array, at, isRecord, NAME, NAME_ACCEPTED, number, object, pattern, Problems, record, string } from './check.ts';
import type { Scenario } from './types.ts';
import { checkExecutor } from './validate-executor.ts';
import { actionProblems } from './actions.ts';
import { checkExtras } from './validate-extras.ts';
import { checkOperation, type OpInfo } from './validate-operation.ts';
import { checkStreamRefs, type StreamInfo } from './validate-refs.ts';

export type ScenarioValidation = { scenario: Scenario } | { problems: string[] };

const SCENARIO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkVars(p: Problems, v: unknown): Set<string> {
  const names = new Set<string>();
  record(p, v, 'vars', 'run-time values by name, each with what it is, e.g. { "stormPhoto": "the photo a set-up step picked" }', (what, where, name) => {
    if (!NAME.test(name)) p.add(where, `the name must be ${NAME_ACCEPTED}`);
    else if (isBuiltin(name)) p.add(where, `"${name}" is a built-in placeholder; give the var another name`);
    else names.add(name);
    string(p, what, where, 'a description of the value (what it is, who provides it)');
  });
  return names;
}

function checkOperations(p: Problems, v: unknown, path: string, vars: ReadonlySet<string>): OpInfo[] {
  return (array(p, v, path, 'operations', true) ?? []).map((op, i) => checkOperation(p, op, at(path, i), vars));
}

function checkStreams(p: Problems, data: Record<string, unknown>, vars: ReadonlySet<string>): StreamInfo[] {
  if (data.streams !== undefined) {
    if (data.operations !== undefined || data.executor !== undefined) p.add('streams', 'give either operations + executor (one load shape) or streams (several), not both');
    const names = new Map<string, string>();
    return (array(p, data.streams, 'streams', 'streams { name, operations, executor, startSec? }', true) ?? []).flatMap((s, i) => {
      const path = at('streams', i);
      const st = object(p, s, path, 'a stream', ['name', 'operations', 'executor'], ['startSec']);
      if (!st) return [];
      const name = pattern(p, st.name, at(path, 'name'), NAME, NAME_ACCEPTED);
      if (name !== undefined && names.has(name)) p.add(at(path, 'name'), `"${name}" is already the name of ${names.get(name)}: stream names must be unique (each names its rng)`);
      if (name !== undefined) names.set(name, path);
      number(p, st.startSec, at(path, 'startSec'), (n) => n >= 0, 'a number of seconds >= 0 into the window');
      const kind = checkExecutor(p, st.executor, at(path, 'executor'), true);
      return [{ opsPath: at(path, 'operations'), name: name ?? `#${i}`, ops: checkOperations(p, st.operations, at(path, 'operations'), vars), closedLoop: kind === 'closed-loop' }];
    });
  }
  if (data.operations === undefined && data.executor === undefined) {
    p.add('operations', 'is required (with executor), or streams for several load shapes');
    return [];
  }
  if (data.executor === undefined) p.add('executor', 'is required: an object with kind "constant-arrival-rate", "ramping-arrival-rate" or "closed-loop"');
  if (data.operations === undefined) p.add('operations', 'is required: an array of operations');
  const kind = data.executor === undefined ? undefined : checkExecutor(p, data.executor, 'executor', false);
  return [{ opsPath: 'operations', name: '', ops: checkOperations(p, data.operations, 'operations', vars), closedLoop: kind === 'closed-loop' }];
}

/** Operation names are keys of results and thresholds: unique across every stream. */
function checkUniqueNames(p: Problems, streams: readonly StreamInfo[]): void {
  const seen = new Map<string, string>();
  for (const op of streams.flatMap((s) => s.ops)) {
    if (op.name === undefined) continue;
    const first = seen.get(op.name);
    if (first !== undefined) p.add(at(op.path, 'name'), `"${op.name}" is already the name of ${first}: operation names must be unique${streams.length > 1 ? ' across streams' : ''}`);
    else seen.set(op.name, op.path);
  }
}

/** Thresholds parse, and name an operation or an aggregate that exists. */
function checkThresholds(p: Problems, v: unknown, streams: readonly StreamInfo[]): void {
  const ops = new Set(streams.flatMap((s) => s.ops.flatMap((o) => (o.name ? [o.name] : []))));
  array(p, v, 'thresholds', 'k6-style expressions like "getPhoto.p99 < 50ms"')?.forEach((t, i) => {
    const where = at('thresholds', i);
    const text = string(p, t, where, 'a k6-style expression like "getPhoto.p99 < 50ms"');
    if (text === undefined) return;
    const parsed = parseThreshold(text);
    if (!parsed.ok) return p.add(where, parsed.message);
    const head = parsed.value.metric.split('.')[0]!;
    if (!ops.has(head) && !(AGGREGATE_NAMES as readonly string[]).includes(head)) {
      p.add(where, `"${head}" is neither an operation (${[...ops].join(', ') || 'none'}) nor an aggregate (${AGGREGATE_NAMES.join(', ')})`);
    }
  });
}

/** Vars a set-up request uses ({name} in its acting user, path or body): they count as used. */
function setupVarUses(setup: unknown): string[] {
  if (!Array.isArray(setup)) return [];
  // The same placeholder rule as every other template (a var may hold '-'), over the requests' text.
  return placeholdersIn(JSON.stringify(setup.map((s) => (isRecord(s) ? s.request : undefined))));
}

/**
 * Validates a scenario given as unknown data (parsed JSON, or a TypeScript module's export).
 * @returns the scenario (thresholds default to []), or every problem, one line each
 */
export function validateScenarioFile(data: unknown): ScenarioValidation {
  const p = new Problems();
  const root = object(p, data, '', 'a scenario', ['name', 'description'], ['operations', 'executor', 'streams', 'thresholds', 'vars', 'tiers', 'setup', 'actions', 'app']);
  if (!root) return { problems: p.list };
  pattern(p, root.name, 'name', SCENARIO_NAME, 'a name of letters, digits, ., _ and - (it names runs and reports)');
  string(p, root.description, 'description', 'a sentence saying what the scenario does');
  const vars = checkVars(p, root.vars);
  const streams = checkStreams(p, root, vars);
  checkUniqueNames(p, streams);
  const used = new Set([...streams.flatMap((s) => s.ops.flatMap((o) => [...o.varUses])), ...setupVarUses(root.setup)]);
  for (const name of vars) if (!used.has(name)) p.add(at('vars', name), `declared, but no path, body or fixed key uses {${name}}`);
  for (const s of streams) checkStreamRefs(p, s, streams, vars);
  checkThresholds(p, root.thresholds, streams);
  checkExtras(p, root, vars);
  if (p.list.length > 0) return { problems: p.list };
  const scenario = { ...root, thresholds: (root.thresholds as string[] | undefined) ?? [] } as Scenario;
  // Once the parts are sound: the actions fit the window and the tiers.
  const late = actionProblems(scenario);
  return late.length ? { problems: late } : { scenario };
}

/** The scenario a TypeScript or JavaScript module exports: its default export, or its only export. */
function exported(module: Record<string, unknown>): unknown {
  if (module.default !== undefined) return module.default;
  const values = Object.values(module).filter(isRecord);
  return values.length === 1 ? values[0] : module;
}

/**
 * Reads and validates a user's scenario file before anything starts: JSON (.json), or a module
 * (.ts, .mts, .js, .mjs; run by the bench CLI under tsx) exporting the scenario as its default
 * or only export. Problems are listed as validateScenarioFile lists them (without the file name).
 */
export async function loadScenarioFile(path: string): Promise<ScenarioValidation> {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    const read = readUserJson(path);
    return read.ok ? validateScenarioFile(read.data) : { problems: [`scenario file: ${read.problem}`] };
  }
  if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) {
    const problem = userFileProblem(path);
    if (problem) return { problems: [`scenario file: ${problem}`] };
    try {
      return validateScenarioFile(exported((await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>));
    } catch (err) {
      return { problems: [`cannot load the scenario module ${path}: ${(err as Error).message}`] };
    }
  }
  return { problems: [`${path}: a scenario file must be .json, or a module (.ts, .mts, .js, .mjs) exporting the scenario`] };
}
