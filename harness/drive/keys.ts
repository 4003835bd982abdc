import type { KeyDistribution } from '../../scenarios/types.ts';
import type { Rng } from './rng.ts';
import type { Populations } from './types.ts';
import { resolveVars } from './templates.ts';
import { scrambler } from './zipf.ts';
import { zipfRejectionInversion } from './zipf-rejection.ts';

/** Draws one key (a decimal id string) per call, consuming the shared rng. */
export type KeySampler = () => string;

/**
 * Index samplers over [0, n), by distribution. Each consumes only the rng it is given, so the
 * schedule's draws stay in one deterministic sequence.
 */
function indexSampler(dist: Exclude<KeyDistribution, { kind: 'fixed' }>, n: number, rng: Rng): () => number {
  switch (dist.kind) {
    case 'uniform':
      return () => rng.nextInt(n);
    case 'zipf': {
      const z = zipfRejectionInversion(n, dist.theta);
      const scramble = scrambler(n);
      return () => scramble(z.rank(rng.nextFloat));
    }
    case 'latest': {
      // Populations are in creation order (harness/seed/population.ts draws ids on a rising clock).
      const z = zipfRejectionInversion(n, dist.theta);
      return () => n - 1 - z.rank(rng.nextFloat);
    }
    case 'shuffled': {
      const scramble = scrambler(n);
      let next = rng.nextInt(n);
      return () => {
        const index = scramble(next);
        next = next + 1 === n ? 0 : next + 1;
        return index;
      };
    }
    case 'hotspot':
      return hotspotSampler(dist.hotKeyFraction, dist.hotRequestFraction, n, rng);
  }
}

/** The hot set's size: the fraction of n, at least one key and at most all of them. */
export function hotKeyCount(n: number, hotKeyFraction: number): number {
  return Math.min(n, Math.max(1, Math.round(n * hotKeyFraction)));
}

/**
 * YCSB's HotspotIntegerGenerator (hot ranks [0, hot), cold ranks [hot, n)), with the ranks put
 * through the zipf scrambler so the hot set is not the oldest ids.
 */
function hotspotSampler(hotKeyFraction: number, hotRequestFraction: number, n: number, rng: Rng): () => number {
  if (!(hotKeyFraction > 0 && hotKeyFraction <= 1)) throw new RangeError(`hotspot hotKeyFraction must be in (0, 1], got ${hotKeyFraction}`);
  if (!(hotRequestFraction >= 0 && hotRequestFraction <= 1)) throw new RangeError(`hotspot hotRequestFraction must be in [0, 1], got ${hotRequestFraction}`);
  const hot = hotKeyCount(n, hotKeyFraction);
  const cold = n - hot;
  const scramble = scrambler(n);
  return () => scramble(cold === 0 || rng.nextFloat() < hotRequestFraction ? rng.nextInt(hot) : hot + rng.nextInt(cold));
}

/**
 * @param vars run-time values a `fixed` key may name ({stormPhoto})
 * @throws RangeError for an empty population, or a fixed key naming a var not given
 */
export function createKeySampler(dist: KeyDistribution, populations: Populations, rng: Rng, vars: Readonly<Record<string, string>> = {}): KeySampler {
  if (dist.kind === 'fixed') {
    const value = resolveVars(dist.value, vars, `fixed key "${dist.value}"`);
    if (value === '') throw new RangeError(`fixed key "${dist.value}" is empty`);
    return () => value;
  }
  const ids = populations[dist.population];
  if (ids === undefined || ids.length === 0) {
    throw new RangeError(`population "${dist.population}" is empty: the dataset manifest has no ids to draw keys from`);
  }
  const draw = indexSampler(dist, ids.length, rng);
  return () => {
    const index = draw();
    const id = ids[index];
    if (id === undefined) throw new RangeError(`key index ${index} outside population "${dist.population}"`);
    return id;
  };
}
