/**
 * The shard map: logical shards in contiguous ranges over the physical nodes, node i holding
 * [floor(i·L/P), floor((i+1)·L/P)). Moving shards later means changing ranges, not rows' keys.
 */
export function nodeOfShard(shard: number, logicalShards: number, nodes: number): number {
  return Math.min(nodes - 1, Math.floor(((shard + 1) * nodes - 1) / logicalShards));
}

export function shardsOfNode(node: number, logicalShards: number, nodes: number): { first: number; last: number } {
  return { first: Math.floor((node * logicalShards) / nodes), last: Math.floor(((node + 1) * logicalShards) / nodes) - 1 };
}

export function shardRange(node: number, logicalShards: number, nodes: number): string {
  const { first, last } = shardsOfNode(node, logicalShards, nodes);
  return first === last ? String(first) : `${first}-${last}`;
}
