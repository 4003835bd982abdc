import { Worker } from 'node:worker_threads';

const BOOT = new URL('./boot.mjs', import.meta.url);

/** Starts a worker thread running a TypeScript module; `data` reaches it as workerData.data. */
export function spawnWorker(entry: URL, data: unknown): Worker {
  return new Worker(BOOT, { workerData: { entry: entry.href, data } });
}
