import type { KeyDistribution } from '../../scenarios/types.ts';
import type { Rng } from './rng.ts';
import type { Populations } from './types.ts';
import { scrambledZipfian } from './zipf.ts';

/** Draws one key (a decimal id string) per call, consuming the shared rng. */
export type KeySampler = () => string;

export function createKeySampler(dist: KeyDistribution, populations: Populations, rng: Rng): KeySampler {
  const ids = populations[dist.population];
  if (ids === undefined || ids.length === 0) {
    throw new RangeError(`population "${dist.population}" is empty: the dataset manifest has no ids to draw keys from`);
  }
  const pick = (index: number): string => {
    const id = ids[index];
    if (id === undefined) throw new RangeError(`key index ${index} outside population "${dist.population}"`);
    return id;
  };
  switch (dist.kind) {
    case 'uniform':
      return () => pick(rng.nextInt(ids.length));
    case 'zipf': {
      const z = scrambledZipfian(ids.length, dist.theta);
      return () => pick(z.index(rng.nextFloat()));
    }
  }
}
