import { mergeEncoded } from '../metrics/histograms.ts';
import { BEFORE_SECONDS, hitRateRecovery, nodeLoad } from './faults.ts';
import type { CacheRecovery, Trial } from './types.ts';

/**
 * A cache flush's aftermath, from the trial's own series: the hit rate before it (the 5 seconds
 * before), the seconds until the per-second hit rate was back to 90% of that, and over the spike
 * the all-requests p99 (merged from the per-second histograms of those seconds) and each node's
 * statement rate and CPU against before. undefined when the trial had no flush.
 */
export function cacheRecovery(trial: Pick<Trial, 'events' | 'backends' | 'operations'>): CacheRecovery | undefined {
  const flush = trial.events.find((e) => e.kind === 'flush-memcached');
  if (!flush) return undefined;
  const series = trial.backends.series;
  const at = Math.floor(flush.atSecond);
  const before = series.filter((s) => s.second < at && s.second >= at - BEFORE_SECONDS);
  const { hitRateBefore, recovered } = hitRateRecovery(series, at, at);
  const toSecond = recovered ? recovered.second : (series.at(-1)?.second ?? at);
  const spikeSeries = series.filter((s) => s.second >= at && s.second <= toSecond);
  const encoded = Object.values(trial.operations).flatMap((op) => op.perSecond.slice(at, toSecond + 1).flatMap((byClass) => Object.values(byClass).filter((e): e is string => e !== undefined)));
  const merged = mergeEncoded(encoded);
  return {
    atSecond: flush.atSecond,
    hitRateBefore,
    recoverySec: recovered ? recovered.second + 1 - flush.atSecond : null,
    spike: {
      fromSecond: at,
      toSecond,
      p99Us: merged.totalCount > 0 ? merged.getValueAtPercentile(99) : null,
      nodes: nodeLoad(series, before, spikeSeries),
    },
  };
}
