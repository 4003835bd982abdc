import { describe, expect, it } from 'vitest';
import { ISSUE_RELATIVE } from '../helpers/gate-thresholds.ts';
import { createRng } from '../../harness/drive/rng.ts';
import { calibrate, recordedBlocks, type RecordedGate } from '../../harness/gate/calibrate.ts';
import { resolveGateConfig } from '../../harness/gate/config.ts';
import type { AbbaBlock } from '../../harness/gate/pairs.ts';
import { REALISTIC_NOISE, simulateRuns } from '../../harness/gate/simulate.ts';

const config = resolveGateConfig({ scenarios: ['feed-reads'], abbaBlocks: 5, relative: ISSUE_RELATIVE });
const settings = { target: 0.01, resamples: 600, seed: 3 };

/** A recorded gate from blocks, as gate.json holds them (a warm-up trial first). */
function record(source: string, blocks: readonly AbbaBlock[]): RecordedGate {
  const trials: Array<RecordedGate['trials'][number]> = [{ block: null, slot: 'warmup', scenarios: { 'feed-reads': { gated: blocks[0]!.a1 } } }];
  blocks.forEach((b, block) => {
    for (const slot of ['a1', 'b1', 'b2', 'a2'] as const) trials.push({ block, slot, scenarios: { 'feed-reads': { gated: b[slot] } } });
  });
  return { source, trials };
}

/** `gates` A/A gates of five blocks; `bias` makes B's p50 that much higher (a carry-over no A/A gate should have). */
function aaGates(gates: number, seed: number, bias = 0): RecordedGate[] {
  const rng = createRng(seed, 'calibrate-test');
  return Array.from({ length: gates }, (_, g) => {
    const [run] = simulateRuns(rng, { scenarios: ['feed-reads'], abbaBlocks: 5, slowdown: 0, noise: REALISTIC_NOISE });
    const blocks = run!.blocks.map((b) => ({ ...b, b1: { ...b.b1, 'latency.p50': b.b1['latency.p50']! * (1 + bias) }, b2: { ...b.b2, 'latency.p50': b.b2['latency.p50']! * (1 + bias) } }));
    return record(`aa-${g}`, blocks);
  });
}

describe('gate calibration from recorded A/A gates', () => {
  it('reads a record\'s blocks in order, without the warm-up, and names a block that lacks a trial', () => {
    const [gate] = aaGates(1, 1);
    const blocks = recordedBlocks(gate!, 'feed-reads');
    expect(blocks).toHaveLength(5);
    expect(blocks[0]!.a1).toBe(gate!.trials[1]!.scenarios['feed-reads']!.gated);
    const broken = { ...gate!, trials: gate!.trials.filter((t) => !(t.block === 2 && t.slot === 'b2')) };
    expect(() => recordedBlocks(broken, 'feed-reads')).toThrow(/aa-0: block 3 lacks trial b2/);
    expect(() => recordedBlocks(gate!, 'instagram-day')).toThrow(/has no metrics of instagram-day/);
  });

  it('keeps the defaults when A/A noise of the modelled size FAILs few enough gates', () => {
    const result = calibrate(config, aaGates(5, 2), settings);
    expect(result.blocksPerScenario).toEqual({ 'feed-reads': 25 });
    expect(result.met).toBe(true);
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0]!.falseFailRate).toBeLessThanOrEqual(0.01);
    expect(result.observed.map((o) => o.verdict)).not.toContain('FAIL');
  });

  it('loosens p50 (and only p50) past a 12% bias the A/A gates show: as given they FAIL far more often than 1%', () => {
    const result = calibrate(config, aaGates(5, 4, 0.12), settings);
    expect(result.steps[0]!.falseFailRate).toBeGreaterThan(0.3);
    expect(result.steps[0]!.byMetric.find((m) => m.metric === 'p50')!.failRate).toBeGreaterThan(0.3);
    expect(result.met).toBe(true);
    const last = result.steps[result.steps.length - 1]!;
    expect(last.falseFailRate).toBeLessThanOrEqual(0.01);
    expect(last.config.relative.p50).toEqual({ gated: true, percent: expect.any(Number) as number });
    const p50 = last.config.relative.p50 as { percent: number };
    expect(p50.percent).toBeGreaterThanOrEqual(15);
    expect(p50.percent).toBeLessThanOrEqual(40);
    expect(last.config.relative.throughput).toEqual(config.relative.throughput);
    expect(result.steps.slice(1).every((s) => s.change.startsWith('p50 '))).toBe(true);
  });

  it('says when no threshold up to +100% meets the target', () => {
    const result = calibrate(config, aaGates(3, 5, 2.5), { ...settings, resamples: 200 });
    expect(result.met).toBe(false);
    expect(result.steps[result.steps.length - 1]!.falseFailRate).toBeGreaterThan(0.01);
  });

  it('turns a count rule laxer when single stalls FAIL A/A gates: no-increase, then significant-increase', () => {
    const rng = createRng(6, 'stalls');
    const gates = aaGates(5, 7).map((g) => ({
      ...g,
      // One trial in eight stalls and times out 40 requests, in either version.
      trials: g.trials.map((t) => ({ ...t, scenarios: { 'feed-reads': { gated: { ...t.scenarios['feed-reads']!.gated, 'timeouts.count': rng.nextInt(8) === 0 ? 40 : 0 } } } })),
    }));
    const result = calibrate(config, gates, settings);
    expect(result.steps[0]!.byMetric.find((m) => m.metric === 'timeouts')!.failRate).toBeGreaterThan(0.2);
    expect(result.met).toBe(true);
    expect(result.steps.map((s) => s.change)).toContain('timeouts: no-increase → significant-increase');
    expect(result.steps[result.steps.length - 1]!.config.counts.timeouts).toBe('significant-increase');
  });
});
