/**
 * The gate on seeded synthetic runs (harness/gate/simulate.ts, REALISTIC_NOISE): false-fail rate,
 * power, and proof that each guard of the FAIL and PASS rules is load-bearing. The "broken"
 * verdicts are recomputed from the same reports' fields, so no broken rule exists in the product.
 *
 * Why each simulation is tight enough to catch a broken gate:
 * - threshold guard: without it (FAIL = Holm-significant alone) A/A runs false-fail ~3%, above the
 *   1% bound the real rule must meet.
 * - Holm guard: with thresholds at 0 the threshold no longer protects, and FAIL reduces to
 *   significance; Holm holds the family-wise rate under alpha, while the same runs judged on raw
 *   p-values fail about 13% of A/A gates (6 comparisons at 5% each).
 * - PASS guard: at a true change exactly at the threshold the worse bound lets through at most
 *   alpha; a PASS on the estimate alone would let through about half, a too-narrow interval more.
 * - interval width: A/A must PASS at least 80% of the time (82% here with the default 4 blocks, 94% with
 *   5), so an interval that is far
 *   too wide (bounds at alpha/m instead of alpha: 58% PASS, tried) fails the test. A k off by one
 *   is too small a change for a simulation; the brute-force tests in gate-wilcoxon catch it.
 * Mutations tried by hand, each failing at least one gate-* test: Holm ignored, threshold ignored,
 * PASS on the estimate, k ± 1, ties ignored in the exact distribution, a zero value accepted in a
 * ratio, a missing metric passing a threshold.
 */
import { describe, expect, it } from 'vitest';
import { ISSUE_RELATIVE } from '../helpers/gate-thresholds.ts';
import { resolveGateConfig, type GateConfig } from '../../harness/gate/config.ts';
import type { GateReport, RatioMetricReport } from '../../harness/gate/gate.ts';
import { ratioMetric } from '../../harness/gate/metrics.ts';
import { REALISTIC_NOISE, simulateGates, verdictRate, type SimulationSpec } from '../../harness/gate/simulate.ts';

// The core against the issue's thresholds (-10%/+10%/+20%); the shipped defaults are calibrated on real A/A gates (last describe).
const config = resolveGateConfig({ relative: ISSUE_RELATIVE });
const RUNS = 1000;

function simulate(cfg: GateConfig, slowdown: number, seed: number, extra: Partial<SimulationSpec> = {}, runs = RUNS): GateReport[] {
  return simulateGates(cfg, { scenarios: cfg.scenarios, abbaBlocks: cfg.abbaBlocks, slowdown, noise: REALISTIC_NOISE, ...extra }, runs, seed);
}

/** Whether the estimate points the worse way (latency up, throughput down). */
function estimateWorse(r: RatioMetricReport): boolean {
  const worse = ratioMetric(r.metric)!.worseWhen === 'higher' ? r.stats!.estimatePct > 0 : r.stats!.estimatePct < 0;
  return worse;
}

const share = (reports: readonly GateReport[], pick: (r: GateReport) => boolean): number => reports.filter(pick).length / reports.length;
const gatedWith = (r: GateReport, f: (m: RatioMetricReport) => boolean): boolean => r.ratios.some((m) => m.gated && m.stats !== null && f(m));

describe(`gate simulation (${config.abbaBlocks} ABBA blocks = ${2 * config.abbaBlocks} pairs per scenario, ${config.scenarios.length} scenarios, REALISTIC_NOISE)`, () => {
  const aa = simulate(config, 0, 15);

  it(`false-fails at most 1% of ${RUNS} A/A gates (seed 15), and passes at least 80% of them (4 blocks)`, () => {
    const failRate = verdictRate(aa, 'FAIL');
    console.info(`A/A seed 15: FAIL ${failRate}, PASS ${verdictRate(aa, 'PASS')}, INCONCLUSIVE ${verdictRate(aa, 'INCONCLUSIVE')}, INVALID ${verdictRate(aa, 'INVALID')}`);
    expect(failRate).toBeLessThanOrEqual(0.01);
    expect(verdictRate(aa, 'PASS')).toBeGreaterThanOrEqual(0.8);
    expect(verdictRate(aa, 'INVALID')).toBe(0);
  });

  it('would false-fail more than 1% of the same A/A gates if FAIL ignored the threshold', () => {
    const broken = share(aa, (r) => gatedWith(r, (m) => m.adjustedP! <= config.alpha && estimateWorse(m)));
    console.info(`A/A seed 15 with FAIL = Holm-significant alone: ${broken}`);
    expect(broken).toBeGreaterThan(0.01);
  });

  it('holds the family-wise false-fail rate under alpha with zero thresholds (seed 16); raw p-values would not', () => {
    const zero = resolveGateConfig({ relative: { throughput: '-0%', p50: '+0%', p90: '+0%' } });
    const reports = simulate(zero, 0, 16);
    const holmRate = verdictRate(reports, 'FAIL');
    const rawRate = share(reports, (r) => gatedWith(r, (m) => m.stats!.pValue <= zero.alpha && estimateWorse(m)));
    console.info(`A/A seed 16, thresholds 0: FAIL with Holm ${holmRate}, with raw p-values ${rawRate}`);
    expect(holmRate).toBeLessThanOrEqual(zero.alpha);
    expect(rawRate).toBeGreaterThan(2 * zero.alpha);
  });

  it('passes a change exactly at the threshold at most alpha of the time (seed 17); a PASS on the estimate would pass about half', () => {
    const reports = simulate(config, 0.1, 17, { latencyOnly: true });
    const p50 = reports.flatMap((r) => r.ratios.filter((m) => m.metric === 'p50'));
    const passRate = p50.filter((m) => m.verdict === 'PASS').length / p50.length;
    const onEstimate = p50.filter((m) => m.stats!.estimatePct <= 10).length / p50.length;
    console.info(`p50 +10% (at its threshold) seed 17: PASS ${passRate}; PASS-on-estimate would give ${onEstimate}`);
    expect(passRate).toBeLessThanOrEqual(config.alpha);
    expect(onEstimate).toBeGreaterThan(0.3);
  });

  it('rarely fails a 3% slowdown (seed 18): at most 1% of gates, the rest PASS or INCONCLUSIVE', () => {
    const reports = simulate(config, 0.03, 18);
    const failRate = verdictRate(reports, 'FAIL');
    console.info(`3% slowdown seed 18: FAIL ${failRate}, PASS ${verdictRate(reports, 'PASS')}, INCONCLUSIVE ${verdictRate(reports, 'INCONCLUSIVE')}`);
    expect(failRate).toBeLessThanOrEqual(0.01);
    expect(verdictRate(reports, 'PASS') + verdictRate(reports, 'INCONCLUSIVE')).toBe(1 - failRate);
  });

  for (const [slowdown, seed] of [[0.15, 19], [0.2, 20]] as const) {
    it(`detects a ${slowdown * 100}% slowdown (seed ${seed}): power at least 95%, also with throughput unchanged`, () => {
      const all = simulate(config, slowdown, seed);
      const latencyOnly = simulate(config, slowdown, seed, { latencyOnly: true });
      const perMetric = (reports: GateReport[], metric: string): number => share(reports, (r) => r.ratios.some((m) => m.metric === metric && m.verdict === 'FAIL'));
      console.info(
        `${slowdown * 100}% slowdown seed ${seed}: power ${verdictRate(all, 'FAIL')} (throughput ${perMetric(all, 'throughput')}, p50 ${perMetric(all, 'p50')}, p90 ${perMetric(all, 'p90')}); ` +
          `latency only: ${verdictRate(latencyOnly, 'FAIL')} (p50 ${perMetric(latencyOnly, 'p50')}, p90 ${perMetric(latencyOnly, 'p90')})`,
      );
      expect(verdictRate(all, 'FAIL')).toBeGreaterThanOrEqual(0.95);
      expect(verdictRate(latencyOnly, 'FAIL')).toBeGreaterThanOrEqual(0.95);
    });
  }

  it('shows what the strict error rule costs when the baseline has errors: no-increase fails most A/A gates, significant-increase (in Holm\'s family) at most alpha (seed 21)', () => {
    const significant = resolveGateConfig({ counts: { errors: 'significant-increase' } });
    const strict = simulate(config, 0, 21, { errorsPerTrial: 2 }, 300);
    const tested = simulate(significant, 0, 21, { errorsPerTrial: 2 }, 300);
    console.info(`A/A with 2 errors per trial, seed 21: no-increase FAIL ${verdictRate(strict, 'FAIL')}, significant-increase FAIL ${verdictRate(tested, 'FAIL')}`);
    expect(verdictRate(strict, 'FAIL')).toBeGreaterThan(0.3);
    expect(verdictRate(tested, 'FAIL')).toBeLessThanOrEqual(config.alpha);
  });

  it('is deterministic: the same seed gives the same gates', () => {
    const a = simulate(config, 0.1, 22, {}, 30).map((r) => JSON.stringify(r));
    const b = simulate(config, 0.1, 22, {}, 30).map((r) => JSON.stringify(r));
    expect(a).toEqual(b);
    expect(simulate(config, 0.1, 23, {}, 30).map((r) => JSON.stringify(r))).not.toEqual(a);
  });
});

describe('the shipped defaults (calibrated on real A/A gates: throughput -20%, p50 +25%, p90 +45%) on the same simulated noise', () => {
  const shipped = resolveGateConfig();

  it('false-fail at most 1% of A/A gates (seed 24) and at most 1% of gates with a 15% slowdown, inside every threshold (seed 25)', () => {
    const aa = simulate(shipped, 0, 24);
    const small = simulate(shipped, 0.15, 25);
    console.info(`shipped defaults: A/A seed 24 FAIL ${verdictRate(aa, 'FAIL')}, PASS ${verdictRate(aa, 'PASS')}; 15% slowdown seed 25 FAIL ${verdictRate(small, 'FAIL')}`);
    expect(verdictRate(aa, 'FAIL')).toBeLessThanOrEqual(0.01);
    expect(verdictRate(small, 'FAIL')).toBeLessThanOrEqual(0.01);
  });

  it('FAIL a 40% slowdown (throughput -29%, p50 +40%) in at least 95% of gates (seed 26)', () => {
    const big = simulate(shipped, 0.4, 26);
    console.info(`shipped defaults: 40% slowdown seed 26 FAIL ${verdictRate(big, 'FAIL')}`);
    expect(verdictRate(big, 'FAIL')).toBeGreaterThanOrEqual(0.95);
  });
});
