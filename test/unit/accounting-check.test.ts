import { describe, expect, it } from 'vitest';
import { accountingChecks } from '../../harness/run/trial.ts';
import type { OperationResult } from '../../harness/results/types.ts';

const empty = { count: 0, minUs: 0, meanUs: 0, maxUs: 0, percentilesUs: {} as OperationResult['latency']['corrected']['percentilesUs'], encoded: '' };
const op = (counts: Partial<OperationResult['counts']>): OperationResult => ({
  counts: { scheduled: 10, sent: 9, dropped: 1, ok: 7, errors: 1, timeouts: 0, inFlightAtStop: 1, byStatus: {}, ...counts },
  latency: { corrected: empty, uncorrected: empty },
});

describe('accounting check of a trial', () => {
  it('passes when scheduled = sent + dropped and sent = ok + errors + timeouts + in flight', () => {
    const [check] = accountingChecks({ getPhoto: op({}) });
    expect(check).toMatchObject({ name: 'getPhoto: accounting adds up', ok: true });
  });

  it('fails, naming the equation, when a request goes missing from either side', () => {
    const [lostSend] = accountingChecks({ getPhoto: op({ dropped: 0 }) });
    expect(lostSend!.ok).toBe(false);
    expect(lostSend!.detail).toMatch(/scheduled 10 = sent 9 \+ dropped 0 \(MISMATCH\)/);
    const [lostAnswer] = accountingChecks({ getPhoto: op({ ok: 6 }) });
    expect(lostAnswer!.ok).toBe(false);
    expect(lostAnswer!.detail).toMatch(/in flight 1 \(MISMATCH\)/);
  });
});
