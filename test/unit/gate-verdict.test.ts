import { describe, expect, it } from 'vitest';
import { ISSUE_RELATIVE } from '../helpers/gate-thresholds.ts';
import { createRng } from '../../harness/drive/rng.ts';
import { resolveGateConfig, type GateConfig } from '../../harness/gate/config.ts';
import { binomialHalfUpperTail, countTotalsOf, decideCount } from '../../harness/gate/counts.ts';
import { minimumDetectableShift } from '../../harness/gate/detectable.ts';
import { formatGateReport } from '../../harness/gate/format.ts';
import { evaluateGate, type ScenarioTrials } from '../../harness/gate/gate.ts';
import { shiftEstimate } from '../../harness/gate/hodges-lehmann.ts';
import { percentChange, worseLogOfPercent } from '../../harness/gate/metrics.ts';
import { normalFromUniforms } from '../../harness/gate/normal.ts';
import type { AbbaBlock } from '../../harness/gate/pairs.ts';
import { decideRatio, gateExitCode, overallVerdict } from '../../harness/gate/verdict.ts';
import type { FlatMetrics } from '../../harness/thresholds/metrics.ts';

// The core's tests run 5 blocks (10 pairs) at the issue's thresholds, as their figures and messages say (the defaults: 4 blocks, calibrated thresholds).
const config = resolveGateConfig({ abbaBlocks: 5, relative: ISSUE_RELATIVE });
const BASE: FlatMetrics = { 'ok.rate': 500, 'latency.p50': 2_000, 'latency.p90': 5_000, 'latency.p99': 20_000, 'errors.count': 0, 'timeouts.count': 0, 'dropped.count': 0 };

/** A trial: BASE with latencies × factor and throughput ÷ throughputFactor. */
function trial(latency = 1, throughput = 1, extra: FlatMetrics = {}): FlatMetrics {
  return {
    ...BASE,
    'ok.rate': BASE['ok.rate']! / throughput,
    'latency.p50': BASE['latency.p50']! * latency,
    'latency.p90': BASE['latency.p90']! * latency,
    'latency.p99': BASE['latency.p99']! * latency,
    ...extra,
  };
}

/** Blocks where B is slowed by `slowdown` and every trial carries seeded lognormal noise of `sigma`. */
function blocks(slowdown: number, seed: number, sigma = 0.03, count = config.abbaBlocks): AbbaBlock[] {
  const rng = createRng(seed, 'verdict-test');
  const noisy = (b: boolean): FlatMetrics => {
    const f = Math.exp(sigma * normalFromUniforms(rng.nextFloat(), rng.nextFloat())) * (b ? 1 + slowdown : 1);
    return trial(f, f);
  };
  return Array.from({ length: count }, () => ({ a1: noisy(false), b1: noisy(true), b2: noisy(true), a2: noisy(false) }));
}

const runs = (make: (scenario: string) => AbbaBlock[], cfg: GateConfig = config): ScenarioTrials[] => cfg.scenarios.map((scenario) => ({ scenario, blocks: make(scenario) }));

describe('verdict rules', () => {
  const t = 0.1;
  it('FAIL needs Holm significance and an estimate beyond the threshold; PASS needs the worse end within it', () => {
    expect(decideRatio({ adjustedP: 0.01, alpha: 0.05, estimate: 0.2, worseBound: 0.3, threshold: t })).toBe('FAIL');
    expect(decideRatio({ adjustedP: 0.06, alpha: 0.05, estimate: 0.2, worseBound: 0.3, threshold: t })).toBe('INCONCLUSIVE');
    expect(decideRatio({ adjustedP: 0.001, alpha: 0.05, estimate: 0.05, worseBound: 0.09, threshold: t })).toBe('PASS');
    expect(decideRatio({ adjustedP: 0.001, alpha: 0.05, estimate: 0.05, worseBound: 0.12, threshold: t })).toBe('INCONCLUSIVE');
    expect(decideRatio({ adjustedP: 1, alpha: 0.05, estimate: 0, worseBound: Infinity, threshold: t })).toBe('INCONCLUSIVE');
  });

  it('combines: FAIL > INVALID > INCONCLUSIVE > PASS; REPORTED does not count; nothing counted is INVALID', () => {
    expect(overallVerdict(['PASS', 'PASS', 'REPORTED'])).toBe('PASS');
    expect(overallVerdict(['PASS', 'INCONCLUSIVE'])).toBe('INCONCLUSIVE');
    expect(overallVerdict(['INCONCLUSIVE', 'INVALID', 'PASS'])).toBe('INVALID');
    expect(overallVerdict(['INVALID', 'FAIL'])).toBe('FAIL');
    expect(overallVerdict(['REPORTED'])).toBe('INVALID');
    expect(overallVerdict([])).toBe('INVALID');
  });

  it('exits 99 on FAIL and INVALID, 0 on PASS, and on INCONCLUSIVE unless asked otherwise', () => {
    expect(gateExitCode('PASS', false)).toBe(0);
    expect(gateExitCode('INCONCLUSIVE', false)).toBe(0);
    expect(gateExitCode('INCONCLUSIVE', true)).toBe(99);
    expect(gateExitCode('FAIL', false)).toBe(99);
    expect(gateExitCode('INVALID', false)).toBe(99);
  });

  it('converts percent thresholds with the sign convention: positive worse-oriented log = worse', () => {
    expect(worseLogOfPercent(10, 'higher')).toBeCloseTo(Math.log(1.1), 12);
    expect(worseLogOfPercent(-10, 'lower')).toBeCloseTo(Math.log(1 / 0.9), 12);
    expect(percentChange(Math.log(1.1), 'higher')).toBeCloseTo(10, 9);
    expect(percentChange(Math.log(1 / 0.9), 'lower')).toBeCloseTo(-10, 9);
  });
});

describe('the gate on constructed runs', () => {
  it('passes A against A (identical trials: every log-ratio 0)', () => {
    const report = evaluateGate(config, runs(() => blocks(0, 1, 0)));
    expect(report.verdict).toBe('PASS');
    expect(report.exitCode).toBe(0);
    const p50 = report.ratios.find((r) => r.metric === 'p50')!;
    expect(p50.stats).toMatchObject({ pairs: 10, estimatePct: 0, intervalPct: [0, 0], pValue: 1, zeros: 10 });
    expect(report.notes.some((n) => /10 pairs had equal values .*Pratt/.test(n))).toBe(true);
  });

  it('passes A against A with noise', () => {
    for (const seed of [1, 2, 3]) expect(evaluateGate(config, runs((s) => blocks(0, seed + s.length))).verdict).toBe('PASS');
  });

  it('fails a 20% slowdown, on latency and throughput, with messages that say why', () => {
    const report = evaluateGate(config, runs(() => blocks(0.2, 4)));
    expect(report.verdict).toBe('FAIL');
    expect(report.exitCode).toBe(99);
    const byMetric = (m: string) => report.ratios.filter((r) => r.metric === m);
    for (const r of byMetric('p50')) {
      expect(r.verdict).toBe('FAIL');
      expect(r.stats!.estimatePct).toBeGreaterThan(15);
      expect(r.message).toMatch(/^FAIL: \+\d+\.\d% \[\+\d+\.\d%, \+\d+\.\d%\] is beyond \+10\.0% and significant \(p = .*, Holm-adjusted .*\)$/);
    }
    for (const r of byMetric('throughput')) {
      expect(r.verdict).toBe('FAIL');
      expect(r.stats!.estimatePct).toBeLessThan(-10); // a drop is shown as a negative change
      expect(r.stats!.worseBoundPct).toBe(r.stats!.intervalPct[0]); // the worse end of throughput is the low one
    }
    for (const r of byMetric('p99')) expect(r.verdict).toBe('REPORTED');
    expect(formatGateReport(report).split('\n')[0]).toBe('gate: FAIL (exit 99)');
  });

  it('does not fail a 3% slowdown (PASS or INCONCLUSIVE)', () => {
    for (const seed of [5, 6, 7, 8]) {
      const report = evaluateGate(config, runs(() => blocks(0.03, seed)));
      expect(['PASS', 'INCONCLUSIVE']).toContain(report.verdict);
      for (const r of report.ratios) expect(r.verdict).not.toBe('FAIL');
    }
  });

  it('shows INCONCLUSIVE with the minimum detectable change: HL minus the exact lower bound at alpha/m', () => {
    // Very noisy p50 around +8%: the interval reaches past +10% without an established regression.
    const report = evaluateGate(config, runs(() => blocks(0.08, 9, 0.12)));
    const r = report.ratios.find((x) => x.metric === 'p50' && x.verdict === 'INCONCLUSIVE')!;
    expect(r).toBeDefined();
    const worse = r.stats!.lnRatios;
    const level = config.alpha / report.family;
    const { estimate, lower } = shiftEstimate(worse, level);
    expect(minimumDetectableShift(worse, level)).toBeCloseTo(estimate - lower, 12);
    expect(r.stats!.detectablePct).toBeCloseTo(percentChange(estimate - lower, 'higher'), 9);
    expect(r.message).toMatch(/^INCONCLUSIVE: .* reaches past \+10\.0% .*smallest change this run could detect: \+\d+\.\d%$/);
  });

  it('applies Holm: raw significance with the estimate beyond the threshold is not enough', () => {
    // One p50 with W+ just significant on its own (p <= 0.05) but not after Holm over 6 comparisons.
    const signs = [-1, -1, -1, 1, 1, 1, 1, 1, 1, 1]; // the three smallest worse-oriented ratios negative
    const ln = signs.map((s, i) => s * 0.05 * (i + 1));
    const b: AbbaBlock[] = Array.from({ length: 5 }, (_, k) => ({
      a1: trial(),
      b1: trial(Math.exp(ln[2 * k]!)),
      b2: trial(Math.exp(ln[2 * k + 1]!)),
      a2: trial(),
    }));
    const zero = resolveGateConfig({ relative: { p90: 'report', throughput: 'report', p50: '+10%' }, scenarios: ['feed-reads'], abbaBlocks: 5 });
    const alone = evaluateGate(zero, [{ scenario: 'feed-reads', blocks: b }]).ratios.find((r) => r.metric === 'p50')!;
    expect(alone.stats!.pValue).toBeLessThanOrEqual(0.05);
    expect(alone.verdict).toBe('FAIL'); // m = 1: Holm changes nothing
    const six = resolveGateConfig({ scenarios: ['feed-reads', 'instagram-day'], relative: ISSUE_RELATIVE });
    const inFamily = evaluateGate(six, [
      { scenario: 'feed-reads', blocks: b },
      { scenario: 'instagram-day', blocks: blocks(0, 10) },
    ]).ratios.find((r) => r.metric === 'p50' && r.scenario === 'feed-reads')!;
    expect(inFamily.stats!.pValue).toBe(alone.stats!.pValue);
    expect(inFamily.stats!.estimatePct).toBeGreaterThan(10);
    expect(inFamily.adjustedP!).toBeGreaterThan(0.05);
    expect(inFamily.verdict).toBe('INCONCLUSIVE');
  });
});

describe('missing data fails closed (INVALID, exit 99)', () => {
  const good = (): AbbaBlock[] => blocks(0, 11);
  const withTrial = (patch: FlatMetrics, field: keyof AbbaBlock = 'b2', block = 2): AbbaBlock[] => {
    const b = good();
    b[block] = { ...b[block]!, [field]: { ...b[block]![field], ...patch } };
    return b;
  };
  const withoutKey = (key: string): AbbaBlock[] => {
    const b = good();
    const { [key]: _dropped, ...rest } = b[0]!.b1;
    b[0] = { ...b[0]!, b1: rest };
    return b;
  };
  const cases: Array<[string, (s: string) => AbbaBlock[], RegExp]> = [
    ['no blocks', () => [], /0 of the 5 configured ABBA blocks were run/],
    ['too few blocks', () => good().slice(0, 3), /3 of the 5 configured ABBA blocks were run: an incomplete gate is not a pass/],
    ['a metric absent in the candidate', () => withoutKey('latency.p50'), /block 1 trial B1: latency\.p50 is missing/],
    ['an empty metric', () => withTrial({ 'latency.p90': undefined }), /block 3 trial B2: latency\.p90 has no value/],
    ['NaN', () => withTrial({ 'ok.rate': Number.NaN }, 'a1'), /block 3 trial A1: ok\.rate is NaN/],
    ['zero', () => withTrial({ 'latency.p50': 0 }, 'a2', 0), /block 1 trial A2: latency\.p50 is 0: a ratio needs a positive value/],
    ['negative', () => withTrial({ 'latency.p50': -5 }), /latency\.p50 is -5/],
    ['a count that is not a count', () => withTrial({ 'errors.count': 1.5 }), /errors\.count is 1\.5: a count must be a whole number/],
    ['a count absent', () => withoutKey('timeouts.count'), /timeouts\.count is missing/],
  ];
  for (const [name, make, why] of cases) {
    it(`on ${name}`, () => {
      const report = evaluateGate(config, runs((s) => (s === 'feed-reads' ? make(s) : good())));
      expect(report.verdict).toBe('INVALID');
      expect(report.exitCode).toBe(99);
      const messages = [...report.ratios, ...report.counts].filter((r) => r.verdict === 'INVALID').map((r) => r.message);
      expect(messages.some((m) => why.test(m)), messages.join('\n')).toBe(true);
    });
  }

  it('on a scenario that was not run, or handed over twice', () => {
    const missing = evaluateGate(config, [{ scenario: 'feed-reads', blocks: good() }]);
    expect(missing.verdict).toBe('INVALID');
    expect(missing.ratios.filter((r) => r.scenario === 'instagram-day' && r.gated).every((r) => r.message === 'INVALID: scenario instagram-day was not run')).toBe(true);
    const twice = evaluateGate(config, [...runs(() => good()), { scenario: 'feed-reads', blocks: good() }]);
    expect(twice.ratios.find((r) => r.scenario === 'feed-reads')!.message).toMatch(/handed over 2 times/);
  });

  it('still FAILs when a real regression sits beside invalid data', () => {
    const report = evaluateGate(config, runs((s) => (s === 'feed-reads' ? blocks(0.3, 12) : withoutKey('latency.p90'))));
    expect(report.verdict).toBe('FAIL');
  });

  it('keeps a reported-only metric from blocking the gate when its data is missing', () => {
    const report = evaluateGate(config, runs(() => withTrial({ 'latency.p99': undefined })));
    expect(report.verdict).toBe('PASS');
    expect(report.ratios.find((r) => r.metric === 'p99')).toMatchObject({ verdict: 'REPORTED', stats: null });
  });

  it('needs the merged candidate metrics when absolute thresholds are configured', () => {
    const cfg = resolveGateConfig({ absolute: { 'feed-reads': ['latency.p99 < 50ms', 'errors.rate < 1%'] }, relative: ISSUE_RELATIVE });
    const without = evaluateGate(cfg, runs(() => good()));
    expect(without.verdict).toBe('INVALID');
    expect(without.absolute[0]!.message).toMatch(/no merged candidate metrics/);
    const withMetrics = (p99: number) =>
      evaluateGate(
        cfg,
        runs(() => good()).map((r) => ({ ...r, candidate: { 'latency.p99': p99, 'errors.rate': 0.001 } })),
      );
    expect(withMetrics(40_000).verdict).toBe('PASS');
    const failed = withMetrics(60_000);
    expect(failed.verdict).toBe('FAIL');
    expect(failed.absolute[0]!.message).toBe('FAIL: latency.p99 < 50ms: FAILED (latency.p99 = 60ms)');
  });
});

describe('count metrics', () => {
  it('binomial tails by hand', () => {
    expect(binomialHalfUpperTail(3, 3)).toBeCloseTo(1 / 8, 14);
    expect(binomialHalfUpperTail(2, 4)).toBeCloseTo(11 / 16, 14);
    expect(binomialHalfUpperTail(0, 5)).toBe(1);
    expect(binomialHalfUpperTail(6, 5)).toBe(0);
    expect(binomialHalfUpperTail(5000, 10_000)).toBeCloseTo(0.5 + 0.5 * 0.00797871, 4); // P(X = n/2) ≈ 1/sqrt(π n / 2)
  });

  it('no-increase fails on any increase of the total; significant-increase only when B has more in significantly many pairs', () => {
    const t = (pairs: Array<[number, number]>) => countTotalsOf(pairs);
    expect(decideCount(t([[0, 0]]), 'no-increase', 0.05).verdict).toBe('PASS');
    expect(decideCount(t([[3, 3]]), 'no-increase', 0.05).verdict).toBe('PASS');
    expect(decideCount(t([[0, 1]]), 'no-increase', 0.05).verdict).toBe('FAIL');
    const four = decideCount(t([[0, 1], [0, 1], [0, 1], [0, 1], [2, 2]]), 'significant-increase', 0.05);
    expect(four.verdict).toBe('PASS');
    expect(four.pValue).toBeCloseTo(1 / 16, 14);
    const five = decideCount(t([[0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0, 0]]), 'significant-increase', 0.05);
    expect(five.verdict).toBe('FAIL');
    expect(five.pValue).toBeCloseTo(1 / 32, 14);
    expect(decideCount(t([[6, 5]]), 'significant-increase', 0.05).verdict).toBe('PASS');
    expect(decideCount(t([[0, 50]]), 'report', 0.05).verdict).toBe('REPORTED');
  });

  it('significant-increase tests pairs, not events: one stalled trial\'s 61 timeouts do not FAIL, a few in every B trial do', () => {
    // A real A/A gate here FAILed on this under no-increase (61 timeouts, all from one stalled trial); a binomial
    // over the 61 events as if independent gives p = 2^-61 and FAILs it too.
    const stall = countTotalsOf([[0, 61], ...Array.from({ length: 9 }, (): [number, number] => [0, 0])]);
    expect(stall).toEqual({ baseline: 0, candidate: 61, pairsWorse: 1, pairsDiffering: 1 });
    expect(decideCount(stall, 'significant-increase', 0.05)).toEqual({ verdict: 'PASS', pValue: 0.5 });
    expect(decideCount(stall, 'no-increase', 0.05).verdict).toBe('FAIL');
    const everyTrial = countTotalsOf(Array.from({ length: 10 }, (_, i): [number, number] => [i % 3 === 0 ? 1 : 0, 3]));
    const decided = decideCount(everyTrial, 'significant-increase', 0.05);
    expect(decided.verdict).toBe('FAIL');
    expect(decided.pValue).toBeCloseTo(1 / 1024, 12);
  });

  it('fails the gate when the candidate has more errors over all trials than the baseline', () => {
    const b = blocks(0, 13);
    b[1] = { ...b[1]!, b1: { ...b[1]!.b1, 'errors.count': 2 }, a2: { ...b[1]!.a2, 'errors.count': 1 } };
    const report = evaluateGate(config, runs((s) => (s === 'instagram-day' ? b : blocks(0, 14))));
    expect(report.verdict).toBe('FAIL');
    expect(report.counts.find((c) => c.scenario === 'instagram-day' && c.metric === 'errors')).toMatchObject({
      verdict: 'FAIL',
      baseline: 1,
      candidate: 2,
      message: 'FAIL: errors 1 (A) → 2 (B) over all trials (rule: no-increase)',
    });
  });

  it('puts significant-increase counts in Holm\'s family: B more in 5 of 5 differing pairs is significant alone (p = 1/32), not among 8 tests', () => {
    const cfg = resolveGateConfig({ counts: { errors: 'significant-increase' }, relative: ISSUE_RELATIVE });
    const b = blocks(0, 15).map((block) => ({ ...block, b1: { ...block.b1, 'errors.count': 1 } }));
    const report = evaluateGate(cfg, runs((s) => (s === 'feed-reads' ? b : blocks(0, 16)), cfg));
    expect(report.family).toBe(8);
    const errors = report.counts.find((c) => c.scenario === 'feed-reads' && c.metric === 'errors')!;
    expect(errors).toMatchObject({ baseline: 0, candidate: 5, pairsWorse: 5, pairsDiffering: 5 });
    expect(errors.pValue).toBeCloseTo(1 / 32, 12);
    expect(errors.adjustedP!).toBeGreaterThan(0.05);
    expect(errors.verdict).toBe('PASS');
    expect(errors.message).toMatch(/^PASS: errors 0 \(A\) → 5 \(B\) over all trials; B more in 5 of 5 differing pairs, p = 0\.031, Holm-adjusted 0\.\d+ \(rule: significant-increase\)$/);
  });
});
