import type { CapacityModel, NodeCapacity } from './capacity.ts';

/** A stack: the nodes one tier needs and how to reach them. */

export type NodeRole = 'pg-primary' | 'pg-replica' | `pg-shard-${number}` | 'redis' | 'memcached';

export interface StackNode {
  name: string;
  role: NodeRole;
  host: string;
  port: number;
  /** postgres://, redis:// or host:port for memcached. */
  url: string;
  pid: number | null;
  version: string;
  /** Local PostgreSQL nodes under the capacity model: the node's cpuacct cgroup (exact CPU time). */
  cpuacctDir?: string | null;
  /** The node's CPU quota in CPUs, where the capacity model applies one. */
  cpuQuota?: number | null;
}

export interface Stack {
  provider: string;
  tier: string;
  nodes: StackNode[];
  /** Where this stack keeps its data and logs (removed by down() when the stack is owned). */
  runDir: string;
  /** False when the run attached to a stack started earlier with `bench stack up`: down() leaves it. */
  owned: boolean;
  /** The node capacity model as applied (or why not). */
  capacity: CapacityModel;
  /**
   * Runs setup work (seeding) with the nodes' CPU quotas lifted, putting them back afterwards: the
   * capacity model is about the measured trial, not about how fast a dataset loads.
   */
  withCpuUnlimited<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Stopping, killing and starting single nodes, for fault scenarios; absent where this process
   * does not own the nodes' processes (docker, external, a stack kept by `bench stack up`).
   */
  control?: NodeControl;
  down(): Promise<void>;
}

/**
 * A node's process stopped and started again on the same data directory and port (fault
 * scenarios). Each call resolves when it is done: stop and kill once every process of the node is
 * gone, start once the node answers (a Redis loading its data, a PostgreSQL in crash recovery
 * take their time). The node's pid in the stack is updated by start.
 */
export interface NodeControl {
  /** Node names it can act on. */
  readonly nodes: readonly string[];
  /** A clean stop: SIGTERM (PostgreSQL: SIGINT, a fast shutdown; Redis writes its append-only file). */
  stop(node: string): Promise<void>;
  /** A crash: SIGKILL to the node's process group (a PostgreSQL's backends with its postmaster). */
  kill(node: string): Promise<void>;
  /** Starts a stopped or killed node again, as it ran before; resolves once it answers. */
  start(node: string): Promise<void>;
}

export interface StackRequest {
  tier: string;
  /** Base folder for the run directory (default: the OS temp dir). */
  baseDir?: string;
  /** CPU quota and memory budget per PostgreSQL node (cgroup v1 where possible). */
  capacity?: NodeCapacity;
  /** Streaming replicas of the `replicas` tier (default DEFAULT_REPLICAS). */
  replicas?: number;
  /** PostgreSQL primaries of the `sharded` tier (default DEFAULT_PG_SHARDS). */
  pgShards?: number;
  /** external provider: the JSON file naming the nodes. */
  externalConfig?: string;
  /** Start from a snapshot's data instead of empty servers (local provider). */
  restore?: RestoreFrom;
  /** Keep the servers running after this process exits (`bench stack up`). */
  persistent?: boolean;
  /** Lines for the terminal (installing packages, starting nodes). */
  log: (line: string) => void;
}

/** A snapshot's data: a PostgreSQL data directory per primary (shard-map order) and a Redis RDB file. */
export interface RestoreFrom {
  primaries: string[];
  redisRdb: string;
}

/** For providers whose CPU limits cannot be lifted (or that have none). */
export const asIs = <T>(work: () => Promise<T>): Promise<T> => work();

export const DEFAULT_PG_SHARDS = 4;
export const DEFAULT_REPLICAS = 2;

export interface StackProvider {
  readonly name: string;
  up(request: StackRequest): Promise<Stack>;
}

export function nodeByRole(stack: Pick<Stack, 'nodes'>, role: NodeRole): StackNode {
  const node = stack.nodes.find((n) => n.role === role);
  if (!node) throw new Error(`stack has no ${role} node`);
  return node;
}
