import { parentPort, workerData } from 'node:worker_threads';
import { realClock } from './clock.ts';
import { createHttpTransport } from './http-driver.ts';
import { watchThread } from './monitor.ts';
import { scenarioStreams, warmupSecOf } from '../../scenarios/streams.ts';
import type { ClosedModel } from './closed-model.ts';
import type { OpenModel, ProgressSecond } from './open-model.ts';
import { prepareModel } from './trial-model.ts';
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
  const { scenario } = task;
  const clock = realClock();
  const setup = { ...task, ...(task.sessionSeed === undefined ? {} : { sessionToken: cachedSessionTokens(task.sessionSeed) }) };
  // Schedules are compiled now (before 'ready'), so the start is not delayed by their set-up.
  const build = prepareModel(setup);
  const transports = scenarioStreams(scenario).map((st, i) =>
    createHttpTransport({ baseUrl: task.baseUrl, connections: task.connections[i]!, connectTimeoutMs: st.executor.timeoutMs, clock: clock.nowUs }),
  );
  let model: OpenModel | ClosedModel | undefined;
  port.on('message', (m: ToGenerator) => {
    if (m.type === 'abort') return model?.abort();
    const windowStartUs = m.startUs + warmupSecOf(scenario) * 1e6;
    model = build(m.startUs, clock, transports, (progress: ProgressSecond) => post({ type: 'second', progress }));
    let watch: ReturnType<typeof watchThread> | undefined;
    setTimeout(() => (watch = watchThread()), Math.max(0, (windowStartUs - clock.nowUs()) / 1000));
    if (task.blockGenerator) {
      const { afterWindowStartMs, forMs } = task.blockGenerator;
      setTimeout(() => busyWait(forMs), Math.max(0, (windowStartUs - clock.nowUs()) / 1000 + afterWindowStartMs));
    }
    model.start();
    void model.done.then(async (output) => {
      const health = (watch ?? watchThread()).stop();
      await Promise.all(transports.map((t) => t.destroy().catch(() => {})));
      post({ type: 'done', output, health });
    });
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : 'Error' });
}
