/**
 * The flat metrics map that thresholds and the gate read: one number per dotted key, or undefined
 * when the trial has no value for it (a latency of an operation with no OK answers, a rate over an
 * empty window). Empty is never 0: a p99 of "no samples" must not pass `p99 < 50ms`.
 */
import { mergeEncoded } from '../metrics/histograms.ts';
import { PERCENTILES, type HistogramSummary, type Trial } from '../results/types.ts';

export type FlatMetrics = Record<string, number | undefined>;

/** Aggregate key prefixes; an operation may not be named like one of them. */
export const AGGREGATE_NAMES = ['http_reqs', 'ok', 'errors', 'timeouts', 'dropped', 'latency'] as const;

/** Latency keys of one histogram summary: pN, min, max, mean in µs; undefined when it is empty. */
function latencyKeys(prefix: string, summary: Pick<HistogramSummary, 'count' | 'minUs' | 'maxUs' | 'meanUs' | 'percentilesUs'>): FlatMetrics {
  const empty = summary.count === 0;
  const out: FlatMetrics = {};
  for (const p of PERCENTILES) out[`${prefix}.p${p}`] = empty ? undefined : summary.percentilesUs[`p${p}`];
  out[`${prefix}.min`] = empty ? undefined : summary.minUs;
  out[`${prefix}.max`] = empty ? undefined : summary.maxUs;
  out[`${prefix}.mean`] = empty ? undefined : summary.meanUs;
  return out;
}

/** count and rate keys: rate is count per `per` (a number of seconds or of requests), undefined when per is 0. */
function countKeys(prefix: string, count: number, per: number): FlatMetrics {
  return { [`${prefix}.count`]: count, [`${prefix}.rate`]: per > 0 ? count / per : undefined };
}

/** The merged all-requests corrected latency of every operation (exact HDR merge, never averaged). */
function mergedLatency(trial: Trial): FlatMetrics {
  const merged = mergeEncoded(Object.values(trial.operations).map((op) => op.latency.all.encoded));
  const percentilesUs = Object.fromEntries(PERCENTILES.map((p) => [`p${p}`, merged.getValueAtPercentile(p)])) as HistogramSummary['percentilesUs'];
  const count = merged.totalCount;
  return latencyKeys('latency', { count, minUs: count ? merged.getValueAtPercentile(0) : 0, maxUs: merged.getValueAtPercentile(100), meanUs: Math.round(merged.mean), percentilesUs });
}

/**
 * Flattens one trial of results.json. Keys (latencies in µs of the all-requests corrected
 * histograms: every scheduled request from its intended send, drops and timeouts included; rates
 * per second unless said otherwise):
 * - per operation `<op>`: `<op>.p50` … `<op>.p99.99`, `.min`, `.max`, `.mean`, `.count` / `.rate`
 *   (OK answers), `<op>.errors.count` / `.rate` (per sent request), `<op>.timeouts.*`, `<op>.dropped.*`
 *   (per scheduled request);
 * - over all operations: `http_reqs.count` / `.rate` (sent), `ok.count` / `.rate` (the throughput),
 *   `errors.*` and `timeouts.*` (rate: share of sent requests), `dropped.*` (rate: share of scheduled),
 *   `latency.p50` … `latency.mean` (the merged histogram).
 * @throws RangeError if an operation is named like an aggregate (AGGREGATE_NAMES)
 */
export function trialMetrics(trial: Trial): FlatMetrics {
  const seconds = trial.timing.measuredMs / 1000;
  const out: FlatMetrics = {};
  const total = { scheduled: 0, sent: 0, ok: 0, errors: 0, timeouts: 0, dropped: 0 };
  for (const [name, op] of Object.entries(trial.operations)) {
    if ((AGGREGATE_NAMES as readonly string[]).includes(name)) throw new RangeError(`operation "${name}" is named like an aggregate metric (${AGGREGATE_NAMES.join(', ')})`);
    const c = op.counts;
    Object.assign(out, latencyKeys(name, op.latency.all), countKeys(name, c.ok, seconds));
    Object.assign(out, countKeys(`${name}.errors`, c.errors, c.sent), countKeys(`${name}.timeouts`, c.timeouts, c.sent), countKeys(`${name}.dropped`, c.dropped, c.scheduled));
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += c[key];
  }
  Object.assign(out, countKeys('http_reqs', total.sent, seconds), countKeys('ok', total.ok, seconds));
  Object.assign(out, countKeys('errors', total.errors, total.sent), countKeys('timeouts', total.timeouts, total.sent), countKeys('dropped', total.dropped, total.scheduled));
  return Object.assign(out, mergedLatency(trial));
}
