import { createRng } from '../../harness/drive/rng.ts';
import type { Slo, SweepStep } from '../../harness/results/types.ts';

export const SWEEP_TEST_SLO: Slo = { p99Ms: 50, errorBudget: 0.01, dropBudget: 0.001 };

/** A system with capacity `capacity`: p99 grows like an M/M/1 queue near it, with noise; it drops 20% above 1.05× capacity. */
export function simulatedSystem(capacity: number, noise: number, seed = 1, slo: Slo = SWEEP_TEST_SLO) {
  const rng = createRng(seed, 'system');
  return async (rate: number, repeat: number): Promise<SweepStep> => {
    const rho = rate / capacity;
    const jitter = Math.exp(noise * (rng.nextFloat() * 2 - 1));
    const p99Ms = rho < 1 ? (5 / (1 - rho)) * jitter : 5000;
    const dropRate = rho < 1.05 ? 0 : 0.2;
    return { rate, repeat, durationSec: 8, achievedRate: rate, p50Us: 2000, p99Us: Math.round(p99Ms * 1000), p999Us: Math.round(p99Ms * 2000), errorRate: 0, dropRate, holdsSlo: p99Ms <= slo.p99Ms && dropRate <= slo.dropBudget, nodeCpu: {}, generatorLimited: false };
  };
}
