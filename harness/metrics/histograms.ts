import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { PERCENTILES, type HistogramSummary, type PercentileKey } from '../results/types.ts';

export type { Histogram };

/** One hour in microseconds: the initial range; autoResize extends it if a value exceeds it. */
const HIGHEST_TRACKABLE_US = 3_600_000_000;
const BIT_BUCKET_SIZE = 64;

/** A latency histogram of integer microseconds (JS implementation, 3 significant digits). */
export function newHistogram(): Histogram {
  return build({
    bitBucketSize: BIT_BUCKET_SIZE,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function percentileKey(p: (typeof PERCENTILES)[number]): PercentileKey {
  return `p${p}`;
}

/**
 * Percentiles, min and max are HDR bucket values (highest equivalent value; lowest for min),
 * so a summary is identical before and after encode/decode and after exact merges.
 */
export function summarize(h: Histogram): HistogramSummary {
  const empty = h.totalCount === 0;
  const percentilesUs = {} as Record<PercentileKey, number>;
  for (const p of PERCENTILES) percentilesUs[percentileKey(p)] = empty ? 0 : h.getValueAtPercentile(p);
  return {
    count: h.totalCount,
    minUs: empty ? 0 : h.getValueAtPercentile(0),
    meanUs: empty ? 0 : Math.round(h.mean),
    maxUs: empty ? 0 : h.getValueAtPercentile(100),
    percentilesUs,
    encoded: encodeIntoCompressedBase64(h),
  };
}

export function decodeHistogram(encoded: string): Histogram {
  const h = decodeFromCompressedBase64(encoded, BIT_BUCKET_SIZE, false);
  h.autoResize = true;
  return h;
}

/** Exact merge of encoded histograms (from several runs or workers): never average percentiles. */
export function mergeEncoded(list: readonly string[]): Histogram {
  const merged = newHistogram();
  for (const encoded of list) merged.add(decodeHistogram(encoded));
  return merged;
}
