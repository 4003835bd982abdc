import type { OperationSpec } from '../../scenarios/types.ts';
import { parseCapturePath, type CaptureSpec } from './capture.ts';

/** A follow-up edge: the local index of the operation to issue, and its delay after the answer. */
export interface FollowUpEdge {
  op: number;
  delayUs: number;
}

/** The follow-up graph of one stream's operations (indices local to the stream). */
export interface FollowUpPlan {
  /** Capture names made in the stream, by slot. */
  slots: readonly string[];
  slotOf(name: string): number | undefined;
  /** Per operation: the follow-ups its OK answer starts. */
  children: ReadonlyArray<readonly FollowUpEdge[]>;
  /** Per operation: what its answer captures, or undefined (its body is then never read). */
  captures: ReadonlyArray<readonly CaptureSpec[] | undefined>;
  /**
   * Per operation: whether it may use its parent's key or actor ({key}, {actor}) without drawing its
   * own: true when every operation leading to it has one (own or inherited).
   */
  inherits: ReadonlyArray<{ key: boolean; actor: boolean }>;
}

function edgesOf(ops: readonly OperationSpec[], byName: ReadonlyMap<string, number>): FollowUpEdge[][] {
  return ops.map((op) =>
    (op.then ?? []).map((f) => {
      const target = byName.get(f.operation);
      if (target === undefined) throw new RangeError(`operation "${op.name}" follows up with "${f.operation}", which is not an operation of its stream`);
      if (ops[target]!.weight !== 0) throw new RangeError(`operation "${op.name}" follows up with "${f.operation}", whose weight is not 0 (an operation is either drawn by the mix or issued as a follow-up)`);
      if (!(Number.isFinite(f.delayMs) && f.delayMs >= 0)) throw new RangeError(`operation "${op.name}" follow-up "${f.operation}": delayMs must be a number >= 0, got ${f.delayMs}`);
      return { op: target, delayUs: Math.round(f.delayMs * 1000) };
    }),
  );
}

/** Throws on a cycle: a chain of follow-ups must end (each answer's follow-ups are drawn up front). */
function checkAcyclic(ops: readonly OperationSpec[], children: readonly FollowUpEdge[][]): void {
  const state = new Array<0 | 1 | 2>(ops.length).fill(0);
  const visit = (i: number, path: number[]): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) {
      const cycle = [...path.slice(path.indexOf(i)), i].map((k) => ops[k]!.name);
      throw new RangeError(`follow-ups form a cycle: ${cycle.join(' -> ')}`);
    }
    state[i] = 1;
    for (const e of children[i]!) visit(e.op, [...path, i]);
    state[i] = 2;
  };
  ops.forEach((_, i) => visit(i, []));
}

function inheritance(ops: readonly OperationSpec[], children: readonly FollowUpEdge[][]): Array<{ key: boolean; actor: boolean }> {
  const parents = ops.map(() => [] as number[]);
  children.forEach((edges, p) => edges.forEach((e) => parents[e.op]!.push(p)));
  const memo = new Map<number, { key: boolean; actor: boolean }>();
  const of = (i: number): { key: boolean; actor: boolean } => {
    const known = memo.get(i);
    if (known) return known;
    const ps = parents[i]!;
    const has = (p: number, name: 'key' | 'actor'): boolean => ops[p]![name] !== undefined || of(p)[name];
    const out = { key: ps.length > 0 && ps.every((p) => has(p, 'key')), actor: ps.length > 0 && ps.every((p) => has(p, 'actor')) };
    memo.set(i, out);
    return out;
  };
  return ops.map((_, i) => of(i));
}

/**
 * Builds a stream's follow-up plan.
 * @throws RangeError on a follow-up naming an unknown operation or one drawn by the mix, a negative
 * delay, a cycle, or a capture path that is not a dot path (scenarios/validate.ts reports all at once)
 */
export function planFollowUps(ops: readonly OperationSpec[]): FollowUpPlan {
  const byName = new Map(ops.map((op, i) => [op.name, i]));
  const children = edgesOf(ops, byName);
  checkAcyclic(ops, children);
  const slots: string[] = [];
  const slotIndex = new Map<string, number>();
  const captures = ops.map((op) => {
    if (op.capture === undefined) return undefined;
    return Object.entries(op.capture).map(([name, path]) => {
      const segments = parseCapturePath(path);
      if (segments === null) throw new RangeError(`operation "${op.name}" capture "${name}": "${path}" is not a dot path into the answer`);
      if (!slotIndex.has(name)) slotIndex.set(name, slots.push(name) - 1);
      return { slot: slotIndex.get(name)!, path: segments };
    });
  });
  return { slots, slotOf: (name) => slotIndex.get(name), children, captures, inherits: inheritance(ops, children) };
}
