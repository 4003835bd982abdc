import { StackError } from '../errors.ts';
import { DEFAULT_REPLICAS, type NodeRole, type Stack, type StackNode } from './types.ts';

/** The PostgreSQL nodes a tier needs, in shard-map order. */
export function pgNodesFor(tier: string, pgShards: number): Array<{ name: string; role: NodeRole }> {
  switch (tier) {
    case 'cache':
    case 'replicas':
      return [{ name: 'pg-primary', role: 'pg-primary' }];
    case 'sharded':
      return Array.from({ length: pgShards }, (_, i) => ({ name: `pg-shard-${i}`, role: `pg-shard-${i}` as NodeRole }));
    default:
      throw new StackError(`no topology for tier "${tier}" yet`);
  }
}

/** The streaming replicas a tier needs: `requested` (default DEFAULT_REPLICAS) for the `replicas` tier, none for the others. */
export function replicaCountFor(tier: string, requested?: number): number {
  return tier === 'replicas' ? (requested ?? DEFAULT_REPLICAS) : 0;
}

/** The streaming replicas of a stack (the `replicas` tier), by name. */
export function replicasOf(stack: Pick<Stack, 'nodes'>): StackNode[] {
  return stack.nodes.filter((n) => n.role === 'pg-replica').sort((a, b) => a.name.localeCompare(b.name));
}

/** The primaries of a stack in shard-map order (pg-primary, or pg-shard-0..P-1). */
export function primaries(stack: Pick<Stack, 'nodes'>): StackNode[] {
  const shards = stack.nodes.filter((n) => n.role.startsWith('pg-shard-')).sort((a, b) => shardIndex(a) - shardIndex(b));
  if (shards.length) return shards;
  const primary = stack.nodes.filter((n) => n.role === 'pg-primary');
  if (!primary.length) throw new StackError('the stack has no PostgreSQL primary');
  return primary;
}

const shardIndex = (n: StackNode): number => Number(n.role.slice('pg-shard-'.length));
