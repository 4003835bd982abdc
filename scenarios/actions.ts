import { windowSecOf } from './streams.ts';
import type { ActionKind, Scenario, TimedAction } from './types.ts';

/** Every timed action, and the keys each takes besides atSec and do. */
export const ACTION_KEYS: Readonly<Record<ActionKind, readonly ('node' | 'forSec')[]>> = {
  'flush-memcached': [],
  'stop-node': ['node', 'forSec'],
  'kill-node': ['node', 'forSec'],
  'kill-worker': ['forSec'],
  'pause-replication': ['forSec'],
};

export const ACTION_KINDS = Object.keys(ACTION_KEYS) as ActionKind[];

/** A fault's action (all but the flush): they become trial.faults. */
export const isFault = (a: TimedAction): a is Exclude<TimedAction, { do: 'flush-memcached' }> => a.do !== 'flush-memcached';

/** Node names a fault may act on. */
export const FAULT_NODE = /^(memcached|redis|pg-primary|pg-replica-[1-9][0-9]*|pg-shard-(0|[1-9][0-9]*))$/;

/** What a fault acts on, for overlap checks: a node's name, "fan-out worker" or "replication". */
export function faultTarget(a: TimedAction): string {
  switch (a.do) {
    case 'stop-node':
    case 'kill-node':
      return a.node;
    case 'kill-worker':
      return 'fan-out worker';
    case 'pause-replication':
      return 'replication';
    case 'flush-memcached':
      return 'memcached';
  }
}

/** Seconds an action lasts (a fault until its node is started again, a flush a moment). */
const lengthOf = (a: TimedAction): number => ('forSec' in a ? a.forSec : 0);

/** The tiers a node (or replication) exists on, or null when every tier has it. */
export function tiersOfTarget(a: TimedAction): string[] | null {
  if (a.do === 'pause-replication') return ['replicas'];
  if (a.do !== 'stop-node' && a.do !== 'kill-node') return null;
  if (a.node.startsWith('pg-replica-')) return ['replicas'];
  if (a.node.startsWith('pg-shard-')) return ['sharded'];
  if (a.node === 'pg-primary') return ['cache', 'replicas'];
  return null;
}

/**
 * What keeps a valid scenario's actions from running as written: one that starts or (a fault)
 * ends after the window, two faults on one target at once, a node its tiers do not have.
 */
export function actionProblems(s: Scenario): string[] {
  const actions = s.actions ?? [];
  const window = windowSecOf(s);
  const out: string[] = [];
  actions.forEach((a, i) => {
    const ends = a.atSec + lengthOf(a);
    if (a.atSec >= window) out.push(`actions[${i}]: at ${a.atSec} s, not in the ${window} s window`);
    else if (isFault(a) && ends >= window) out.push(`actions[${i}]: ends at ${ends} s (atSec + forSec), after the ${window} s window: the recovery would not be seen`);
    const only = tiersOfTarget(a);
    if (only) {
      const name = faultTarget(a);
      if (!s.tiers) out.push(`actions[${i}]: ${name} exists only on ${only.join(' and ')}; set tiers to ${JSON.stringify(only)} (or a part of it)`);
      else {
        const other = s.tiers.filter((t) => !only.includes(t));
        if (other.length) out.push(`actions[${i}]: ${name} exists only on ${only.join(' and ')}, not on ${other.join(', ')} (in tiers)`);
      }
    }
    actions.slice(0, i).forEach((b, j) => {
      if (!isFault(a) || !isFault(b) || faultTarget(a) !== faultTarget(b)) return;
      if (a.atSec <= b.atSec + lengthOf(b) && b.atSec <= ends) out.push(`actions[${i}]: overlaps actions[${j}] on ${faultTarget(a)}: one fault on a target at a time`);
    });
  });
  return out;
}
