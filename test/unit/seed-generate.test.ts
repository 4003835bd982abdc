import { describe, expect, it } from 'vitest';
import { shardOf } from '../../app/schema/ids.ts';
import { generateDataset } from '../../harness/seed/generate.ts';
import { profiles } from '../../harness/seed/profiles.ts';

describe('seed generation', () => {
  const tiny = profiles.tiny!;
  it('gives the same rows for the same seed and different rows for another', () => {
    const a = generateDataset(tiny, 42, 16);
    const b = generateDataset(tiny, 42, 16);
    const c = generateDataset(tiny, 43, 16);
    expect(a.digest).toBe(b.digest);
    expect(a.photos.map((p) => p.id)).toEqual(b.photos.map((p) => p.id));
    expect(c.digest).not.toBe(a.digest);
  });

  it("puts each photo on its owner's shard, with unique ids that decode to the row's shard", () => {
    const d = generateDataset(tiny, 7, 16);
    expect(d.users).toHaveLength(tiny.users);
    expect(d.photos).toHaveLength(tiny.photos);
    const ids = new Set([...d.users.map((u) => u.id), ...d.photos.map((p) => p.id)]);
    expect(ids.size).toBe(tiny.users + tiny.photos);
    for (const p of d.photos) {
      expect(shardOf(p.id)).toBe(p.shard);
      expect(shardOf(p.ownerId)).toBe(p.shard);
    }
    expect(d.users.reduce((n, u) => n + u.photoCount, 0)).toBe(tiny.photos);
    // Skewed: the busiest 1% of users own far more than 1% of photos.
    const counts = d.users.map((u) => u.photoCount).sort((x, y) => y - x);
    const top = counts.slice(0, tiny.users / 100).reduce((n, c) => n + c, 0);
    expect(top / tiny.photos).toBeGreaterThan(0.05);
  });
});
