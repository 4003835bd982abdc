// Entry of every worker thread: TypeScript sources load through tsx (no build step), as in
// bin/bench.mjs. A thread does not inherit the loader hooks its parent registered.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
