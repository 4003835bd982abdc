import { describe, expect, it } from 'vitest';
import { decodeId, EPOCH_MS, makeId, parseId, shardOf, ShardIdClock } from '../../app/schema/ids.ts';

describe('64-bit ids', () => {
  it("matches Instagram's worked example", () => {
    const id = makeId(1387263000n, 1341, 5001 % 1024);
    expect(id).toBe(11637205501278089n);
    expect(decodeId(id)).toEqual({ timeMs: EPOCH_MS + 1387263000n, shard: 1341, seq: 5001 % 1024 });
    expect(shardOf(id)).toBe(1341);
  });

  it('parses only positive 64-bit decimal ids', () => {
    expect(parseId('11637205501278089')).toBe(11637205501278089n);
    expect(parseId('9223372036854775807')).toBe(9223372036854775807n);
    for (const bad of ['', '0', '-1', '01', 'abc', '1e5', '9223372036854775808', '99999999999999999999', ' 1', '1.0'])
      expect(parseId(bad), bad).toBeNull();
  });

  it('never repeats an id for one shard, even with 5000 ids in one millisecond or a clock going back', () => {
    const clock = new ShardIdClock();
    const ms = EPOCH_MS + 1_000_000n;
    const ids = new Set<bigint>();
    for (let i = 0; i < 5000; i++) ids.add(clock.next(7, ms));
    for (let i = 0; i < 100; i++) ids.add(clock.next(7, ms - 10n));
    expect(ids.size).toBe(5100);
    for (const id of ids) expect(shardOf(id)).toBe(7);
  });
});
