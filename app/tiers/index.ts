import type { AppConfig } from '../config.ts';
import { cacheTier } from './cache.ts';
import { replicasTier } from './replicas.ts';
import { shardedTier } from './sharded.ts';
import type { TierRouter } from './types.ts';

/** The tier registry: one file per tier. */
const tiers: Record<string, (config: AppConfig) => TierRouter> = {
  cache: cacheTier,
  replicas: replicasTier,
  sharded: shardedTier,
};

export const tierNames = Object.keys(tiers);

export function createTierRouter(config: AppConfig): TierRouter {
  const make = tiers[config.tier];
  if (!make) throw new Error(`unknown tier "${config.tier}"; accepted: ${tierNames.join(', ')}`);
  return make(config);
}
