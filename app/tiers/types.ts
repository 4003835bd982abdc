import type { PgPool, PgTarget } from '../adapters/postgres.ts';

/** A tier's routing policy: which PostgreSQL node serves a logical shard's reads and writes. */
export interface TierRouter {
  readonly name: string;
  /**
   * Read-your-writes by writer pinning: a session that wrote is pinned to the primary for a while,
   * and its reads go there (the app then runs each request in a request context and pins a session
   * after a write). True for the replicas tier while config.readYourWritesMs > 0; false for tiers
   * whose reads already see every write.
   */
  readonly pinsWriters: boolean;
  readPool(shard: number): PgTarget;
  writePool(shard: number): PgTarget;
  /**
   * The node (its index among the primaries) that takes a shard's writes: statements for several
   * shards of one node go together (the outbox's batches).
   */
  writeNode(shard: number): number;
  /** PostgreSQL nodes the router is not sending to now (marked down after failing), for /health. */
  downNodes(): string[];
  /** Every pool it holds: primaries in shard-map order, then replicas. */
  pools(): readonly PgPool[];
  close(): Promise<void>;
}
