import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHistogram, mergeEncoded } from '../../harness/metrics/histograms.ts';
import { evaluateThreshold, evaluateThresholds, thresholdExitCode } from '../../harness/thresholds/evaluate.ts';
import { trialMetrics } from '../../harness/thresholds/metrics.ts';
import { isLatencyMetric, parseThreshold, parseThresholds, type Threshold } from '../../harness/thresholds/parse.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

function parsed(text: string): Threshold {
  const p = parseThreshold(text);
  if (!p.ok) throw new Error(p.message);
  return p.value;
}

function problem(text: string): string {
  const p = parseThreshold(text);
  if (p.ok) throw new Error(`expected "${text}" to be refused`);
  return p.message;
}

describe('threshold expressions: parsing', () => {
  it('reads durations into microseconds, percentages into fractions, plain numbers as they are', () => {
    expect(parsed('feed.p99 < 50ms')).toMatchObject({ metric: 'feed.p99', op: '<', value: 50_000, unit: 'duration', writtenUnit: 'ms' });
    expect(parsed('getPhoto.p99.9 <= 200ms')).toMatchObject({ metric: 'getPhoto.p99.9', op: '<=', value: 200_000 });
    expect(parsed('latency.max<1.5s')).toMatchObject({ metric: 'latency.max', value: 1_500_000 });
    expect(parsed('feed.p50 >= 800us')).toMatchObject({ op: '>=', value: 800 });
    expect(parsed('feed.p50 >= 800µs')).toMatchObject({ value: 800 });
    expect(parsed('errors.rate < 0.01')).toMatchObject({ metric: 'errors.rate', value: 0.01, unit: 'plain' });
    expect(parsed('errors.rate < 1%')).toMatchObject({ value: 0.01, unit: 'percent' });
    expect(parsed('http_reqs.rate > 100')).toMatchObject({ metric: 'http_reqs.rate', op: '>', value: 100 });
    expect(parsed('  dropped.count == 0 ')).toMatchObject({ source: 'dropped.count == 0', op: '==', value: 0 });
    // k6 spells percentiles p(99): accepted and normalized.
    expect(parsed('feed.p(99.9) < 2s')).toMatchObject({ metric: 'feed.p99.9', value: 2_000_000 });
  });

  it('refuses malformed expressions, each message saying what was wrong and what is accepted', () => {
    const cases: Array<[string, RegExp]> = [
      ['feed.p99', /no comparison operator/],
      ['feed.p99 = 50ms', /unknown operator/],
      ['feed.p99 =< 50ms', /unknown operator/],
      ['feed.p99 != 50ms', /unknown operator/],
      ['feed.p99 << 50ms', /unknown operator "<<"/],
      ['feed.p99 < 50', /latency: give its bound a duration unit .* e\.g\. 50ms/],
      ['feed.p99 < 5%', /latency: give its bound a duration unit/],
      ['errors.rate < 5ms', /not a latency: a duration unit \(ms\) does not apply/],
      ['feed.p99 < fast', /"fast" is not a number/],
      ['feed.p99 < 50 minutes', /is not a number with an optional unit/],
      ['feed.p0 < 5ms', /percentile p0 is outside \(0, 100\]/],
      ['feed.p101 < 5ms', /percentile p101 is outside/],
      ['9feed.p99 < 5ms', /not a metric name/],
      ['feed..p99 < 5ms', /not a metric name/],
      ['< 5ms', /not a metric name|no comparison/],
    ];
    for (const [text, why] of cases) {
      const message = problem(text);
      expect(message, text).toMatch(why);
      expect(message, text).toContain('accepted: <metric> <op> <value>');
    }
  });

  it('reports every malformed expression of a list, not just the first', () => {
    const result = parseThresholds(['feed.p99 < 50ms', 'feed.p99 < 50', 'errors.rate < 1%', 'nonsense']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(2);
    expect(result.problems[0]).toContain('"feed.p99 < 50"');
    expect(result.problems[1]).toContain('"nonsense"');
    expect(parseThresholds(['feed.p99 < 50ms', 'errors.rate < 1%'])).toMatchObject({ ok: true, value: [{ metric: 'feed.p99' }, { metric: 'errors.rate' }] });
  });

  it('knows which metrics are latencies', () => {
    for (const m of ['feed.p99', 'getPhoto.p99.9', 'latency.max', 'feed.read.mean', 'p50', 'x.avg', 'x.med', 'x.min']) expect(isLatencyMetric(m), m).toBe(true);
    for (const m of ['errors.rate', 'http_reqs.count', 'feed.p99.count', 'throughput', 'feed.pages']) expect(isLatencyMetric(m), m).toBe(false);
  });

  it('never throws, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const p = parseThreshold(text);
        if (!p.ok) expect(p.message).toContain('accepted:');
      }),
      { seed: 20, numRuns: 1000 },
    );
  });

  it('reads back what it is given (property)', () => {
    const metric = fc.constantFrom('feed.p99', 'getPhoto.p99.9', 'latency.max');
    const op = fc.constantFrom('<', '<=', '>', '>=', '==');
    const unit = fc.constantFrom(['us', 1], ['ms', 1000], ['s', 1_000_000]);
    fc.assert(
      fc.property(metric, op, fc.integer({ min: 0, max: 100_000 }), unit, (m, o, n, [u, scale]) => {
        expect(parsed(`${m} ${o} ${n}${u}`)).toMatchObject({ metric: m, op: o, value: n * (scale as number) });
      }),
      { seed: 21, numRuns: 300 },
    );
  });
});

describe('threshold expressions: evaluation', () => {
  const metrics = { 'feed.p99': 62_123, 'feed.p50': 2_000, 'errors.rate': 0.004, 'http_reqs.rate': 480, 'dropped.count': 0, 'getPhoto.p99': undefined };

  it('compares in canonical units with every operator', () => {
    const cases: Array<[string, boolean]> = [
      ['feed.p99 < 50ms', false],
      ['feed.p99 < 62.124ms', true],
      ['feed.p99 <= 62123us', true],
      ['feed.p99 < 62123us', false],
      ['feed.p50 > 1.999ms', true],
      ['feed.p50 >= 2ms', true],
      ['feed.p50 == 0.002s', true],
      ['feed.p50 == 2.001ms', false],
      ['errors.rate < 1%', true],
      ['errors.rate < 0.4%', false],
      ['errors.rate <= 0.4%', true],
      ['http_reqs.rate > 500', false],
      ['dropped.count == 0', true],
    ];
    for (const [text, pass] of cases) expect(evaluateThreshold(parsed(text), metrics).passed, text).toBe(pass);
  });

  it('shows the value in the unit the threshold was written in', () => {
    expect(evaluateThreshold(parsed('feed.p99 < 50ms'), metrics).message).toBe('feed.p99 < 50ms: FAILED (feed.p99 = 62.123ms)');
    expect(evaluateThreshold(parsed('errors.rate < 1%'), metrics).message).toBe('errors.rate < 1%: ok (errors.rate = 0.4%)');
  });

  it('fails a missing or empty metric, saying which and what exists', () => {
    const missing = evaluateThreshold(parsed('feed.p95 < 50ms'), metrics);
    expect(missing).toMatchObject({ passed: false, actual: undefined });
    expect(missing.message).toMatch(/feed\.p95 is missing; present under "feed": feed\.p99, feed\.p50/);
    const empty = evaluateThreshold(parsed('getPhoto.p99 < 50ms'), metrics);
    expect(empty.passed).toBe(false);
    expect(empty.message).toMatch(/getPhoto\.p99 has no value \(no samples/);
    const unknown = evaluateThreshold(parsed('uploads.p99 < 50ms'), metrics);
    expect(unknown.message).toMatch(/no metric starts with "uploads"; present: feed, errors, http_reqs, dropped, getPhoto/);
    expect(evaluateThreshold(parsed('x.rate < 1'), { 'x.rate': Number.NaN }).passed).toBe(false);
    expect(evaluateThreshold(parsed('x.rate < 1'), {}).message).toContain('the metrics map is empty');
  });

  it('passes a report only when every threshold holds; exit code 99 otherwise', () => {
    const good = evaluateThresholds([parsed('feed.p50 < 5ms'), parsed('errors.rate < 1%')], metrics);
    expect(good.passed).toBe(true);
    expect(thresholdExitCode(good)).toBe(0);
    const bad = evaluateThresholds([parsed('feed.p50 < 5ms'), parsed('feed.p95 < 50ms')], metrics);
    expect(bad.passed).toBe(false);
    expect(bad.outcomes.map((o) => o.passed)).toEqual([true, false]);
    expect(thresholdExitCode(bad)).toBe(99);
    expect(evaluateThresholds([], metrics).passed).toBe(true);
  });
});

describe('flat metrics of a trial', () => {
  const trial = buildResultsFixture().trials[0]!;
  const flat = trialMetrics(trial);

  it('has per-operation latencies and counts, and aggregates over operations', () => {
    const feed = trial.operations['feed.read']!;
    expect(flat['feed.read.p99']).toBe(feed.latency.all.percentilesUs.p99);
    expect(flat['feed.read.p99.9']).toBe(feed.latency.all.percentilesUs['p99.9']);
    expect(flat['feed.read.count']).toBe(feed.counts.ok);
    expect(flat['feed.read.rate']).toBeCloseTo(feed.counts.ok / (trial.timing.measuredMs / 1000), 9);
    expect(flat['feed.read.errors.count']).toBe(feed.counts.errors);
    expect(flat['feed.read.errors.rate']).toBeCloseTo(feed.counts.errors / feed.counts.sent, 12);
    const ops = Object.values(trial.operations);
    const sum = (f: (c: (typeof ops)[number]['counts']) => number): number => ops.reduce((a, op) => a + f(op.counts), 0);
    expect(flat['http_reqs.count']).toBe(sum((c) => c.sent));
    expect(flat['ok.count']).toBe(sum((c) => c.ok));
    expect(flat['errors.rate']).toBeCloseTo(sum((c) => c.errors) / sum((c) => c.sent), 12);
    expect(flat['dropped.count']).toBe(sum((c) => c.dropped));
  });

  it('merges the operations histograms exactly for the latency.* keys', () => {
    const merged = mergeEncoded(Object.values(trial.operations).map((op) => op.latency.all.encoded));
    expect(flat['latency.p99']).toBe(merged.getValueAtPercentile(99));
    expect(flat['latency.p50']).toBe(merged.getValueAtPercentile(50));
    expect(flat['latency.p50']).toBeGreaterThan(0);
    expect(decodeHistogram(trial.operations['feed.read']!.latency.all.encoded).totalCount).toBe(trial.operations['feed.read']!.latency.all.count);
  });

  it('leaves latencies of an operation without requests undefined, so thresholds on them fail', () => {
    const op = trial.operations['photo.like']!;
    const emptied = {
      ...trial,
      operations: { ...trial.operations, 'photo.like': { ...op, latency: { ...op.latency, all: { ...op.latency.all, count: 0 } } } },
    };
    const f = trialMetrics(emptied);
    expect('photo.like.p99' in f).toBe(true);
    expect(f['photo.like.p99']).toBeUndefined();
    expect(evaluateThreshold(parsed('photo.like.p99 < 1s'), f).passed).toBe(false);
    expect(trialMetrics({ ...trial, timing: { ...trial.timing, measuredMs: 0 } })['ok.rate']).toBeUndefined();
  });

  it('refuses an operation named like an aggregate', () => {
    const op = trial.operations['feed.read']!;
    expect(() => trialMetrics({ ...trial, operations: { errors: op } })).toThrow(/named like an aggregate/);
  });
});
