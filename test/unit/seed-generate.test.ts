import { describe, expect, it } from 'vitest';
import { decodeId, shardOf } from '../../app/schema/ids.ts';
import { copyContext } from '../../harness/seed/copy-rows.ts';
import { digestOf } from '../../harness/seed/load.ts';
import { buildPopulation } from '../../harness/seed/population.ts';
import { profiles } from '../../harness/seed/profiles.ts';

const tiny = profiles.tiny!;
const digest = (seed: number, shards = 16): string => digestOf(copyContext(buildPopulation(tiny, seed, shards), 'hash'), shards);

describe('seed population', () => {
  it('gives the same rows, byte for byte, for the same profile and seed, and different rows for another seed', () => {
    const a = digest(42);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(digest(42)).toBe(a);
    expect(digest(43)).not.toBe(a);
  });

  const pop = buildPopulation(tiny, 7, 16);
  const users = pop.users.count;

  it("makes unique ids that decode to their row's shard, photos on their owner's shard", () => {
    const ids = new Set([...pop.users.id, ...pop.photos.id, ...pop.comments.id]);
    expect(ids.size).toBe(tiny.users + tiny.photos + tiny.comments);
    for (let p = 0; p < pop.photos.count; p++) {
      expect(shardOf(pop.photos.id[p]!)).toBe(pop.users.shard[pop.photos.owner[p]!]);
      expect(Number(decodeId(pop.photos.id[p]!).timeMs)).toBeGreaterThanOrEqual(pop.photos.ms[p]!);
    }
    for (let c = 0; c < pop.comments.count; c++) expect(shardOf(pop.comments.id[c]!)).toBe(shardOf(pop.photos.id[pop.comments.photo[c]!]!));
  });

  it('skews photos per user: the busiest 1% own far more than 1%', () => {
    const counts = Array.from({ length: users }, (_, u) => pop.photosOf.start[u + 1]! - pop.photosOf.start[u]!).sort((x, y) => y - x);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(tiny.photos);
    expect(counts.slice(0, users / 100).reduce((a, b) => a + b, 0) / tiny.photos).toBeGreaterThan(0.05);
  });

  it('draws a power-law follow graph: mean following near the profile, celebrities followed by over 1% of users, no self or duplicate follows', () => {
    const mean = pop.following.items.length / users;
    expect(mean).toBeGreaterThan(tiny.followingMean * 0.7);
    expect(mean).toBeLessThan(tiny.followingMean * 1.1);
    const followers = Array.from({ length: users }, (_, u) => pop.followers.start[u + 1]! - pop.followers.start[u]!).sort((x, y) => y - x);
    expect(followers[4]! / users).toBeGreaterThan(0.01);
    // Zipf-like: the top 1% of accounts hold a large share of all follows, the median very few.
    expect(followers.slice(0, users / 100).reduce((a, b) => a + b, 0) / pop.following.items.length).toBeGreaterThan(0.1);
    expect(followers[users / 2]!).toBeLessThan(mean);
    for (let u = 0; u < users; u++) {
      const list = pop.following.items.subarray(pop.following.start[u]!, pop.following.start[u + 1]!);
      expect(list.includes(u)).toBe(false);
      for (let i = 1; i < list.length; i++) expect(list[i]!).toBeGreaterThan(list[i - 1]!);
    }
  });

  it('keeps each like once per (photo, user) and favours popular and recent photos', () => {
    for (let p = 0; p < pop.photos.count; p++) {
      const list = pop.likers.items.subarray(pop.likers.start[p]!, pop.likers.start[p + 1]!);
      for (let i = 1; i < list.length; i++) expect(list[i]!).toBeGreaterThan(list[i - 1]!);
    }
    // Medians, so that one celebrity photo does not decide: the newest tenth is liked more than the oldest.
    const tenth = pop.photos.count / 10;
    const median = (from: number): number => {
      const counts = Array.from({ length: tenth }, (_, i) => pop.likers.start[from + i + 1]! - pop.likers.start[from + i]!).sort((x, y) => x - y);
      return counts[tenth / 2]!;
    };
    expect(median(9 * tenth)).toBeGreaterThan(median(0) + 1);
    expect(pop.likers.items.length).toBeGreaterThan(tiny.likes * 0.8);
  });
});
