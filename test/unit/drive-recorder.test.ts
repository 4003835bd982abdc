import { describe, expect, it } from 'vitest';
import { classifyError, classifyStatus } from '../../harness/drive/http-driver.ts';
import { saturationReasons } from '../../harness/drive/monitor.ts';
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
  expect(c.sent).toBe(c.ok + c.errors + c.timeouts + c.inFlightAtStop);
  const answered = Object.values(c.byStatus).reduce((a, b) => a + b, 0);
  expect(answered).toBe(c.ok + c.errors + c.timeouts);
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

  it('counts by outcome, keeps failures out of the latency histograms, and adds up', () => {
    const seconds: number[] = [];
    const r = new Recorder(['a', 'b'], start, (p) => seconds.push(p.second));
    // op a: 4 scheduled, 1 dropped, 3 sent: ok, 503, timeout
    r.scheduled(0, start + 0, true);
    r.scheduled(0, start + 100_000, true);
    r.scheduled(0, start + 200_000, false);
    r.scheduled(0, start + 1_300_000, true);
    r.completed(0, { kind: 'ok', status: 200 }, start, start + 1000, start + 11_000);
    r.completed(0, { kind: 'error', key: '503' }, start + 100_000, start + 100_500, start + 120_000);
    r.completed(0, { kind: 'timeout' }, start + 1_300_000, start + 1_300_000, start + 1_400_000);
    // op b: 3 sent: ok, network error, one still in flight at stop
    r.scheduled(1, start + 50_000, true);
    r.scheduled(1, start + 1_050_000, true);
    r.scheduled(1, start + 1_900_000, true);
    r.completed(1, { kind: 'ok', status: 204 }, start + 50_000, start + 50_000, start + 1_250_000);
    r.completed(1, { kind: 'error', key: 'network' }, start + 1_050_000, start + 1_050_000, start + 1_060_000);
    r.inFlightAtStop(1, 1);
    r.closeSecondsBefore(start + 1_500_000);
    expect(seconds).toEqual([0]);
    const { operations, timeseries } = r.finish(start + 2_000_000);
    expect(seconds).toEqual([0, 1]);

    const a = operations.a!;
    expect(a.counts).toEqual({
      scheduled: 4, sent: 3, dropped: 1, ok: 1, errors: 1, timeouts: 1, inFlightAtStop: 0,
      byStatus: { '200': 1, '503': 1, timeout: 1 },
    });
    expect(a.latency.corrected.count).toBe(1);
    expectUs(a.latency.corrected.maxUs, 11_000); // from the intended time
    expectUs(a.latency.uncorrected.maxUs, 10_000); // from the actual send
    const b = operations.b!;
    expect(b.counts).toMatchObject({ scheduled: 3, sent: 3, ok: 1, errors: 1, inFlightAtStop: 1, byStatus: { '204': 1, network: 1 } });
    expectUs(b.latency.corrected.maxUs, 1_200_000);
    expectAccountingAddsUp(a.counts);
    expectAccountingAddsUp(b.counts);

    // scheduled/sent by intended second, answers by completion second
    expect(timeseries).toHaveLength(2);
    expect(timeseries[0]).toMatchObject({ second: 0, scheduled: 4, sent: 3, ok: 1, errors: 1, cacheHitRate: null });
    expectUs(timeseries[0]!.p50Us, 11_000);
    expect(timeseries[1]).toMatchObject({ second: 1, scheduled: 3, sent: 3, ok: 1, errors: 2, cacheHitRate: null });
    expectUs(timeseries[1]!.p99Us, 1_200_000);
    const totalScheduled = timeseries.reduce((acc, p) => acc + p.scheduled, 0);
    expect(totalScheduled).toBe(a.counts.scheduled + b.counts.scheduled);
  });

  it('reports null latency for a second without OK answers', () => {
    const r = new Recorder(['a'], start);
    r.scheduled(0, start, true);
    r.completed(0, { kind: 'error', key: '500' }, start, start, start + 5);
    const { timeseries } = r.finish(start + 1_000_000);
    expect(timeseries).toEqual([
      { second: 0, scheduled: 1, sent: 1, ok: 0, errors: 1, p50Us: null, p99Us: null, maxUs: null, cacheHitRate: null },
    ]);
  });
});

describe('generator saturation', () => {
  const healthy = { targetRate: 1000, achievedRate: 999, dropped: 0, eventLoopLagP99Ms: 3, cpuShare: 0.3 };
  it('is empty when the generator kept up', () => {
    expect(saturationReasons(healthy)).toEqual([]);
  });
  it('names every reason', () => {
    expect(saturationReasons({ ...healthy, achievedRate: 940 })).toHaveLength(1);
    expect(saturationReasons({ ...healthy, dropped: 1 })[0]).toMatch(/dropped/);
    expect(saturationReasons({ ...healthy, eventLoopLagP99Ms: 51 })[0]).toMatch(/event-loop lag/);
    expect(saturationReasons({ ...healthy, cpuShare: 0.95 })[0]).toMatch(/core/);
    expect(saturationReasons({ targetRate: 1000, achievedRate: 10, dropped: 5, eventLoopLagP99Ms: 80, cpuShare: 1 })).toHaveLength(4);
  });
});

describe('http outcome classification', () => {
  it('classifies statuses against okStatuses (default 2xx)', () => {
    expect(classifyStatus(200)).toEqual({ kind: 'ok', status: 200 });
    expect(classifyStatus(299)).toEqual({ kind: 'ok', status: 299 });
    expect(classifyStatus(304)).toEqual({ kind: 'error', key: '304' });
    expect(classifyStatus(404, [200, 404])).toEqual({ kind: 'ok', status: 404 });
    expect(classifyStatus(200, [201])).toEqual({ kind: 'error', key: '200' });
  });
  it('classifies undici timeouts and other failures', () => {
    expect(classifyError(Object.assign(new Error('h'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toEqual({ kind: 'timeout' });
    expect(classifyError(Object.assign(new Error('b'), { code: 'UND_ERR_BODY_TIMEOUT' }))).toEqual({ kind: 'timeout' });
    expect(classifyError(Object.assign(new Error('c'), { code: 'ECONNREFUSED' }))).toEqual({ kind: 'error', key: 'network' });
    expect(classifyError('weird')).toEqual({ kind: 'error', key: 'network' });
  });
});
