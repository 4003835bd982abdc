import { describe, expect, it } from 'vitest';
import { computeHeadline } from '../../harness/results/headline.ts';
import type { Slo, Trial } from '../../harness/results/types.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

const slo: Slo = { p99Ms: 50, errorBudget: 0.01, dropBudget: 0.001 };
const base = buildResultsFixture().trials;
const sweepOf = (rate: number) => ({ slo, steps: [], maxSustainable: { rate, low: rate * 0.96, high: rate * 1.03, method: 'test' }, warmupSec: 8, saturatedFirst: null });
const at = (t: Trial, tier: string, extra: Partial<Trial> = {}): Trial => ({ ...t, tier, ...extra });

describe('the headline of a multi-tier run', () => {
  it('is absent for a run on one tier', () => {
    expect(computeHeadline([base[0]!], slo)).toBeUndefined();
  });

  it('names the tier that holds the most under the SLO, and by how much', () => {
    const trials = [at(base[0]!, 'cache', { sweep: sweepOf(1200) }), at(base[0]!, 'replicas', { sweep: sweepOf(2400) }), at(base[0]!, 'sharded', { sweep: sweepOf(3000) })];
    const h = computeHeadline(trials, slo)!;
    expect(h.rows.map((r) => [r.tier, r.maxSustainable?.rate])).toEqual([['cache', 1200], ['replicas', 2400], ['sharded', 3000]]);
    expect(h.sentences[0]).toBe('feed-heavy at p99 < 50 ms: sharded holds the most, 3,000 req/s (95% 2,880–3,090), 1.3× replicas (2,400) and 2.5× cache (1,200).');
    expect(h.commonRate['feed-heavy']).toBe(base[0]!.load.rate);
    expect(h.rows[0]!.atCommonRate!.p99Us).toBeGreaterThan(0);
  });

  it('says which tiers held the SLO at no rate swept', () => {
    const never = { ...sweepOf(1), maxSustainable: null };
    const h = computeHeadline([at(base[0]!, 'cache', { sweep: never }), at(base[0]!, 'sharded', { sweep: sweepOf(3000) })], slo)!;
    expect(h.sentences).toEqual(['feed-heavy at p99 < 50 ms: sharded holds the most, 3,000 req/s (95% 2,880–3,090); cache held it at no rate swept.']);
    const none = computeHeadline([at(base[0]!, 'cache', { sweep: never }), at(base[0]!, 'sharded', { sweep: never })], slo)!;
    expect(none.sentences).toEqual(['feed-heavy at p99 < 50 ms: no tier held the SLO at any rate swept.']);
  });

  it('leaves out scenarios not swept on every tier that ran them, or run on one tier (the report compares their windows)', () => {
    const trials = [
      at(base[0]!, 'cache', { sweep: sweepOf(1200) }), at(base[0]!, 'sharded', { sweep: sweepOf(3000) }),
      at(base[0]!, 'cache', { scenario: 'half-swept', sweep: sweepOf(1200) }), at(base[0]!, 'sharded', { scenario: 'half-swept' }),
      at(base[0]!, 'replicas', { scenario: 'replicas-only', sweep: sweepOf(900) }),
    ];
    const h = computeHeadline(trials, slo)!;
    expect(new Set(h.rows.map((r) => r.scenario))).toEqual(new Set(['feed-heavy']));
    expect(h.sentences).toHaveLength(1);
    expect(Object.keys(h.commonRate)).toEqual(['feed-heavy']);
  });

  it('says "at least" for a winner whose sweep found no knee, and names no winner when a beaten tier found none', () => {
    const noKnee = (rate: number) => ({ ...sweepOf(rate), maxSustainable: { rate, low: rate, high: rate, method: 'test', lowerBound: true as const } });
    const won = computeHeadline([at(base[0]!, 'cache', { sweep: noKnee(506) }), at(base[0]!, 'sharded', { sweep: sweepOf(484) })], slo)!;
    expect(won.sentences).toEqual(['feed-heavy at p99 < 50 ms: cache holds the most, at least 506 req/s (no knee: the sweep stopped before the SLO broke), at least 1.0× sharded (484).']);
    expect(won.rows[0]!.maxSustainable).toEqual({ rate: 506, low: 506, high: 506, lowerBound: true });
    const open = computeHeadline([at(base[0]!, 'cache', { sweep: noKnee(400) }), at(base[0]!, 'sharded', { sweep: sweepOf(484) })], slo)!;
    expect(open.sentences).toEqual(['feed-heavy at p99 < 50 ms: no winner can be named: sharded holds 484 req/s, cache holds at least 400 req/s, and a tier without a knee could hold more (the sweep stopped before the SLO broke).']);
  });

  it('is absent when no scenario was swept on two tiers', () => {
    expect(computeHeadline([at(base[0]!, 'cache'), at(base[1]!, 'replicas', { load: base[0]!.load })], slo)).toBeUndefined();
  });
});
