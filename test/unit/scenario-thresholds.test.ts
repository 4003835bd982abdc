import { describe, expect, it } from 'vitest';
import { evaluateTrialThresholds, thresholdsExitCode } from '../../harness/thresholds/scenario.ts';
import { trialMetrics } from '../../harness/thresholds/metrics.ts';
import { buildResultsFixture } from '../fixtures/results-fixture.ts';

const trial = buildResultsFixture().trials[0]!;
const flat = trialMetrics(trial);
const ms = (us: number | undefined): number => (us ?? Number.NaN) / 1000;

describe('a scenario\'s thresholds at the end of a trial', () => {
  it('passes with exit 0 when every threshold holds, one finding per threshold', () => {
    const p99 = ms(flat['feed.read.p99']);
    const out = evaluateTrialThresholds([`feed.read.p99 < ${Math.ceil(p99 + 1)}ms`, 'errors.rate < 5%', 'http_reqs.rate > 1'], trial);
    expect(out.passed).toBe(true);
    expect(out.exitCode).toBe(0);
    expect(out.findings.map((f) => f.ok)).toEqual([true, true, true]);
    expect(out.findings[0]!.name).toBe(`threshold feed.read.p99 < ${Math.ceil(p99 + 1)}ms`);
    expect(out.findings[0]!.detail).toMatch(/ok \(feed\.read\.p99 = [\d.]+ms\)/);
  });

  it('fails with exit 99 on a broken threshold and says the value', () => {
    const out = evaluateTrialThresholds(['feed.read.p50 < 1us', 'errors.rate < 5%'], trial);
    expect(out.passed).toBe(false);
    expect(out.exitCode).toBe(99);
    expect(out.findings.map((f) => f.ok)).toEqual([false, true]);
    expect(out.findings[0]!.detail).toMatch(/FAILED \(feed\.read\.p50 = /);
  });

  it('fails a missing metric or one without samples: a check that could not be made did not hold', () => {
    const missing = evaluateTrialThresholds(['feeed.p99 < 1s'], trial);
    expect(missing.exitCode).toBe(99);
    expect(missing.findings[0]!.detail).toMatch(/feeed\.p99 is missing; no metric starts with "feeed"/);
    const op = trial.operations['photo.like']!;
    const emptied = { ...trial, operations: { ...trial.operations, 'photo.like': { ...op, latency: { ...op.latency, all: { ...op.latency.all, count: 0 } } } } };
    const empty = evaluateTrialThresholds(['photo.like.p99 < 1s'], emptied);
    expect(empty.passed).toBe(false);
    expect(empty.findings[0]!.detail).toMatch(/has no value/);
  });

  it('fails an expression that does not parse (validation should have caught it) rather than skipping it', () => {
    const out = evaluateTrialThresholds(['feed.read.p99 < 50'], trial);
    expect(out.exitCode).toBe(99);
    expect(out.findings[0]!.detail).toMatch(/give its bound a duration unit/);
  });

  it('has nothing to say, and exit 0, without thresholds', () => {
    expect(evaluateTrialThresholds([], trial)).toEqual({ findings: [], passed: true, exitCode: 0 });
  });

  it('turns the trials\' stored findings into the run\'s exit code', () => {
    const ok = { ...trial, thresholds: evaluateTrialThresholds(['errors.rate < 5%'], trial).findings };
    const bad = { ...trial, thresholds: evaluateTrialThresholds(['errors.rate < 0%'], trial).findings };
    expect(thresholdsExitCode([ok, trial])).toBe(0);
    expect(thresholdsExitCode([ok, bad])).toBe(99);
    expect(thresholdsExitCode([])).toBe(0);
  });
});
