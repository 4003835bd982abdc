/**
 * What makes two runs hard to compare, in words: a different dataset, capacity model, machine or
 * server versions, a trial offered another rate, an upgraded file, a busy machine.
 */
import type { ResultsFile } from '../../results/types.ts';
import type { RunRef } from './model.ts';

function differs<T>(a: T, b: T): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}

function datasetNotes(a: ResultsFile, b: ResultsFile): string[] {
  const da = a.dataset;
  const db = b.dataset;
  const out: string[] = [];
  if (da.profile !== db.profile || da.seed !== db.seed || da.logicalShards !== db.logicalShards)
    out.push(`different datasets: ${da.profile} seed ${da.seed} over ${da.logicalShards} shards against ${db.profile} seed ${db.seed} over ${db.logicalShards}`);
  else if (da.digest && db.digest && da.digest !== db.digest) out.push(`same dataset settings but different row digests (${da.digest.slice(0, 19)}… against ${db.digest.slice(0, 19)}…): the seeder changed`);
  return out;
}

function machineNotes(a: ResultsFile, b: ResultsFile): string[] {
  const ea = a.environment;
  const eb = b.environment;
  const out: string[] = [];
  if (ea.capacityModel.applied !== eb.capacityModel.applied || ea.capacityModel.description !== eb.capacityModel.description)
    out.push(`different node capacity: "${ea.capacityModel.description}" against "${eb.capacityModel.description}"`);
  if (ea.cores !== eb.cores || ea.cpuModel !== eb.cpuModel) out.push(`different machines: ${ea.cores} × ${ea.cpuModel} against ${eb.cores} × ${eb.cpuModel}`);
  if (differs(ea.servers, eb.servers)) out.push('different server versions (see each run\'s provenance)');
  return out;
}

function loadNotes(r: RunRef): string[] {
  const l = r.results.run.loadAverage;
  const cores = r.results.environment.cores;
  const out: string[] = [];
  // The load at the start is other work; by the end the run's own servers and generator are in it.
  if (l && l.start > cores) out.push(`run ${r.label} started on a busy machine (1-minute load ${l.start.toFixed(2)} on ${cores} cores before it began, ${l.end.toFixed(2)} at its end): its figures are noisier`);
  if (r.results.upgradedFrom) out.push(`run ${r.label} was read from a schema version ${r.results.upgradedFrom} file: its "all requests" latency is OK answers only`);
  return out;
}

function shapeNotes(a: ResultsFile, b: ResultsFile): string[] {
  const out: string[] = [];
  for (const ta of a.trials) {
    const tb = b.trials.find((t) => t.tier === ta.tier && t.scenario === ta.scenario);
    if (!tb) continue;
    if (ta.load.rate !== tb.load.rate || ta.load.durationSec !== tb.load.durationSec)
      out.push(`${ta.tier} / ${ta.scenario} ran at ${ta.load.rate} req/s for ${ta.load.durationSec} s against ${tb.load.rate} req/s for ${tb.load.durationSec} s: latencies at different offered rates do not compare`);
  }
  return [...new Set(out)];
}

/** Every reason to read a comparison of `a` and `b` with care. */
export function comparabilityNotes(a: RunRef, b: RunRef): string[] {
  return [
    ...datasetNotes(a.results, b.results),
    ...machineNotes(a.results, b.results),
    ...shapeNotes(a.results, b.results),
    ...loadNotes(a),
    ...loadNotes(b),
  ];
}
