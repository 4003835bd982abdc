import { describe, expect, it } from 'vitest';
import { stalePagesCheck } from '../../harness/checks/consistency.ts';

const rows = [
  { id: '1', comment_count: 3 },
  { id: '2', comment_count: 5 },
  { id: '3', comment_count: 1 },
];
const page = (commentCount: number) => Buffer.from(JSON.stringify({ commentCount }));

describe('the check for stale cached photo pages', () => {
  it('passes over pages as new as their rows, skipping absent keys and invalidation markers', async () => {
    const cache: Record<string, Buffer> = { 'photo:1': page(3), 'photo:2': Buffer.from('!invalidated') };
    const check = await stalePagesCheck(rows, async (key) => cache[key] ?? null);
    expect(check.ok).toBe(true);
    expect(check.detail).toBe('0 of 1 cached pages of photos commented on are stale');
  });

  it('fails on a page with fewer comments than its row', async () => {
    const check = await stalePagesCheck(rows, async (key) => (key === 'photo:2' ? page(4) : null));
    expect(check.ok).toBe(false);
    expect(check.detail).toContain('photo 2: cached with 4 comments, the row has 5');
  });

  it('fails, saying so, when Memcached does not answer (not a pass with nothing checked)', async () => {
    const check = await stalePagesCheck(rows, async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:11211');
    });
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/^Memcached did not answer a get of photo:1 \(connect ECONNREFUSED .*\) after 0 cached pages were read: not checked$/);
  });
});
