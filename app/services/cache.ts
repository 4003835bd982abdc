import { mcAdd, mcCas, mcGets, mcGetsMulti, mcSet, type CasItem } from '../adapters/memcached.ts';
import type { PgTarget } from '../adapters/postgres.ts';
import type { AppContext } from '../context.ts';

/**
 * Cache-aside on Memcached for users and photos, so that Memcached failing is load on PostgreSQL,
 * not an outage, and so that no fill can put an old row back over a write.
 *
 * - Memcached not answering (error or timeout) is a miss that fills nothing.
 * - A write does not delete its key: after the commit it sets an invalidation marker in the key's
 *   place (Facebook's "remote marker", NSDI 2013). A marker is a miss whose fill reads the primary,
 *   the one node sure to hold the write (a replica may lag), and stores with CAS on the marker's
 *   token: a newer marker set meanwhile makes the fill fail instead of overwriting it.
 * - A key that is absent fills with ADD, which never overwrites: a marker set between the read and
 *   the fill wins. So a row read from a lagging replica cannot land after the write's marker.
 * What stays open: an entry that leaves the cache (evicted, expired) while a replica still lags
 * behind a write to it can be filled from that replica again, for one TTL.
 */
export type CacheLookup = { state: 'hit'; value: Buffer } | { state: 'absent' } | { state: 'marked'; cas: Buffer } | { state: 'down' };

const MARKER = Buffer.from('!invalidated');

/** True for an invalidation marker (a write's, in its key's place), not a cached value. */
export function isMarker(value: Buffer): boolean {
  return value.equals(MARKER);
}

function classify(item: CasItem | null | undefined): CacheLookup {
  if (!item) return { state: 'absent' };
  return item.value.equals(MARKER) ? { state: 'marked', cas: item.cas } : { state: 'hit', value: item.value };
}

export async function lookup(ctx: AppContext, key: string): Promise<CacheLookup> {
  try {
    return classify(await mcGets(ctx.memcached, key));
  } catch {
    return { state: 'down' };
  }
}

export async function lookupMany(ctx: AppContext, keys: readonly string[]): Promise<Map<string, CacheLookup>> {
  let items: Map<string, CasItem> | null = null;
  try {
    items = await mcGetsMulti(ctx.memcached, keys);
  } catch {
    /* every key is 'down' */
  }
  return new Map(keys.map((k) => [k, items ? classify(items.get(k)) : { state: 'down' }]));
}

/** The pool a miss reads from: the primary after a marker, the tier's read node otherwise. */
export function poolFor(ctx: AppContext, shard: number, found: CacheLookup): PgTarget {
  return found.state === 'marked' ? ctx.router.writePool(shard) : ctx.router.readPool(shard);
}

/** Fills after a miss (ADD, or CAS over the marker); best effort: a lost fill is a later miss. */
export async function fill(ctx: AppContext, key: string, found: CacheLookup, value: string): Promise<void> {
  const ttl = ctx.config.cacheTtlSec;
  try {
    if (found.state === 'absent') await mcAdd(ctx.memcached, key, value, ttl);
    else if (found.state === 'marked') await mcCas(ctx.memcached, key, value, ttl, found.cas);
  } catch {
    /* Memcached failing: nothing cached */
  }
}

/** After a commit: markers in place of the keys. Throws if Memcached fails (the outbox retries). */
export async function invalidate(ctx: AppContext, keys: readonly string[]): Promise<void> {
  await Promise.all(keys.map((k) => mcSet(ctx.memcached, k, MARKER.toString(), ctx.config.cacheTtlSec)));
}
