import { scenarioStreams } from '../../scenarios/streams.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { FOLLOW_UP_SKIP_REASONS, type CheckResult, type OperationResult } from '../results/types.ts';

const REASON_WORDS: Record<(typeof FOLLOW_UP_SKIP_REASONS)[number], string> = {
  parentFailed: 'parent failed',
  captureMissing: 'capture missing',
  afterWindow: 'after the window',
  stopped: 'stopped',
};

/**
 * No follow-up vanishes: for every operation issued as a follow-up, each scheduled request of an
 * operation naming it in `then` (as often as it names it) became one scheduled follow-up or one
 * skipped. The reasons are shown, not checked: the recorder counts each skip with its reason at once.
 */
export function followUpChecks(operations: Record<string, OperationResult>, scenario: Scenario): CheckResult[] {
  const checks: CheckResult[] = [];
  for (const stream of scenarioStreams(scenario)) {
    const parents = new Map<string, Map<string, number>>();
    for (const op of stream.operations) {
      for (const f of op.then ?? []) {
        const of = parents.get(f.operation) ?? new Map<string, number>();
        of.set(op.name, (of.get(op.name) ?? 0) + 1);
        parents.set(f.operation, of);
      }
    }
    for (const [name, from] of parents) {
      const c = operations[name]?.counts;
      if (c === undefined) continue;
      const terms = [...from].map(([p, times]) => ({ p, times, n: operations[p]?.counts.scheduled ?? 0 }));
      const due = terms.reduce((a, t) => a + t.n * t.times, 0);
      const skipped = c.skipped ?? 0;
      const byReason = FOLLOW_UP_SKIP_REASONS.map((r) => c.skippedBy?.[r] ?? 0);
      const ok = c.scheduled + skipped === due;
      checks.push({
        name: `${name}: every follow-up accounted for`,
        ok,
        detail:
          `${terms.map((t) => `${t.p} ${t.n}${t.times > 1 ? ` × ${t.times}` : ''}`).join(' + ')} = ${due} due; ` +
          `scheduled ${c.scheduled} + skipped ${skipped} (${FOLLOW_UP_SKIP_REASONS.map((r, i) => `${REASON_WORDS[r]} ${byReason[i]}`).join(', ')})${ok ? '' : ' (MISMATCH)'}`,
      });
    }
  }
  return checks;
}
