import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemcached, mcGet, mcSet } from '../../app/adapters/memcached.ts';
import type { AppContext } from '../../app/context.ts';
import { fill, invalidate, lookup } from '../../app/services/cache.ts';
import { localProvider } from '../../harness/stack/local.ts';
import { nodeByRole, type Stack } from '../../harness/stack/types.ts';
import { makeTempBase } from '../helpers/temp.ts';

/**
 * The cache's fill rules on a real Memcached (services/cache.ts): a fill after a miss never
 * overwrites a marker set meanwhile (ADD), and a fill after a marker lands only if that marker is
 * still there (CAS on its token, a binary-protocol request memjs has no call for).
 */
const base = makeTempBase();
let stack: Stack;
let ctx: AppContext;
beforeAll(async () => {
  stack = await localProvider.up({ tier: 'cache', baseDir: base.dir, log: () => {} });
  ctx = { memcached: createMemcached(nodeByRole(stack, 'memcached').url), config: { cacheTtlSec: 60 } } as AppContext;
}, 60_000);
afterAll(async () => {
  ctx?.memcached.close();
  await stack?.down();
  base.remove();
});

const text = async (key: string) => (await mcGet(ctx.memcached, key))?.toString();

describe('cache fills on a real Memcached', () => {
  it('fills an absent key, but not over a marker set after the miss', async () => {
    const missed = await lookup(ctx, 'k1');
    expect(missed.state).toBe('absent');
    await fill(ctx, 'k1', missed, 'v1');
    expect(await text('k1')).toBe('v1');

    const missedAgain = await lookup(ctx, 'k2');
    await invalidate(ctx, ['k2']); // a write commits between the miss and the fill
    await fill(ctx, 'k2', missedAgain, 'old row');
    expect((await lookup(ctx, 'k2')).state).toBe('marked');
  });

  it('fills over the marker it saw, but not over a newer one', async () => {
    await invalidate(ctx, ['k3']);
    const marked = await lookup(ctx, 'k3');
    expect(marked.state).toBe('marked');
    await fill(ctx, 'k3', marked, 'fresh row');
    expect(await text('k3')).toBe('fresh row');

    await invalidate(ctx, ['k4']);
    const seen = await lookup(ctx, 'k4');
    await invalidate(ctx, ['k4']); // a second write after the read
    await fill(ctx, 'k4', seen, 'row read before the second write');
    expect((await lookup(ctx, 'k4')).state).toBe('marked');

    await mcSet(ctx.memcached, 'k5', 'someone else', 60);
    await fill(ctx, 'k5', { state: 'marked', cas: Buffer.alloc(8, 1) }, 'mine');
    expect(await text('k5')).toBe('someone else');
  });

  it('treats a Memcached that does not answer as down: lookups miss, fills and nothing throws', async () => {
    const dead = { ...ctx, memcached: createMemcached('127.0.0.1:1', 100) } as AppContext;
    try {
      expect(await lookup(dead, 'k1')).toEqual({ state: 'down' });
      await fill(dead, 'k1', { state: 'absent' }, 'v');
      await expect(invalidate(dead, ['k1'])).rejects.toThrow();
    } finally {
      dead.memcached.close();
    }
  });
});

describe('Memcached writes batched per event-loop turn (adapters/memcached.ts)', () => {
  /** Counts the socket's writes to the kernel: a corked stream flushes through _writev once, an uncorked one calls _write per request. */
  const countWrites = (client: AppContext['memcached']) => {
    const socket = (client.servers[0] as unknown as { _socket: { _write: (...a: unknown[]) => unknown; _writev: (...a: unknown[]) => unknown } })._socket;
    const counts = { write: 0, writev: 0 };
    const [write, writev] = [socket._write.bind(socket), socket._writev.bind(socket)];
    socket._write = (...a) => (counts.write++, write(...a));
    socket._writev = (...a) => (counts.writev++, writev(...a));
    return counts;
  };

  it('sends the requests of one turn in one socket write, each answered right, and the next turn sends again', async () => {
    const client = createMemcached(nodeByRole(stack, 'memcached').url);
    try {
      await mcSet(client, 'batch-0', 'v0', 60); // connects
      const counts = countWrites(client);
      const keys = Array.from({ length: 20 }, (_, i) => `batch-${i % 3}`);
      await Promise.all([mcSet(client, 'batch-1', 'v1', 60), mcSet(client, 'batch-2', 'v2', 60)]);
      expect(counts).toEqual({ write: 0, writev: 1 });
      const values = await Promise.all(keys.map(async (k) => (await mcGet(client, k))?.toString()));
      expect(values).toEqual(keys.map((k) => `v${k.slice(-1)}`));
      expect(counts).toEqual({ write: 0, writev: 2 });
      // A request alone in its turn is not held back: it goes out in that turn's check phase.
      expect((await mcGet(client, 'batch-2'))?.toString()).toBe('v2');
      expect(counts.write + counts.writev).toBe(3);
    } finally {
      client.close();
    }
  });
});
