/**
 * What a reader must know before trusting a figure, in words, computed from the results file:
 * the cache still warming through the window, requests dropped, the generator limited, a failed
 * check, a file upgraded from an older schema, sweep steps the generator could not drive. Each
 * warning names the figures it belongs next to (its topic) and has a short form for tables.
 */
import type { Trial } from '../results/types.ts';
import { fmtInt, fmtPct } from './format.ts';

export type WarningTopic = 'hit-rate' | 'dropped' | 'generator' | 'checks' | 'upgraded' | 'sweep';

export interface Warning {
  topic: WarningTopic;
  /** A sentence or two for beside the figure. */
  text: string;
  /** A few words for a table cell. */
  short: string;
}

/** Rise of the hit rate (share, 0..1) from the window's first third to its last at which the warm-up is called too short. */
export const HIT_RATE_RISE = 0.02;

export interface HitRateThirds {
  first: number;
  middle: number;
  last: number;
}

function rateOf(hits: number, gets: number): number | null {
  return gets > 0 ? hits / gets : null;
}

/** Hit rate over each third of the window, from Memcached's per-second hits and misses (or the per-second rates of a v1 file). */
export function hitRateThirds(trial: Trial): HitRateThirds | null {
  const fromSeries = trial.backends.series.map((s) => (s.memcached ? { hits: s.memcached.getHits, gets: s.memcached.getHits + s.memcached.getMisses } : null));
  const seconds = fromSeries.some((s) => s && s.gets > 0)
    ? fromSeries
    : trial.timeseries.map((p) => (p.cacheHitRate === null ? null : { hits: p.cacheHitRate, gets: 1 }));
  if (seconds.length < 3) return null;
  const third = (k: number) => {
    const part = seconds.slice(Math.floor((k * seconds.length) / 3), Math.floor(((k + 1) * seconds.length) / 3));
    return rateOf(part.reduce((a, s) => a + (s?.hits ?? 0), 0), part.reduce((a, s) => a + (s?.gets ?? 0), 0));
  };
  const [first, middle, last] = [third(0), third(1), third(2)];
  return first === null || middle === null || last === null ? null : { first, middle, last };
}

/** Still climbing: up by HIT_RATE_RISE from the first third to the last, and not falling in between. */
export function hitRateStillClimbing(t: HitRateThirds): boolean {
  const slack = 0.005;
  return t.last - t.first >= HIT_RATE_RISE && t.middle >= t.first - slack && t.last >= t.middle - slack;
}

function hitRateWarning(trial: Trial): Warning[] {
  const t = hitRateThirds(trial);
  if (!t || !hitRateStillClimbing(t)) return [];
  return [{
    topic: 'hit-rate',
    short: `hit rate climbing ${fmtPct(t.first)} → ${fmtPct(t.last)}`,
    text: `Cache hit rate still climbing through the window: ${fmtPct(t.first)} in its first third, ${fmtPct(t.middle)} in the second, ${fmtPct(t.last)} in the last. The warm-up (${trial.load.warmupSec} s) was too short: the figures are of a cache still filling, and would improve with a longer warm-up.`,
  }];
}

function totals(trial: Trial): { scheduled: number; dropped: number } {
  return Object.values(trial.operations).reduce((a, o) => ({ scheduled: a.scheduled + o.counts.scheduled, dropped: a.dropped + o.counts.dropped }), { scheduled: 0, dropped: 0 });
}

function droppedWarning(trial: Trial): Warning[] {
  const { scheduled, dropped } = totals(trial);
  if (dropped === 0) return [];
  const share = fmtPct(dropped / Math.max(1, scheduled), 2);
  return [{
    topic: 'dropped',
    short: `${share} dropped`,
    text: `${fmtInt(dropped)} of ${fmtInt(scheduled)} requests (${share}) were dropped: ${fmtInt(trial.load.maxInFlight)} requests were already outstanding at their send time, so the app did not keep up. They are counted in the all-requests latency at the time they had waited.`,
  }];
}

function generatorWarning(trial: Trial): Warning[] {
  const g = trial.generator;
  if (!g.limited) return [];
  const why = g.limitReasons.length ? g.limitReasons.join('; ') : 'no reason recorded';
  return [{
    topic: 'generator',
    short: 'generator limited',
    text: `The load generator could not keep its schedule (${why}): these figures may show the generator's limits rather than the app's.`,
  }];
}

function checksWarning(trial: Trial): Warning[] {
  const failed = trial.checks.filter((c) => !c.ok);
  if (failed.length === 0) return [];
  return [{
    topic: 'checks',
    short: `${failed.length} check${failed.length === 1 ? '' : 's'} failed`,
    text: `${failed.length} of ${trial.checks.length} checks failed: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}.`,
  }];
}

function sweepWarning(trial: Trial): Warning[] {
  const limited = (trial.sweep?.steps ?? []).filter((s) => s.generatorLimited);
  if (limited.length === 0) return [];
  const rates = [...new Set(limited.map((s) => fmtInt(s.rate)))].join(', ');
  // The last limited window's reasons: each window's carry its own figures, so all of them would only repeat.
  const why = limited.at(-1)!.generatorLimitReasons ?? [];
  return [{
    topic: 'sweep',
    short: 'generator limited at some sweep steps',
    text: `At ${rates} req/s offered the load generator itself was limited${why.length ? ` (the last time: ${why.join('; ')})` : ''}: those steps say little about the app.`,
  }];
}

/** What a file of an older schema did not measure, said wherever its figures are shown. */
export const UPGRADED_NOTE =
  'That version timed OK answers only, so "all requests" latency here is the OK answers\' latency; it kept no per-second histograms, backend series or send lateness.';

export function upgradedWarning(upgradedFrom: number | undefined): Warning[] {
  if (!upgradedFrom) return [];
  return [{ topic: 'upgraded', short: `schema ${upgradedFrom} file`, text: `Read from a schema version ${upgradedFrom} file. ${UPGRADED_NOTE}` }];
}

/** Every warning about one trial, in the order a reader meets the figures. */
export function trialWarnings(trial: Trial, upgradedFrom?: number): Warning[] {
  return [...upgradedWarning(upgradedFrom), ...generatorWarning(trial), ...droppedWarning(trial), ...hitRateWarning(trial), ...checksWarning(trial), ...sweepWarning(trial)];
}

/** The warnings of some topics, for beside one figure. */
export function warningsOn(warnings: readonly Warning[], ...topics: WarningTopic[]): Warning[] {
  return warnings.filter((w) => topics.includes(w.topic));
}
