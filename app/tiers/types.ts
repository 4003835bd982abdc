import type { PgPool } from '../adapters/postgres.ts';

/** A tier's routing policy: which PostgreSQL pool serves a logical shard's reads and writes. */
export interface TierRouter {
  readonly name: string;
  readPool(shard: number): PgPool;
  writePool(shard: number): PgPool;
  close(): Promise<void>;
}
