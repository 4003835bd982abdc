import { parentPort, workerData } from 'node:worker_threads';
import { realClock } from './clock.ts';
import { createHttpTransport } from './http-driver.ts';
import { watchThread } from './monitor.ts';
import { ClosedModel } from './closed-model.ts';
import { OpenModel, type ProgressSecond } from './open-model.ts';
import { createSchedule } from './schedule.ts';
import { durationSecOf } from '../../scenarios/executors.ts';
import { cachedSessionTokens } from './sessions.ts';
import type { FromGenerator, GeneratorTask, ToGenerator } from './worker-protocol.ts';

/**
 * One generator thread: its slice of the request stream, on its own connections and event loop.
 * Reports each second of progress and, at the end, its part of the window and its own health.
 */
const task = (workerData as { data: GeneratorTask }).data;
const port = parentPort!;
const post = (m: FromGenerator): void => port.postMessage(m);

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* test seam: the generator's own event loop blocked */
  }
}

try {
  const { scenario, seed, populations } = task;
  const e = scenario.executor;
  const options = task.sessionSeed === undefined ? {} : { sessionToken: cachedSessionTokens(task.sessionSeed) };
  const warmup = e.warmupSec > 0 ? createSchedule(scenario, seed, populations, 'warmup', options) : null;
  const measure = createSchedule(scenario, seed, populations, '', options);
  const clock = realClock();
  const transport = createHttpTransport({ baseUrl: task.baseUrl, connections: task.connections, connectTimeoutMs: e.timeoutMs, clock: clock.nowUs });
  let model: OpenModel | ClosedModel | undefined;
  port.on('message', (m: ToGenerator) => {
    if (m.type === 'abort') return model?.abort();
    const windowStartUs = m.startUs + e.warmupSec * 1e6;
    const common = {
      operationNames: scenario.operations.map((o) => o.name),
      warmup,
      measure,
      slice: task.slice,
      startUs: m.startUs,
      warmupUs: e.warmupSec * 1e6,
      durationUs: durationSecOf(e) * 1e6,
      clock,
      transport,
      onSecond: (progress: ProgressSecond) => post({ type: 'second', progress }),
    };
    model =
      e.kind === 'closed-loop'
        ? new ClosedModel({ ...common, connections: task.connections, timeoutUs: e.timeoutMs * 1000 })
        : new OpenModel({ ...common, limits: { connections: task.connections, maxInFlight: task.maxInFlight, timeoutUs: e.timeoutMs * 1000 } });
    let watch: ReturnType<typeof watchThread> | undefined;
    setTimeout(() => (watch = watchThread()), Math.max(0, (windowStartUs - clock.nowUs()) / 1000));
    if (task.blockGenerator) {
      const { afterWindowStartMs, forMs } = task.blockGenerator;
      setTimeout(() => busyWait(forMs), Math.max(0, (windowStartUs - clock.nowUs()) / 1000 + afterWindowStartMs));
    }
    model.start();
    void model.done.then(async (output) => {
      const health = (watch ?? watchThread()).stop();
      await transport.destroy().catch(() => {});
      post({ type: 'done', output, health });
    });
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : 'Error' });
}
