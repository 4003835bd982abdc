/**
 * Instagram's 64-bit ids: (ms since EPOCH_MS) << 23 | logical_shard << 10 | seq % 1024.
 * Made inside PostgreSQL by each shard schema's next_id() (see shard-ddl.ts); this file decodes them
 * and builds the same layout for seeded rows.
 */

/** The published code's epoch: 2011-08-24 21:07:01.721 UTC. */
export const EPOCH_MS = 1314220021721n;
export const SHARD_BITS = 13n;
export const SEQ_BITS = 10n;
export const MAX_LOGICAL_SHARDS = 1 << Number(SHARD_BITS);
const SHARD_MASK = (1n << SHARD_BITS) - 1n;
const SEQ_MASK = (1n << SEQ_BITS) - 1n;
/** Ids are positive signed bigints. */
export const MAX_ID = (1n << 63n) - 1n;

export interface DecodedId {
  /** Milliseconds since the Unix epoch. */
  timeMs: bigint;
  shard: number;
  seq: number;
}

export function makeId(msSinceEpoch: bigint, shard: number, seq: number): bigint {
  return (msSinceEpoch << (SHARD_BITS + SEQ_BITS)) | (BigInt(shard) << SEQ_BITS) | (BigInt(seq) & SEQ_MASK);
}

export function decodeId(id: bigint): DecodedId {
  return {
    timeMs: (id >> (SHARD_BITS + SEQ_BITS)) + EPOCH_MS,
    shard: Number((id >> SEQ_BITS) & SHARD_MASK),
    seq: Number(id & SEQ_MASK),
  };
}

export function shardOf(id: bigint): number {
  return Number((id >> SEQ_BITS) & SHARD_MASK);
}

/** Parses a decimal id from a URL or JSON; null when it is not a positive 64-bit signed integer. */
export function parseId(text: string): bigint | null {
  if (!/^[1-9][0-9]{0,18}$/.test(text)) return null;
  const id = BigInt(text);
  return id <= MAX_ID ? id : null;
}

/** The schema that holds a logical shard: s0000 ... s8191. */
export function shardSchema(shard: number): string {
  return `s${String(shard).padStart(4, '0')}`;
}

/**
 * A generator of ids with the same layout and the same no-duplicate rule as next_id(): the
 * (ms << 10 | seq) "tick" of a shard only moves forward, borrowing from the next millisecond when
 * 1024 ids were already made in one. Used by the seeder, which writes ids itself for COPY.
 */
export class ShardIdClock {
  private readonly lastTick = new Map<number, bigint>();

  next(shard: number, unixMs: bigint): bigint {
    const wanted = (unixMs - EPOCH_MS) << SEQ_BITS;
    const last = this.lastTick.get(shard);
    const tick = last !== undefined && last >= wanted ? last + 1n : wanted;
    this.lastTick.set(shard, tick);
    return makeId(tick >> SEQ_BITS, shard, Number(tick & SEQ_MASK));
  }

  /** The last tick handed out per shard, to set each schema's id_tick sequence after a COPY. */
  ticks(): ReadonlyMap<number, bigint> {
    return this.lastTick;
  }
}
