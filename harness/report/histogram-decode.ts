/**
 * Percentile spectra of the encoded HDR histograms in a results file, for the report.
 * Pure computation: no I/O. Decoding and merging live in harness/metrics/histograms.ts.
 */
import { decodeHistogram, mergeEncoded as mergeHistograms, type Histogram } from '../metrics/histograms.ts';

export interface SpectrumPoint {
  /** Percentile level in percent, 0 <= percentile < 100. */
  percentile: number;
  /** Value at that percentile (hdr getValueAtPercentile), microseconds. */
  valueUs: number;
  /** 1 / (1 - percentile/100): the x coordinate of a percentile spectrum plot (log scale). */
  inverseTail: number;
}

export interface PercentileSpectrum {
  totalCount: number;
  /** Largest recorded value (hdr maxValue), microseconds; 0 when the histogram is empty. */
  maxUs: number;
  /** Ascending percentile levels; empty when the histogram is empty. */
  points: SpectrumPoint[];
}

export interface SpectrumOptions {
  /**
   * Equal-sized steps per half-distance to 100%, as in HdrHistogram's percentile distribution
   * output (1 gives 0, 50, 75, 87.5, ...). Default 5, like outputPercentileDistribution().
   */
  ticksPerHalfDistance?: number;
  /** Highest percentile level to report. Default 99.999. */
  maxPercentile?: number;
}

/**
 * The percentile levels HdrHistogram's PercentileIterator steps through: fixed-size ticks within
 * each half-distance to 100% (0 .. 50, 50 .. 75, 75 .. 87.5, ...), up to and including
 * maxPercentile. Levels whose tail holds less than one of totalCount values are left out (beyond
 * them every level has the maximum as its value), except the first one past that point.
 */
export function spectrumLevels(totalCount: number, options: SpectrumOptions = {}): number[] {
  const ticks = options.ticksPerHalfDistance ?? 5;
  const maxPercentile = options.maxPercentile ?? 99.999;
  if (!(Number.isInteger(ticks) && ticks >= 1)) {
    throw new RangeError(`ticksPerHalfDistance must be an integer >= 1, got ${ticks}`);
  }
  if (!(maxPercentile > 0 && maxPercentile < 100)) {
    throw new RangeError(`maxPercentile must be in (0, 100), got ${maxPercentile}`);
  }
  const levels: number[] = [];
  if (totalCount <= 0) return levels;
  let level = 0;
  // Bounded: each half-distance adds `ticks` levels and floating point reaches maxPercentile
  // within ~ticks * 60 steps.
  while (level <= maxPercentile && levels.length < 10_000) {
    levels.push(level);
    // Tail of this level holds fewer than one value: later levels all resolve to the max.
    if ((100 - level) * totalCount < 100) break;
    const reportingTicks = ticks * 2 ** (Math.floor(Math.log2(100 / (100 - level))) + 1);
    level += 100 / reportingTicks;
  }
  return levels;
}

/** Percentile spectrum of a decoded histogram. Values come from hdr's getValueAtPercentile. */
export function spectrumOf(histogram: Histogram, options: SpectrumOptions = {}): PercentileSpectrum {
  const totalCount = histogram.totalCount;
  const points = spectrumLevels(totalCount, options).map((percentile) => ({
    percentile,
    valueUs: histogram.getValueAtPercentile(percentile),
    inverseTail: 1 / (1 - percentile / 100),
  }));
  return { totalCount, maxUs: totalCount > 0 ? histogram.maxValue : 0, points };
}

/** Decode an encoded histogram and compute its percentile spectrum. */
export function percentileSpectrum(encoded: string, options: SpectrumOptions = {}): PercentileSpectrum {
  const histogram = decodeHistogram(encoded);
  try {
    return spectrumOf(histogram, options);
  } finally {
    histogram.destroy();
  }
}

/**
 * Merge encoded histograms exactly (decode and add; never average percentiles) and return the
 * merged histogram's figures. Used for the "all operations" row of a trial.
 */
export function mergeEncoded(encoded: readonly string[], percentiles: readonly number[]): {
  count: number;
  maxUs: number;
  valuesUs: Map<number, number>;
} {
  const merged = mergeHistograms(encoded);
  const count = merged.totalCount;
  const valuesUs = new Map(percentiles.map((p) => [p, count > 0 ? merged.getValueAtPercentile(p) : 0]));
  return { count, maxUs: count > 0 ? merged.maxValue : 0, valuesUs };
}
