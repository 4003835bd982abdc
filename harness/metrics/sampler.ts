import { spawnWorker } from '../threads/spawn.ts';
import { monotonicUs } from '../drive/clock.ts';
import type { BackendSample } from './backends.ts';
import type { FromSampler, SamplerTask, ToSampler } from './sampler-protocol.ts';

const WORKER = new URL('./sampler-worker.ts', import.meta.url);
/** How long finish() waits for a sample that fell due but has not arrived (a node hanging). */
const LATE_SAMPLE_MS = 5_000;

export interface Sampler {
  /** Samples at windowStartUs and every second after it: `samples` in all (window seconds + 1). */
  begin(windowStartUs: number, samples: number): void;
  /** The samples that fell due so far, in order; stops the sampler thread. */
  finish(): Promise<BackendSample[]>;
}

/** Starts the backend sampler thread and waits until its connections are made. */
export async function startSampler(task: SamplerTask): Promise<Sampler> {
  const worker = spawnWorker(WORKER, task);
  const samples: BackendSample[] = [];
  let failure: Error | null = null;
  let window: { startUs: number; samples: number } | null = null;
  let onSample = (): void => {};
  let onDone = (): void => {};
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: FromSampler) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'sample') {
        samples[m.index] = m.sample;
        onSample();
      } else if (m.type === 'done') onDone();
      else failure = new Error(`backend sampler: ${m.message}`);
    });
    worker.on('error', (err) => ((failure = err), reject(err)));
  });
  await ready;
  const post = (m: ToSampler): void => worker.postMessage(m);
  return {
    begin(windowStartUs, count) {
      window = { startUs: windowStartUs, samples: count };
      post({ type: 'start', windowStartUs, samples: count });
    },
    async finish() {
      if (window) {
        const w = window;
        const due = Math.min(w.samples, Math.floor((monotonicUs() - w.startUs) / 1e6) + 1);
        const arrived = () => samples.filter(Boolean).length >= due;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, LATE_SAMPLE_MS);
          onSample = () => arrived() && (clearTimeout(timer), resolve());
          onSample();
        });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, LATE_SAMPLE_MS);
        onDone = () => (clearTimeout(timer), resolve());
        post({ type: 'stop' });
      });
      await worker.terminate();
      if (failure) throw failure;
      // Samples in order, up to the first one missing.
      const out: BackendSample[] = [];
      for (const s of samples) {
        if (!s) break;
        out.push(s);
      }
      return out;
    },
  };
}
