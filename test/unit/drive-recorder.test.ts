import { describe, expect, it } from 'vitest';
import { classifyError, classifyStatus } from '../../harness/drive/http-driver.ts';
import { deriveTimeseries, mergeParts } from '../../harness/drive/merge.ts';
import { limitReasons } from '../../harness/drive/monitor.ts';
import { Recorder } from '../../harness/drive/recorder.ts';
import { createRng } from '../../harness/drive/rng.ts';
import { decodeHistogram, mergeEncoded, newHistogram, summarize } from '../../harness/metrics/histograms.ts';
import { PERCENTILES, type OperationCounts } from '../../harness/results/types.ts';

/** HDR keeps 3 significant digits: a recorded value reads back within 0.1%. */
function expectUs(actual: number | null | undefined, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(expected / 1000 + 1);
}

function expectAccountingAddsUp(c: OperationCounts): void {
  expect(c.scheduled).toBe(c.sent + c.dropped);
  expect(c.sent).toBe(c.ok + c.errors + c.timeouts + c.unfinished);
  const ended = Object.values(c.byStatus).reduce((a, b) => a + b, 0);
  expect(ended).toBe(c.ok + c.errors + c.timeouts);
}

describe('histograms', () => {
  it('summarizes every percentile of PERCENTILES in integer microseconds', () => {
    const h = newHistogram();
    for (let v = 1; v <= 10_000; v++) h.recordValue(v);
    const s = summarize(h);
    expect(Object.keys(s.percentilesUs)).toEqual(PERCENTILES.map((p) => `p${p}`));
    expect(s.count).toBe(10_000);
    expect(s.minUs).toBe(1);
    expect(Math.abs(s.percentilesUs.p50 - 5000)).toBeLessThanOrEqual(5);
    expect(Math.abs(s.percentilesUs.p99 - 9900)).toBeLessThanOrEqual(10);
    expect(Math.abs(s.maxUs - 10_000)).toBeLessThanOrEqual(10);
    for (const v of [s.minUs, s.meanUs, s.maxUs, ...Object.values(s.percentilesUs)]) expect(Number.isInteger(v)).toBe(true);
  });

  it('summarizes an empty histogram as zeros that still decode', () => {
    const s = summarize(newHistogram());
    expect(s.count).toBe(0);
    expect(s.maxUs).toBe(0);
    expect(decodeHistogram(s.encoded).totalCount).toBe(0);
    expect(mergeEncoded([]).totalCount).toBe(0);
  });

  it('round-trips through the encoding and merges exactly', () => {
    const rng = createRng(5);
    const all = newHistogram();
    const parts = [newHistogram(), newHistogram(), newHistogram()];
    for (let i = 0; i < 30_000; i++) {
      // Log-uniform from 50 us to ~5 s, so many buckets and magnitudes are involved.
      const v = Math.round(50 * Math.exp(rng.nextFloat() * 11.5));
      all.recordValue(v);
      parts[i % 3]!.recordValue(v);
    }
    const direct = summarize(all);
    expect(summarize(decodeHistogram(direct.encoded))).toEqual(direct);
    const merged = summarize(mergeEncoded(parts.map((p) => summarize(p).encoded)));
    expect(merged.count).toBe(direct.count);
    expect(merged.percentilesUs).toEqual(direct.percentilesUs);
    expect(merged.minUs).toBe(direct.minUs);
    expect(merged.maxUs).toBe(direct.maxUs);
    expect(merged.meanUs).toBe(direct.meanUs);
  });

  it('keeps values beyond the initial one-hour range (autoResize)', () => {
    const h = newHistogram();
    h.recordValue(5_000_000_000);
    expect(summarize(h).maxUs).toBeGreaterThanOrEqual(5_000_000_000);
  });
});

describe('recorder', () => {
  const start = 1_000_000_000;

  it('gives every request one outcome, counts it in the all-requests histogram, and adds up', () => {
    const r = new Recorder(['a', 'b'], start, 2_000_000);
    // op a: 4 scheduled, 1 dropped (waited 30 ms for a slot), 3 sent: ok, 503, timeout
    r.scheduled(0, true);
    r.scheduled(0, true);
    r.scheduled(0, false);
    r.scheduled(0, true);
    r.ended(0, { kind: 'ok', status: 200 }, start, start + 1000, start + 11_000);
    r.ended(0, { kind: 'error', status: 503 }, start + 100_000, start + 100_500, start + 120_000);
    r.dropEnded(0, start + 200_000, start + 230_000);
    r.ended(0, { kind: 'timeout' }, start + 1_300_000, null, start + 1_400_000);
    // op b: 3 sent: ok, network error, one unfinished when stopped
    r.scheduled(1, true);
    r.scheduled(1, true);
    r.scheduled(1, true);
    r.ended(1, { kind: 'ok', status: 204 }, start + 50_000, start + 50_000, start + 1_250_000);
    r.ended(1, { kind: 'error', status: null }, start + 1_050_000, start + 1_050_000, start + 1_060_000);
    r.unfinished(1, start + 1_900_000, start + 2_000_000);
    const { operations, answered } = r.finish();

    const a = operations.a!;
    expect(a.counts).toEqual({
      scheduled: 4, sent: 3, dropped: 1, ok: 1, errors: 1, timeouts: 1, unfinished: 0,
      errorsByClass: { '5xx': 1 },
      byStatus: { '200': 1, '503': 1, timeout: 1 },
    });
    expect(a.latency.all.count).toBe(4);
    expect(a.latency.ok.count).toBe(1);
    expectUs(a.latency.ok.maxUs, 11_000); // from the intended time
    expectUs(a.latency.okUncorrected.maxUs, 10_000); // from the socket write
    expectUs(a.latency.all.maxUs, 100_000); // the timeout, from its intended time
    const b = operations.b!;
    expect(b.counts).toMatchObject({ scheduled: 3, sent: 3, ok: 1, errors: 1, unfinished: 1, errorsByClass: { network: 1 }, byStatus: { '204': 1, network: 1 } });
    expectUs(b.latency.all.maxUs, 1_200_000);
    expectAccountingAddsUp(a.counts);
    expectAccountingAddsUp(b.counts);
    expect(answered).toEqual([2, 2]); // answers by arrival second; timeouts are not answers

    // Per second, by the second each request was due, by outcome class.
    const classes = (op: typeof a, s: number) =>
      Object.fromEntries(Object.entries(op.perSecond[s] ?? {}).map(([k, v]) => [k, decodeHistogram(v!).totalCount]));
    expect(classes(a, 0)).toEqual({ ok: 1, '5xx': 1, dropped: 1 });
    expect(classes(a, 1)).toEqual({ timeout: 1 });
    expect(classes(b, 0)).toEqual({ ok: 1 });
    expect(classes(b, 1)).toEqual({ network: 1, unfinished: 1 });

    const series = deriveTimeseries(operations, answered);
    expect(series[0]).toMatchObject({ second: 0, scheduled: 4, sent: 3, ok: 2, errors: 1, dropped: 1, timeouts: 0, answered: 2 });
    expect(series[1]).toMatchObject({ second: 1, scheduled: 3, sent: 3, ok: 0, errors: 1, timeouts: 1, unfinished: 1 });
    expect(series.reduce((n, p) => n + p.scheduled, 0)).toBe(a.counts.scheduled + b.counts.scheduled);
    expectUs(series[0]!.maxUs, 1_200_000);
  });

  it('refuses to record into a second it already closed (a request must not vanish)', () => {
    const r = new Recorder(['a'], start, 3_000_000);
    r.scheduled(0, true);
    r.closeSecondsBefore(start + 2_000_000);
    expect(() => r.ended(0, { kind: 'ok', status: 200 }, start + 500_000, null, start + 2_100_000)).toThrow(/closed/);
  });

  it('merges the parts of several workers exactly', () => {
    const parts = [0, 1, 2].map((w) => {
      const r = new Recorder(['a'], start, 1_000_000);
      for (let i = 0; i < 100; i++) {
        r.scheduled(0, true);
        r.ended(0, { kind: 'ok', status: 200 }, start + i * 3000 + w * 1000, null, start + i * 3000 + w * 1000 + 1000 * (i + 1));
      }
      return r.finish();
    });
    const merged = mergeParts(parts);
    const whole = new Recorder(['a'], start, 1_000_000);
    for (let w = 0; w < 3; w++)
      for (let i = 0; i < 100; i++) {
        whole.scheduled(0, true);
        whole.ended(0, { kind: 'ok', status: 200 }, start + i * 3000 + w * 1000, null, start + i * 3000 + w * 1000 + 1000 * (i + 1));
      }
    const direct = whole.finish().operations.a!;
    expect(merged.operations.a!.counts).toEqual(direct.counts);
    expect(merged.operations.a!.latency.all.percentilesUs).toEqual(direct.latency.all.percentilesUs);
    expect(decodeHistogram(merged.operations.a!.perSecond[0]!.ok!).totalCount).toBe(300);
  });
});

describe('generator limits: evidence about the generator itself', () => {
  const healthy = { targetRate: 1000, achievedRate: 999, sendLatenessP99Ms: 1.2, eventLoopDelayP99Ms: 3, workerUtilization: [0.3] };
  it('is empty when the generator kept its schedule', () => {
    expect(limitReasons(healthy)).toEqual([]);
  });
  it('names every reason', () => {
    expect(limitReasons({ ...healthy, achievedRate: 940 })[0]).toMatch(/below 95%/);
    expect(limitReasons({ ...healthy, sendLatenessP99Ms: 25 })[0]).toMatch(/send lateness/);
    expect(limitReasons({ ...healthy, eventLoopDelayP99Ms: 51 })[0]).toMatch(/event-loop delay/);
    expect(limitReasons({ ...healthy, workerUtilization: [0.3, 0.95] })[0]).toMatch(/worker 1/);
    expect(limitReasons({ targetRate: 1000, achievedRate: 10, sendLatenessP99Ms: 99, eventLoopDelayP99Ms: 80, workerUtilization: [1] })).toHaveLength(4);
  });
});

describe('http outcome classification', () => {
  it('classifies statuses against okStatuses (default 2xx)', () => {
    expect(classifyStatus(200)).toEqual({ kind: 'ok', status: 200 });
    expect(classifyStatus(299)).toEqual({ kind: 'ok', status: 299 });
    expect(classifyStatus(304)).toEqual({ kind: 'error', status: 304 });
    expect(classifyStatus(404, [200, 404])).toEqual({ kind: 'ok', status: 404 });
    expect(classifyStatus(200, [201])).toEqual({ kind: 'error', status: 200 });
  });
  it('classifies undici timeouts and other failures', () => {
    expect(classifyError(Object.assign(new Error('h'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toEqual({ kind: 'timeout' });
    expect(classifyError(Object.assign(new Error('c'), { code: 'ECONNREFUSED' }))).toEqual({ kind: 'error', status: null });
    expect(classifyError('weird')).toEqual({ kind: 'error', status: null });
  });
});
