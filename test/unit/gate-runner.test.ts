import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../harness/cli/cli.ts';
import { defaultGateOut, gateConfigOf } from '../../harness/cli/gate-command.ts';
import { resolveGateConfig } from '../../harness/gate/config.ts';
import { evaluateGate } from '../../harness/gate/gate.ts';
import { anotherBlockFits, blocksOf, planGate } from '../../harness/gate/schedule.ts';
import { renderGateMarkdown } from '../../harness/report/gate/markdown.ts';
import { closedLoop, gatedMetrics, METRIC_SOURCES, notGatedBecause, openAt, type GateRecord, type TrialRecord } from '../../harness/run/gate/runner.ts';
import { freshTrialCheck } from '../../harness/run/gate/fresh-trial.ts';
import { validateScenario } from '../../harness/drive/run.ts';
import { scenarios as registry } from '../../scenarios/index.ts';
import type { SingleStreamScenario } from '../../scenarios/types.ts';
import { classifySpec } from '../../harness/run/gate/versions.ts';
import type { FlatMetrics } from '../../harness/thresholds/metrics.ts';

function bufferIo(): CliIo & { text: () => string } {
  let text = '';
  return { out: (t) => void (text += t), err: (t) => void (text += t), text: () => text };
}

describe('gate plan', () => {
  it('puts a warm-up trial of A first, then per block two A and two B trials with each pair adjacent', () => {
    const plan = planGate(5, 42);
    expect(plan.trials[0]).toEqual({ index: 0, version: 'A', block: null, slot: 'warmup' });
    expect(plan.trials).toHaveLength(21);
    plan.orders.forEach((order, b) => {
      const trials = plan.trials.filter((t) => t.block === b);
      expect(trials.map((t) => t.version).join('')).toBe(order);
      const pos = (slot: string) => trials.findIndex((t) => t.slot === slot);
      expect(Math.abs(pos('a1') - pos('b1'))).toBe(1);
      expect(Math.abs(pos('a2') - pos('b2'))).toBe(1);
    });
  });

  it('draws the orders from the seed: the same seed the same orders, both orders over many blocks', () => {
    expect(planGate(8, 3).orders).toEqual(planGate(8, 3).orders);
    const many = planGate(200, 1).orders;
    expect(many.filter((o) => o === 'ABBA').length).toBeGreaterThan(70);
    expect(many.filter((o) => o === 'BAAB').length).toBeGreaterThan(70);
    expect(() => planGate(0, 1)).toThrow(RangeError);
  });

  it('hands the core its blocks by slot, the warm-up left out, and refuses a missing trial', () => {
    const plan = planGate(2, 9);
    const measured = new Map(plan.trials.map((t) => [t.index, `${t.version}${t.slot}`] as const));
    expect(blocksOf(plan, measured)).toEqual([
      { a1: 'Aa1', b1: 'Bb1', b2: 'Bb2', a2: 'Aa2' },
      { a1: 'Aa1', b1: 'Bb1', b2: 'Bb2', a2: 'Aa2' },
    ]);
    measured.delete(3);
    expect(() => blocksOf(plan, measured)).toThrow(/not measured/);
  });

  it('grows by a block with the same orders and trials before it, so a block added for time keeps the seed\'s plan', () => {
    const four = planGate(4, 11);
    const five = planGate(5, 11);
    expect(five.orders.slice(0, 4)).toEqual(four.orders);
    expect(five.trials.slice(0, four.trials.length)).toEqual(four.trials);
    expect(five.trials.slice(four.trials.length).map((t) => t.block)).toEqual([4, 4, 4, 4]);
  });

  it('adds a block only while the longest block so far and a reserve still fit the budget, and never without one', () => {
    expect(anotherBlockFits(300, [50, 60], 600)).toBe(true); // 300 + 60 + 10 <= 600
    expect(anotherBlockFits(531, [50, 60], 600)).toBe(false); // 531 + 60 + 10 > 600
    expect(anotherBlockFits(530, [50, 60], 600)).toBe(true);
    expect(anotherBlockFits(10, [50], 0)).toBe(false);
    expect(anotherBlockFits(10, [], 600)).toBe(false);
  });
});

describe('the windows a gate runs', () => {
  // The default gate crashed on instagram-day here: its closed-loop probe kept the sign-up's follow-up sign-in.
  const gateable = Object.values(registry).filter((s) => notGatedBecause(s) === null) as SingleStreamScenario[];

  it('are valid scenarios for every scenario a gate accepts, the defaults among them', () => {
    expect(gateable.map((s) => s.name)).toEqual(expect.arrayContaining(['feed-reads', 'instagram-day', 'photo-reads']));
    expect(notGatedBecause(registry['cache-stampede']!)).toBe('cache-stampede acts at a moment of its own window (at 15 s)');
    expect(notGatedBecause(registry['uploads']!)).toMatch(/several load shapes/);
    for (const s of gateable) {
      expect(() => validateScenario(openAt(s, 100, 3, 2), 1), s.name).not.toThrow();
      expect(() => validateScenario(closedLoop(s, 16, 2, 1), 1), s.name).not.toThrow();
    }
  });

  it('leave follow-ups out of the closed loop only: the open-model window keeps them', () => {
    const day = registry['instagram-day'] as SingleStreamScenario;
    expect(day.operations.some((op) => op.then)).toBe(true);
    const closed = closedLoop(day, 16, 2, 1);
    expect(closed.operations.some((op) => op.then || op.capture || op.weight === 0)).toBe(false);
    expect(closed.operations.map((op) => op.name)).toEqual(day.operations.filter((op) => op.weight > 0).map((op) => op.name));
    expect(openAt(day, 100, 3, 2).operations).toBe(day.operations);
  });
});

describe('the fresh-trial check of the gate\'s rate', () => {
  const slo = { p99Ms: 50, errorBudget: 0.01, dropBudget: 0.001 };
  const open = (p99Us: number | undefined, errors = 0, timeouts = 0, dropped = 0) => ({ 'latency.p99': p99Us, 'errors.rate': errors, 'timeouts.rate': timeouts, 'dropped.rate': dropped });

  it('holds within the SLO the capacity was measured under, and breaks on p99, errors with timeouts, drops or no latency at all: the rate is halved', () => {
    expect(freshTrialCheck(416, open(49_900), slo)).toEqual({ rate: 416, p99Ms: 49.9, errorRate: 0, dropRate: 0, held: true, nextRate: null });
    // aa1 here: a fresh process at half the warm capacity, p50 560 ms, p99 978 ms.
    expect(freshTrialCheck(416, open(978_430), slo)).toMatchObject({ p99Ms: 978.4, held: false, nextRate: 208 });
    expect(freshTrialCheck(416, open(10_000, 0.006, 0.006), slo)).toMatchObject({ errorRate: 0.012, held: false, nextRate: 208 });
    expect(freshTrialCheck(416, open(10_000, 0, 0, 0.002), slo).held).toBe(false);
    expect(freshTrialCheck(416, open(undefined), slo)).toMatchObject({ p99Ms: null, held: false });
    expect(freshTrialCheck(1, open(978_430), slo).nextRate).toBe(1);
  });
});

describe('gated metrics of a trial', () => {
  it('takes latency from the open-model window, throughput from the closed loop, counts from both', () => {
    const open: FlatMetrics = { 'latency.p50': 1200, 'ok.rate': 500, 'errors.count': 1, 'timeouts.count': 0, 'dropped.count': 2 };
    const closed: FlatMetrics = { 'latency.p50': 3000, 'ok.rate': 4000, 'errors.count': 2, 'timeouts.count': 0, 'dropped.count': 0 };
    const g = gatedMetrics(open, closed);
    expect(g).toMatchObject({ 'latency.p50': 1200, 'ok.rate': 4000, 'errors.count': 3, 'timeouts.count': 0, 'dropped.count': 2, 'open.ok.rate': 500, 'closed.latency.p50': 3000 });
    expect(gatedMetrics(open, { ...closed, 'errors.count': undefined })['errors.count']).toBeUndefined();
  });
});

describe('gate config and flags', () => {
  it('refuses scenarios the registry does not have, naming the accepted ones (exit 2 through the CLI)', async () => {
    expect(() => gateConfigOf(undefined, undefined, { 'photo-reads': {} as never })).toThrow(/feed-reads, instagram-day are not in the scenario registry.*accepted: photo-reads/s);
    expect(gateConfigOf(undefined, ['photo-reads'], { 'photo-reads': {} as never }).config.scenarios).toEqual(['photo-reads']);
    const io = bufferIo();
    expect(await runCli(['gate', '--gate-config', '/nonexistent.json', '--window', 'soon'], io)).toBe(2);
    expect(io.text()).toMatch(/--window: "soon" is not a duration/);
  });

  it('keeps the core\'s refusal of a gate that could never FAIL', () => {
    expect(() => resolveGateConfig({ scenarios: ['photo-reads'], abbaBlocks: 1 })).toThrow(/could never FAIL/);
  });

  it('documents its exit codes in --help', async () => {
    const io = bufferIo();
    expect(await runCli(['gate', '--help'], io)).toBe(0);
    const text = io.text().replace(/\s+/g, ' ');
    expect(text).toMatch(/--baseline .*--candidate .*0 PASS or INCONCLUSIVE .*99 FAIL or INVALID .*2 usage .*3 stack or environment/);
  });

  it('reads a spec as a directory with an app or a git ref, and says what is accepted otherwise', () => {
    expect(() => classifySpec('no-such-ref-or-dir-xyz', 'baseline')).toThrow(/neither a directory nor a git ref.*accepted/);
    expect(() => classifySpec(tmpdir(), 'candidate')).toThrow(/without app\/server.ts/);
    expect(classifySpec('.', 'candidate').kind).toBe('directory');
    expect(defaultGateOut(new Date(2025, 0, 2, 3, 4, 5))).toBe('reports/gate-20250102-030405');
  });
});

/** A synthetic gate record: noisy A/A data through the real core. */
function record(blocks: number): GateRecord {
  const config = resolveGateConfig({ scenarios: ['photo-reads'], abbaBlocks: blocks });
  const plan = planGate(blocks, 5);
  const trials: TrialRecord[] = plan.trials.map((t) => {
    const f = 1 + 0.05 * Math.sin(t.index * 1.7);
    const gated: FlatMetrics = { 'latency.p50': 1500 * f, 'latency.p90': 4000 * f, 'latency.p99': 9000 * f, 'ok.rate': 4000 / f, 'errors.count': 0, 'timeouts.count': 0, 'dropped.count': 0 };
    return { ...t, discarded: t.block === null, startedAt: '', seconds: 15, appStartSeconds: 2, pinned: true, loadAverage: 1, scenarios: { 'photo-reads': { appPid: 1000 + t.index, appStartSeconds: 2, pinned: true, gated, open: gated, closed: gated, generatorLimited: false, generatorLimitReasons: [], generatorCpuShare: { open: 0.1, closed: 0.4 }, appCpuUsPerRequest: { open: 200, closed: 150 }, checksFailed: [] } } };
  });
  const measured = new Map(trials.map((t) => [t.index, t.scenarios['photo-reads']!.gated] as const));
  const report = evaluateGate(config, [{ scenario: 'photo-reads', blocks: blocksOf(plan, measured) }]);
  const version = (label: 'A' | 'B') => ({ label, role: label === 'A' ? ('baseline' as const) : ('candidate' as const), spec: 'HEAD', kind: 'git-ref' as const, sha: 'a'.repeat(40), dirty: false, tree: '/tmp/x', sameLockfile: true });
  return {
    kind: 'tierbench-gate', schemaVersion: 1, command: 'bench gate', startedAt: '', finishedAt: '', wallSeconds: 500, phases: {}, verdict: report.verdict, exitCode: report.exitCode, checksFailed: [], configSource: 'defaults', config,
    settings: { configSource: 'defaults', tier: 'cache', profile: 'starter', seed: 1, scenarioSeed: 1, orderSeed: 5, logicalShards: 64, snapshots: null, nodeCpus: 0, nodeMemory: 0, workers: 2, cacheTtlSec: 300, windowSec: 4, warmupSec: 2, closedWindowSec: 3, closedWarmupSec: 1, closedConnections: 16, loadShare: 0.5, sweepWindowSec: 3, sweepWindows: 6, slo: { p99Ms: 50, errorBudget: 0.01, dropBudget: 0.001 }, budgetSec: 0, pin: true },
    versions: { baseline: version('A'), candidate: version('B') }, seeds: { dataset: 1, scenario: 1, order: 5 },
    environment: { cores: 2, node: 'v20', pinning: { applied: true, appCores: '0', generatorCores: '1', note: 'pinned' }, loadAverage: { start: 1, end: 1 } },
    dataset: { profile: 'starter', seed: 1, logicalShards: 64, digest: 'd'.repeat(64), source: 'snapshot', counts: { users: 1, photos: 1, follows: 1, likes: 1, comments: 1, rows: 5 } },
    loads: [{ scenario: 'photo-reads', method: 'sweep', closedLoopProbe: 4000, capacity: { rate: 2000, low: 1900, high: 2100, method: 'x' }, sweepSteps: [], sweepStoppedBecause: 'done', gateRate: 1000, note: '50%', freshTrialChecks: [] }],
    plan: { orderSeed: 5, orders: plan.orders, warmupVersion: 'A' }, metricSources: METRIC_SOURCES, trials, report, notes: [],
  };
}

describe('gate.md', () => {
  it('leads with the verdict and the verdict table, and shows the smallest detectable change', () => {
    const md = renderGateMarkdown(record(5));
    expect(md).toMatch(/^## Performance gate: (✓ PASS|\? INCONCLUSIVE) \(exit 0\)/);
    expect(md).toContain('| scenario | metric | threshold | change (estimate) | 90% interval | p (Holm-adjusted) | verdict |');
    expect(md).toMatch(/\| photo-reads \| p50 latency \| \+25\.0% \| [+-±]\d/);
    expect(md).toContain('Smallest detectable change');
    expect(md).toContain('<summary>Trials</summary>');
  });

  it('gives the capacity with its interval, or as "at least" when the sweep found no knee', () => {
    const r = record(4);
    expect(renderGateMarkdown(r)).toContain('capacity under the SLO (p99 < 50 ms) 2,000 req/s (95% 1,900–2,100)');
    r.loads[0]!.capacity = { rate: 523, low: 523, high: 523, method: 'x', lowerBound: true };
    const md = renderGateMarkdown(r);
    expect(md).toContain('capacity under the SLO (p99 < 50 ms) at least 523 req/s (no knee');
    expect(md).not.toContain('523–523');
  });

  it('says how many blocks the config asked for and how many the budget added', () => {
    const r = record(6);
    expect(renderGateMarkdown(r)).toContain('- 6 ABBA blocks (12 pairs per scenario;');
    r.config = { ...r.config, abbaBlocks: 4 };
    r.settings = { ...r.settings, budgetSec: 600 };
    expect(renderGateMarkdown(r)).toContain('- 6 ABBA blocks, 2 of them added within the 600 s budget (12 pairs per scenario;');
  });

  it('stays under 64 KiB for a long gate by leaving out the trial table and saying so', () => {
    const md = renderGateMarkdown(record(400));
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(64 * 1024);
    expect(md).toMatch(/left out to stay under 64 KiB/);
  });
});
