import { describe, expect, it } from 'vitest';
import { nodeOfShard, shardsOfNode } from '../../app/schema/shard-map.ts';

describe('shard map', () => {
  it('puts every logical shard on exactly the node whose range holds it', () => {
    for (const [L, P] of [[1, 1], [8, 1], [8, 4], [64, 4], [1024, 4], [1000, 3], [7, 7], [5, 3]] as const) {
      const seen = new Array<number>(L).fill(0);
      for (let node = 0; node < P; node++) {
        const { first, last } = shardsOfNode(node, L, P);
        for (let s = first; s <= last; s++) {
          seen[s]!++;
          expect(nodeOfShard(s, L, P), `L=${L} P=${P} shard ${s}`).toBe(node);
        }
      }
      expect(seen.every((n) => n === 1)).toBe(true);
    }
  });
});
