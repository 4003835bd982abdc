import { describe, expect, it } from 'vitest';
import { countByKind, statementKind } from '../../harness/metrics/statements.ts';

describe('statementKind', () => {
  it('names the shard schema a statement writes to', () => {
    expect(statementKind('UPDATE s0003.photos SET like_count = like_count + $1 WHERE id = $2')).toEqual({ shard: 's0003', write: true, harness: false });
    expect(statementKind('WITH p AS (SELECT id FROM s0012.photos), ch AS (INSERT INTO s0012.likes (photo_id) SELECT id FROM p)')).toEqual({ shard: 's0012', write: true, harness: false });
    expect(statementKind('DELETE FROM s0063.outbox WHERE id = $1')).toMatchObject({ shard: 's0063', write: true });
  });

  it('tells reads, statements outside the shard schemas and the harness own apart', () => {
    expect(statementKind('SELECT id FROM s0001.photos WHERE id = $1')).toEqual({ shard: 's0001', write: false, harness: false });
    expect(statementKind('INSERT INTO users_global (id) VALUES ($1)')).toEqual({ shard: null, write: false, harness: false });
    expect(statementKind('/* tierbench-harness */ SELECT xact_commit FROM pg_stat_database')).toMatchObject({ harness: true });
  });
});

describe('countByKind', () => {
  const read = statementKind('SELECT 1 FROM s0001.photos');
  const w1 = statementKind('UPDATE s0001.photos SET x = 1');
  const w2 = statementKind('DELETE FROM s0002.outbox WHERE id = $1');
  const harness = statementKind('/* tierbench-harness */ SELECT 1');

  it('sums writes per shard, across the entries of one shard, and leaves the harness out', () => {
    expect(countByKind([{ calls: 5, kind: read }, { calls: 3, kind: w1 }, { calls: 4, kind: w1 }, { calls: 2, kind: w2 }, { calls: 100, kind: harness }])).toEqual({
      queries: 14,
      writes: 9,
      shardWrites: { s0001: 7, s0002: 2 },
    });
  });

  it('counts an entry whose text is not read yet as a query that writes nowhere', () => {
    expect(countByKind([{ calls: 6, kind: null }, { calls: 1, kind: w2 }])).toEqual({ queries: 7, writes: 1, shardWrites: { s0002: 1 } });
  });
});
