import type { AppConfig } from '../config.ts';
import { cacheTier } from './cache.ts';
import { shardedTier } from './sharded.ts';
import type { TierRouter } from './types.ts';

/** The tier registry. replicas arrives with its own file. */
const tiers: Record<string, (config: AppConfig) => TierRouter> = {
  cache: cacheTier,
  sharded: shardedTier,
};

export const tierNames = Object.keys(tiers);

export function createTierRouter(config: AppConfig): TierRouter {
  const make = tiers[config.tier];
  if (!make) throw new Error(`unknown tier "${config.tier}"; accepted: ${tierNames.join(', ')}`);
  return make(config);
}
