import { at, type Problems } from './check.ts';
import type { OpInfo } from './validate-operation.ts';

/** One stream's operations and where they sit, for the checks that need them all. */
export interface StreamInfo {
  /** Path of the operations array, e.g. "operations" or "streams[1].operations". */
  opsPath: string;
  name: string;
  ops: OpInfo[];
  closedLoop: boolean;
}

const list = (names: Iterable<string>): string => [...names].join(', ') || 'none';

/** Follow-up edges by operation index; reports targets that are unknown, elsewhere or drawn by the mix. */
function edges(p: Problems, s: StreamInfo, all: readonly StreamInfo[]): number[][] {
  // A duplicated name (reported elsewhere) refers to its first operation.
  const index = new Map<string, number>();
  s.ops.forEach((o, i) => o.name !== undefined && !index.has(o.name) && index.set(o.name, i));
  return s.ops.map((op) =>
    op.then.flatMap(({ where, operation }) => {
      const target = index.get(operation);
      if (target === undefined) {
        const elsewhere = all.find((o) => o !== s && o.ops.some((x) => x.name === operation));
        p.add(where, elsewhere ? `"${operation}" is an operation of stream "${elsewhere.name}": a follow-up must be in its parent's stream` : `no operation named "${operation}" in this stream (operations: ${list(index.keys())})`);
        return [];
      }
      const w = s.ops[target]!.weight;
      if (w !== undefined && w > 0) p.add(where, `"${operation}" has weight ${w}: an operation issued as a follow-up must have weight 0 (the mix never draws it)`);
      if (s.closedLoop) p.add(where, 'follow-ups need an arrival-rate executor: in a closed loop a connection\'s next request is its own, not an answer\'s');
      return [target];
    }),
  );
}

/** Reports each cycle once; returns whether there is none. */
function acyclic(p: Problems, s: StreamInfo, children: readonly number[][]): boolean {
  const state = new Array<0 | 1 | 2>(s.ops.length).fill(0);
  let ok = true;
  const visit = (i: number, path: number[]): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) {
      const cycle = [...path.slice(path.indexOf(i)), i].map((k) => s.ops[k]!.name);
      p.add(at(s.ops[i]!.path, 'then'), `follow-ups form a cycle: ${cycle.join(' -> ')} (a chain of follow-ups must end)`);
      ok = false;
      return;
    }
    state[i] = 1;
    for (const c of children[i]!) visit(c, [...path, i]);
    state[i] = 2;
  };
  s.ops.forEach((_, i) => visit(i, []));
  return ok;
}

interface Reach {
  captures: Set<string>;
  key: boolean;
  actor: boolean;
}

/** What each operation can use from the operations it follows: on every way to it (an intersection). */
function reachable(s: StreamInfo, parents: readonly number[][]): Reach[] {
  const memo = new Map<number, Reach>();
  const of = (i: number): Reach => {
    const known = memo.get(i);
    if (known) return known;
    const from = parents[i]!.map((pi) => {
      const up = of(pi);
      const op = s.ops[pi]!;
      return { captures: new Set([...up.captures, ...op.captures.map((c) => c.name)]), key: op.hasKey || up.key, actor: op.hasActor || up.actor };
    });
    const out: Reach =
      from.length === 0
        ? { captures: new Set(), key: false, actor: false }
        : { captures: new Set([...from[0]!.captures].filter((c) => from.every((f) => f.captures.has(c)))), key: from.every((f) => f.key), actor: from.every((f) => f.actor) };
    memo.set(i, out);
    return out;
  };
  return s.ops.map((_, i) => of(i));
}

function checkUses(p: Problems, s: StreamInfo, parents: readonly number[][], reach: readonly Reach[], vars: ReadonlySet<string>): void {
  const made = new Set(s.ops.flatMap((o) => o.captures.map((c) => c.name)));
  s.ops.forEach((op, i) => {
    const follows = parents[i]!.length > 0;
    for (const { where, name } of op.captureUses) {
      if (!made.has(name)) p.add(where, `{${name}} is neither {key}, {actor}, {seq}, a declared var (${list([...vars].map((v) => `{${v}}`))}) nor captured by an operation of this stream (capture: { "${name}": "<path>" })`);
      else if (!follows) p.add(where, `{${name}} is captured from an answer: only a follow-up can use it, and "${op.name}" is drawn by the mix`);
      else if (!reach[i]!.captures.has(name)) p.add(where, `{${name}} is not captured on every way to "${op.name}" (operations it follows up: ${list(parents[i]!.map((k) => s.ops[k]!.name ?? '?'))})`);
    }
    for (const { where, name } of op.builtinUses) {
      const has = name === 'key' ? op.hasKey || reach[i]!.key : op.hasActor || reach[i]!.actor;
      if (!has) p.add(where, follows ? `uses {${name}}, but neither it nor every operation it follows has a "${name}" distribution` : `uses {${name}} but has no "${name}" distribution to draw it from`);
    }
  });
}

/** Captures that no follow-up (however far down) uses: bodies read for nothing. */
function checkCapturesUsed(p: Problems, s: StreamInfo, children: readonly number[][]): void {
  const memo = new Map<number, Set<string>>();
  const usedBelow = (i: number): Set<string> => {
    const known = memo.get(i);
    if (known) return known;
    const out = new Set<string>();
    memo.set(i, out);
    for (const c of children[i]!) {
      for (const u of s.ops[c]!.captureUses) out.add(u.name);
      for (const u of usedBelow(c)) out.add(u);
    }
    return out;
  };
  s.ops.forEach((op, i) => {
    if (op.then.length === 0) return;
    for (const c of op.captures) if (!usedBelow(i).has(c.name)) p.add(c.where, `no follow-up of "${op.name}" uses {${c.name}}: its answers would be read for nothing`);
  });
}

/** The checks of one stream that need all its operations: weights, follow-ups, captures. */
export function checkStreamRefs(p: Problems, s: StreamInfo, all: readonly StreamInfo[], vars: ReadonlySet<string>): void {
  if (s.ops.length > 0 && s.ops.every((o) => o.weight !== undefined) && !s.ops.some((o) => o.weight! > 0)) {
    p.add(s.opsPath, 'at least one operation needs a weight > 0 (weight 0 is for operations issued only as follow-ups)');
  }
  const children = edges(p, s, all);
  const parents = s.ops.map(() => [] as number[]);
  children.forEach((cs, i) => cs.forEach((c) => parents[c]!.push(i)));
  s.ops.forEach((op, i) => {
    if (op.weight === 0 && parents[i]!.length === 0) p.add(at(op.path, 'weight'), `is 0, but no operation of this stream names "${op.name}" in its then: it would never be issued`);
  });
  if (!acyclic(p, s, children)) return;
  checkUses(p, s, parents, reachable(s, parents), vars);
  checkCapturesUsed(p, s, children);
}
