/**
 * npm run perf:generator — the load generator against references, side by side in one run on a
 * trivial HTTP endpoint (the app is not involved):
 *  - throughput: our generator's maximum req/s (closed loop) against wrk's, same connections, the
 *    server pinned to one core and the client to the other; rounds alternate which goes first, and
 *    the figure is the median of the per-round ratios;
 *  - stall accuracy: the server paused (SIGSTOP) for 1 s at 1,000 req/s, at the start, the middle and
 *    the last second of a 30 s window; corrected p99 and p99.9 against what a 1 s stall implies (a
 *    request due t ms into it waits about 1000 - t ms).
 * The last line is one JSON object.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OperationSpec, Scenario } from '../../scenarios/types.ts';
import { monotonicUs } from '../drive/clock.ts';
import { drive } from '../drive/run.ts';
import type { DriveOutput } from '../drive/types.ts';
import { spawnReady } from '../run/app-process.ts';
import { Supervisor } from '../stack/supervisor.ts';
import { ensureCommands } from '../stack/system-packages.ts';
import { perfGeneratorOptions } from '../config/perf-generator-options.ts';
import { failUnlessStopping, perfFlags, stopOnSignals } from './args.ts';

const THROUGHPUT_SECONDS = 5;
const STALL_RATE = 1000;
const STALL_WINDOW_S = 30;
const STALL_POSITIONS = { start: 0, middle: 15, last: 29 } as const;

const log = (line: string) => process.stderr.write(line + '\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const populations = { photos: ['1', '2', '3'], users: ['1'] };
const operations: OperationSpec[] = [{ name: 'ping', weight: 1, method: 'GET', path: '/ping' }];

/** Pins a process (all its threads) to one CPU; false where taskset is missing or refuses. */
function pin(pid: number, cpu: number): boolean {
  return spawnSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' }).status === 0;
}

function wrkRequestsPerSec(wrk: string, url: string, pinned: boolean, connections: number): number {
  const args = ['-t1', `-c${connections}`, `-d${THROUGHPUT_SECONDS}s`, url];
  const out = pinned ? execFileSync('taskset', ['-c', '1', wrk, ...args], { encoding: 'utf8' }) : execFileSync(wrk, args, { encoding: 'utf8' });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!m) throw new Error(`could not read wrk's output:\n${out}`);
  return Number(m[1]);
}

async function oursRequestsPerSec(url: string, connections: number): Promise<number> {
  const scenario: Scenario = { name: 'max', description: 'closed loop', operations, thresholds: [], executor: { kind: 'closed-loop', connections, durationSec: THROUGHPUT_SECONDS, warmupSec: 1, timeoutMs: 5000 } };
  const out = await drive({ baseUrl: url, scenario, seed: 1, populations, workers: 1 });
  return out.operations.ping!.counts.ok / THROUGHPUT_SECONDS;
}

/** A 1 s stall atSec into the window, at STALL_RATE: what the generator measured. */
async function stalled(url: string, serverPid: number, atSec: number): Promise<DriveOutput> {
  const scenario: Scenario = {
    name: 'stall',
    description: 'a trivial route while its server is paused',
    operations,
    thresholds: [],
    executor: { kind: 'constant-arrival-rate', rate: STALL_RATE, durationSec: STALL_WINDOW_S, warmupSec: 2, connections: 16, maxInFlight: 10_000, timeoutMs: 5000 },
  };
  const events = new EventEmitter();
  events.once('schedule', (_start: number, windowStartUs: number) => {
    setTimeout(() => {
      process.kill(serverPid, 'SIGSTOP');
      setTimeout(() => process.kill(serverPid, 'SIGCONT'), 1000);
    }, (windowStartUs - monotonicUs()) / 1000 + atSec * 1000);
  });
  return drive({ baseUrl: url, scenario, seed: 1, populations, workers: 1 }, events);
}

/** What a 1 s stall implies for percentile p of N = rate * window requests. */
function expectedStallMs(p: number): number {
  const tail = (1 - p / 100) * STALL_RATE * STALL_WINDOW_S;
  return 1000 - (tail / STALL_RATE) * 1000;
}

async function main(): Promise<void> {
  const f = await perfFlags('perf:generator', perfGeneratorOptions);
  const [rounds, connections] = [Number(f.rounds), Number(f.connections)];
  const [wrk] = ensureCommands([{ command: 'wrk', pkg: 'wrk' }], log);
  const runDir = mkdtempSync(join(tmpdir(), 'tierbench-perf-'));
  chmodSync(runDir, 0o755);
  const sup = new Supervisor(runDir, false);
  stopOnSignals('perf:generator', () => sup.stopAll());
  try {
    const trivial = await spawnReady(sup, 'trivial', fileURLToPath(new URL('./trivial-server.ts', import.meta.url)), {}, 'listening');
    const url = `http://127.0.0.1:${Number(trivial.line.port)}`;
    const pinned = pin(trivial.proc.pid, 0) && pin(process.pid, 1);
    log(pinned ? 'server pinned to CPU 0, clients (wrk, our generator) to CPU 1' : 'taskset unavailable: nothing pinned, figures are noisier');

    const perRound: Array<{ wrk: number; ours: number; ratio: number }> = [];
    for (let round = 0; round < rounds; round++) {
      const sides = round % 2 === 0 ? (['wrk', 'ours'] as const) : (['ours', 'wrk'] as const);
      const r: Record<string, number> = {};
      for (const side of sides) r[side] = side === 'wrk' ? wrkRequestsPerSec(wrk!, `${url}/ping`, pinned, connections) : await oursRequestsPerSec(url, connections);
      const ratio = r.ours! / r.wrk!;
      perRound.push({ wrk: Math.round(r.wrk!), ours: Math.round(r.ours!), ratio: Number(ratio.toFixed(3)) });
      log(`round ${round + 1}: wrk ${r.wrk!.toFixed(0)} req/s, ours ${r.ours!.toFixed(0)} req/s (closed loop, ${connections} connections): ${ratio.toFixed(3)}`);
    }

    const stalls: Record<string, { p99Ms: number; p999Ms: number; p99VsExpected: number; p999VsExpected: number; latenessP99Ms: number; limited: boolean }> = {};
    for (const [where, atSec] of Object.entries(STALL_POSITIONS)) {
      const out = await stalled(url, trivial.proc.pid, atSec);
      const all = out.operations.ping!.latency.all.percentilesUs;
      const p99Ms = all.p99 / 1000;
      const p999Ms = all['p99.9'] / 1000;
      stalls[where] = {
        p99Ms,
        p999Ms,
        p99VsExpected: Number((p99Ms / expectedStallMs(99)).toFixed(3)),
        p999VsExpected: Number((p999Ms / expectedStallMs(99.9)).toFixed(3)),
        latenessP99Ms: out.generator.sendLateness.percentilesUs.p99 / 1000,
        limited: out.generator.limited,
      };
      log(`stall at ${where} (${atSec}s): p99 ${p99Ms.toFixed(1)} ms (expected ${expectedStallMs(99).toFixed(0)}), p99.9 ${p999Ms.toFixed(1)} ms (expected ${expectedStallMs(99.9).toFixed(0)}), send lateness p99 ${stalls[where]!.latenessP99Ms.toFixed(2)} ms${out.generator.limited ? `, generator limited: ${out.generator.limitReasons.join('; ')}` : ''}`);
    }
    const byPosition = (k: 'p99VsExpected' | 'p999VsExpected') => Object.fromEntries(Object.entries(stalls).map(([w, s]) => [w, s[k]]));
    process.stdout.write(
      JSON.stringify({
        generatorVsWrk: median(perRound.map((r) => r.ratio)),
        perRound,
        stallP99VsExpected: byPosition('p99VsExpected'),
        stallP999VsExpected: byPosition('p999VsExpected'),
        sendLatenessP99Ms: median(Object.values(stalls).map((s) => s.latenessP99Ms)),
        pinned,
        stalls,
      }) + '\n',
    );
  } finally {
    await sup.stopAll();
  }
}

main().catch(failUnlessStopping('perf:generator'));
