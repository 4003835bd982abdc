import type { BackendSample, CpuSource } from './backends.ts';

/** What the sampler thread reads: every node of the stack a trial runs on. */
export interface SamplerTask {
  memcachedUrl: string | null;
  redisUrl: string | null;
  /** PostgreSQL nodes: primaries in shard-map order, then replicas. */
  postgres: Array<{ url: string } & CpuSource>;
  /** Replica lag: the primary they stream from, and the replicas (the last ones of `postgres`). */
  lag: { primaryUrl: string; replicaUrls: string[] } | null;
}

export type ToSampler = { type: 'start'; windowStartUs: number; samples: number } | { type: 'stop' };

export type FromSampler = { type: 'ready' } | { type: 'sample'; index: number; sample: BackendSample } | { type: 'done' } | { type: 'error'; message: string };
