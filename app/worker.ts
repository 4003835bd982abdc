import { startFanoutWorker, workerName } from './adapters/queue.ts';
import { createContext } from './build.ts';
import { parseAppConfig } from './config.ts';
import { failStartup, stopOnSignals } from './process-lifecycle.ts';
import { fanOutChunk } from './services/fanout.ts';

/**
 * A fan-out worker as its own process (Instagram ran ~200 of them). Prints
 * `{"event":"worker-ready"}` when consuming; exits on SIGTERM/SIGINT after the jobs in hand.
 */
async function main(): Promise<void> {
  const config = parseAppConfig(process.env.TIERBENCH_APP);
  const ctx = createContext(config);
  const delayMs = Number(process.env.TIERBENCH_FANOUT_CHUNK_DELAY_MS ?? 0);
  const worker = startFanoutWorker(config.redis, (job) => fanOutChunk(ctx, job, config.fanoutChunk, delayMs), {
    // Jobs name the process working on them: a fault scenario kills the worker holding one.
    name: workerName(process.pid),
    concurrency: Number(process.env.TIERBENCH_WORKER_CONCURRENCY ?? 4),
    lockDurationMs: 5_000,
    stalledIntervalMs: 2_000,
  });
  process.stdout.write(JSON.stringify({ event: 'worker-ready', pid: process.pid }) + '\n');
  stopOnSignals(() => worker.close().then(() => ctx.close()), 5000);
}

main().catch(failStartup('worker'));
