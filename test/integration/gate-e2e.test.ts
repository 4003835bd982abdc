/**
 * bench gate end to end on real servers (tiny profile, short windows, few blocks through a test
 * gate config the core accepts, i.e. one that can still FAIL):
 * (a) a candidate made from the baseline plus a patch that busy-waits in GET /photos/:id, about a
 *     quarter of that route's app CPU per request, FAILs on the photo scenario only, not on a
 *     scenario of another route run in the same trials;
 * (b) A against A (HEAD against HEAD, two git work trees) does not FAIL and exits 0.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateCommand } from '../../harness/cli/gate-command.ts';
import type { CliIo } from '../../harness/cli/cli.ts';
import { THIS_ROOT } from '../../harness/run/app-process.ts';
import { affinityOf } from '../../harness/run/gate/pin.ts';
import { median, present } from '../../harness/report/charts/stats.ts';
import type { GateRecord } from '../../harness/run/gate/runner.ts';
import { scenarios as registry } from '../../scenarios/index.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { runBench } from '../helpers/bench-process.ts';
import { makeSlowPhotoTree } from '../helpers/slow-route.ts';
import { isAlive, makeTempBase } from '../helpers/temp.ts';

/** A second route, untouched by the patch: profile reads, in the same trials as the photo reads. */
const profileReads: Scenario = {
  name: 'profile-reads',
  description: 'GET /users/:id (test scenario of the gate e2e test)',
  operations: [{ name: 'getUser', weight: 1, method: 'GET', path: '/users/{key}', key: { kind: 'zipf', population: 'users', theta: 0.99 }, actor: { kind: 'uniform', population: 'users' } }],
  executor: { kind: 'constant-arrival-rate', rate: 300, durationSec: 2, warmupSec: 1, connections: 8, maxInFlight: 10_000, timeoutMs: 2000 },
  thresholds: [],
};

const SHORT = ['--profile', 'tiny', '--logical-shards', '8', '--snapshots', 'off', '--workers', '1', '--window', '1500ms', '--warmup', '1s', '--closed-window', '1s', '--closed-warmup', '500ms'];

/**
 * Busy-wait per photo request: BUSY_SHARE of the app's own CPU per request without it
 * (test/helpers/slow-route.ts sizes it as the app runs), so about a quarter of the baseline's; the
 * test checks that size from the gate's own figures. A fixed 75 µs was a quarter on one machine and
 * 11-14% on a slower one, where the gate then FAILed one run in three. A spin costs the app more than
 * itself (at a share of 0.25 the gate measured the route's CPU per request 515 -> 869 µs, +69%, for a
 * spin of about 174 µs), hence 0.2. Even so a quarter more CPU would take a CPU-bound closed loop's
 * throughput down by only a fifth, right at the shipped -20% threshold, so this gate's throughput
 * threshold is the issue's -10%; p50 and p90 keep the shipped +25% / +45%. 6 blocks (12 pairs): 8
 * pairs leave little room for pairs turned around by the machine's noise.
 */
const BUSY_SHARE = 0.2;
const BLOCKS = 6;

/** Median closed-loop app CPU µs per photo request over a version's kept trials. */
function routeMicros(record: GateRecord, version: 'A' | 'B'): number | null {
  const kept = record.trials.filter((t) => !t.discarded && t.version === version);
  return median(present(kept.map((t) => t.scenarios['photo-reads']?.appCpuUsPerRequest.closed ?? null)));
}

function bufferIo(): CliIo & { text: () => string } {
  let text = '';
  return { out: (t) => void (text += t), err: (t) => void (text += t), text: () => text };
}

const gitWorktrees = (): string => execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: THIS_ROOT, encoding: 'utf8' });

describe('bench gate: an injected slowdown on one route', () => {
  const base = makeTempBase('tierbench-gate-e2e-');
  let record: GateRecord;
  let code: number;
  let io: ReturnType<typeof bufferIo>;
  let affinityBefore: string | null;
  const out = () => join(base.dir, 'out-a');

  beforeAll(async () => {
    const candidate = makeSlowPhotoTree(THIS_ROOT, join(base.dir, 'candidate'), BUSY_SHARE);
    const config = join(base.dir, 'gate-a.json');
    // Everything else as shipped (harness/gate/defaults.json): p50 +25%, p90 +45% at alpha 0.05, Holm over 6 gated
    // metrics (the smallest p must be <= 0.0083; twelve pairs reach it with two or three small pairs turned around).
    writeFileSync(config, JSON.stringify({ scenarios: ['photo-reads', 'profile-reads'], abbaBlocks: BLOCKS, relative: { throughput: '-10%' } }));
    affinityBefore = affinityOf(process.pid);
    io = bufferIo();
    // Unpinned: on a machine others load too, an app confined to one core is where their load lands
    // (the A-against-A test below keeps the default pinning).
    const argv = { baseline: THIS_ROOT, candidate, 'gate-config': config, rate: '150', 'order-seed': '7', pin: false, out: out() } as Record<string, unknown>;
    for (let i = 0; i < SHORT.length; i += 2) argv[SHORT[i]!.slice(2)] = SHORT[i + 1];
    code = await gateCommand(argv, io, { scenarios: { ...registry, [profileReads.name]: profileReads }, tmpBase: base.dir });
    record = JSON.parse(readFileSync(join(out(), 'gate.json'), 'utf8')) as GateRecord;
  }, 900_000);
  afterAll(() => base.remove());

  it('injected about a quarter of the photo route\'s app CPU per request, as the gate measured A and B', () => {
    const a = routeMicros(record, 'A');
    const b = routeMicros(record, 'B');
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    // The spin is BUSY_SHARE of B's CPU per request without it: BUSY_SHARE / (1 + BUSY_SHARE) of B's measured figure.
    const spin = (b! * BUSY_SHARE) / (1 + BUSY_SHARE);
    const why = `photo route A ${a} µs, B ${b} µs per request, spin about ${spin.toFixed(0)} µs`;
    expect(spin / a!, why).toBeGreaterThan(0.15);
    expect(spin / a!, why).toBeLessThan(0.4);
    expect(b! / a!, why).toBeGreaterThan(1.15);
  });

  it('FAILs (exit 99) on the slowed route: its closed-loop throughput significantly down beyond the threshold', () => {
    expect(code, io.text().slice(-3000)).toBe(99);
    expect(record.verdict).toBe('FAIL');
    const photo = record.report.ratios.filter((r) => r.scenario === 'photo-reads' && r.gated);
    expect(photo.map((r) => r.metric)).toEqual(['throughput', 'p50', 'p90']);
    expect(photo[0]!.verdict, photo[0]!.message).toBe('FAIL');
    expect(photo[0]!.stats!.estimatePct).toBeLessThan(-10);
    // Its p50 and p90 at half the capacity move by the busy-wait plus a little queueing (a few percent of ~2 ms): not where a quarter more CPU shows.
  });

  it('does not FAIL the other route measured in the same trials', () => {
    // Each scenario runs against a fresh app process of its own: when both ran in one process, the slowed route's closed
    // loop served fewer requests, V8 had compiled less of the code the routes share, and the other route FAILed too
    // (throughput -23.7%, its app CPU per request 190 -> 260-350 us; a run on a quiet machine).
    const other = record.report.ratios.filter((r) => r.scenario === 'profile-reads' && r.gated);
    expect(other.map((r) => r.metric)).toEqual(['throughput', 'p50', 'p90']);
    for (const r of other) expect(r.verdict, r.message).not.toBe('FAIL');
    for (const c of record.report.counts.filter((x) => x.scenario === 'profile-reads')) expect(c.verdict, c.message).toBe('PASS');
  });

  it('records every trial, the block orders, the versions and the load in gate.json', () => {
    expect(record.trials).toHaveLength(1 + BLOCKS * 4);
    expect(record.trials[0]).toMatchObject({ slot: 'warmup', discarded: true, version: 'A' });
    expect(record.plan.orders).toHaveLength(BLOCKS);
    expect(record.seeds.order).toBe(7);
    for (const t of record.trials) expect(Object.keys(t.scenarios)).toEqual(['photo-reads', 'profile-reads']);
    // ABBA or BAAB: each block has two A and two B trials, a fresh app process each.
    for (let b = 0; b < BLOCKS; b++) expect(record.trials.filter((t) => t.block === b).map((t) => t.version).sort()).toEqual(['A', 'A', 'B', 'B']);
    // A fresh app process per scenario and trial: what the slowed route costs cannot carry over to the other route's figures.
    const pids = record.trials.flatMap((t) => Object.values(t.scenarios).map((m) => m.appPid));
    expect(new Set(pids).size).toBe(record.trials.length * 2);
    expect(record.versions.baseline).toMatchObject({ kind: 'directory', label: 'A' });
    expect(record.versions.candidate).toMatchObject({ kind: 'directory', label: 'B' });
    expect(record.loads.map((l) => [l.scenario, l.method, l.gateRate])).toEqual([
      ['photo-reads', 'given', 150],
      ['profile-reads', 'given', 150],
    ]);
    const m = record.trials[1]!.scenarios['photo-reads']!;
    expect(m.gated['ok.rate']).toBe(m.closed['ok.rate']);
    expect(m.gated['latency.p50']).toBe(m.open['latency.p50']);
  });

  it('writes gate.md under 64 KiB with the verdict table, and a self-contained gate.html with the paired values drawn', () => {
    const md = readFileSync(join(out(), 'gate.md'), 'utf8');
    expect(Buffer.byteLength(md)).toBeLessThan(64 * 1024);
    expect(md).toMatch(/^## Performance gate: ✗ FAIL \(exit 99\)/);
    expect(md).toContain('| photo-reads | throughput (closed loop) | -10.0% |');
    expect(md).toContain('Smallest detectable change');
    const html = readFileSync(join(out(), 'gate.html'), 'utf8');
    expect(html.match(/<img src="data:image\/webp;base64,/g)?.length).toBe(4);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('leaves nothing running or behind, and gives the harness its CPU affinity back', () => {
    for (const t of record.trials) for (const m of Object.values(t.scenarios)) expect(isAlive(m.appPid)).toBe(false);
    expect(readdirSync(base.dir).filter((f) => f.startsWith('tierbench-'))).toEqual([]);
    expect(affinityOf(process.pid)).toBe(affinityBefore);
    expect(record.environment.pinning).toMatchObject({ applied: false, note: 'not pinned (--pin off)' });
  });
});

describe('bench gate: A against A', () => {
  const base = makeTempBase('tierbench-gate-aa-');
  let run: ReturnType<typeof runBench>;
  let record: GateRecord;
  let code: number | null;

  beforeAll(async () => {
    const config = join(base.dir, 'gate-aa.json');
    // p50 alone at alpha 0.1: 2 blocks (4 pairs, smallest p 1/16) can FAIL, so the core accepts it.
    // +50%, as in CI's self-test: this checks the A/A path end to end (work trees, exit 0), not the
    // false-fail rate (gate-simulation.test.ts does). With +10% an A/A gate here FAILed once on a quiet
    // machine: p50 +12.0% [+1.9%, +22.6%], p = 1/16, 4 pairs of p50s near 1.4 ms.
    writeFileSync(config, JSON.stringify({ scenarios: ['photo-reads'], abbaBlocks: 2, alpha: 0.1, relative: { throughput: 'report', p50: '+50%', p90: 'report', p99: 'report' } }));
    run = runBench(['gate', '--baseline', 'HEAD', '--candidate', 'HEAD', '--gate-config', config, ...SHORT, '--sweep-window', '1s', '--sweep-windows', '4', '--out', join(base.dir, 'out')], base.dir, THIS_ROOT);
    ({ code } = await run.exit);
    record = JSON.parse(readFileSync(join(base.dir, 'out', 'gate.json'), 'utf8')) as GateRecord;
  }, 900_000);
  afterAll(() => base.remove());

  it('does not FAIL: exit 0, both versions the same commit in git work trees', () => {
    expect(code, run.stdout().slice(-3000) + run.stderr()).toBe(0);
    expect(['PASS', 'INCONCLUSIVE']).toContain(record.verdict);
    expect(record.versions.baseline).toMatchObject({ kind: 'git-ref', dirty: false });
    expect(record.versions.candidate.sha).toBe(record.versions.baseline.sha);
    expect(run.stdout()).toContain(`gate: ${record.verdict} (exit 0)`);
  });

  it('measured the baseline\'s capacity by a short sweep, started at about half of it, and lowered it only as the fresh-trial checks said', () => {
    const load = record.loads[0]!;
    expect(load.method).toBe('sweep');
    expect(load.sweepSteps.length).toBeGreaterThan(0);
    expect(load.sweepSteps.every((s) => s.durationSec === 1)).toBe(true);
    const checks = load.freshTrialChecks;
    expect(checks.length).toBeGreaterThan(0);
    if (load.capacity) expect(checks[0]!.rate).toBe(Math.round(load.capacity.rate * 0.5));
    for (let i = 1; i < checks.length; i++) expect(checks[i]!.rate).toBe(checks[i - 1]!.nextRate);
    expect(load.gateRate).toBe(checks.at(-1)!.rate);
    expect(load.gateRate).toBeGreaterThan(0);
  });

  it('removes its git work trees and temp folders', () => {
    expect(gitWorktrees()).not.toContain(base.dir);
    expect(readdirSync(base.dir).filter((f) => f.startsWith('tierbench-gate-'))).toEqual([]);
    expect(existsSync(join(base.dir, 'out', 'gate.md'))).toBe(true);
  });
});
