import { describe, expect, it } from 'vitest';
import { accountingChecks } from '../../harness/run/trial.ts';
import type { HistogramSummary, OperationResult } from '../../harness/results/types.ts';

const histogram = (count: number): HistogramSummary => ({ count, minUs: 0, meanUs: 0, maxUs: 0, percentilesUs: {} as HistogramSummary['percentilesUs'], encoded: '' });
const op = (counts: Partial<OperationResult['counts']>, allCount = 10): OperationResult => ({
  counts: { scheduled: 10, sent: 9, dropped: 1, ok: 6, errors: 1, errorsByClass: { '5xx': 1 }, timeouts: 1, unfinished: 1, byStatus: {}, ...counts },
  latency: { all: histogram(allCount), ok: histogram(6), okUncorrected: histogram(6) },
  perSecond: [],
});

describe('accounting check of a trial', () => {
  it('passes when scheduled = sent + dropped, sent = ok + errors + timeouts + unfinished, and every request has a latency', () => {
    const [check] = accountingChecks({ getPhoto: op({}) });
    expect(check).toMatchObject({ name: 'getPhoto: accounting adds up', ok: true });
  });

  it('fails, naming the equation, when a request goes missing from either side', () => {
    const [lostSend] = accountingChecks({ getPhoto: op({ dropped: 0 }) });
    expect(lostSend!.ok).toBe(false);
    expect(lostSend!.detail).toMatch(/scheduled 10 = sent 9 \+ dropped 0 \(MISMATCH\)/);
    const [lostAnswer] = accountingChecks({ getPhoto: op({ ok: 5 }) });
    expect(lostAnswer!.ok).toBe(false);
    expect(lostAnswer!.detail).toMatch(/unfinished 1 \(MISMATCH\)/);
  });

  it('fails when a request has no latency in the all-requests histogram', () => {
    const [check] = accountingChecks({ getPhoto: op({}, 9) });
    expect(check!.ok).toBe(false);
    expect(check!.detail).toMatch(/holds 9 of 10 \(MISMATCH\)/);
  });
});
