import { describe, expect, it } from 'vitest';
import { cfsSettings } from '../../harness/stack/capacity.ts';

describe('cfsSettings', () => {
  it('spends a node\'s quota over 10 ms, not the kernel\'s 100 ms', () => {
    expect(cfsSettings(0.5)).toEqual({ periodUs: 10_000, quotaUs: 5_000 });
    expect(cfsSettings(0.1)).toEqual({ periodUs: 10_000, quotaUs: 1_000 });
    expect(cfsSettings(2)).toEqual({ periodUs: 10_000, quotaUs: 20_000 });
  });

  it('lengthens the period where the quota would fall under the kernel\'s 1 ms minimum', () => {
    expect(cfsSettings(0.05)).toEqual({ periodUs: 20_000, quotaUs: 1_000 });
    expect(cfsSettings(0.01)).toEqual({ periodUs: 100_000, quotaUs: 1_000 });
    expect(cfsSettings(0.001)).toEqual({ periodUs: 1_000_000, quotaUs: 1_000 });
  });

  it('keeps the share the node was given', () => {
    for (const cpus of [0.01, 0.03, 0.07, 0.1, 0.25, 0.5, 1, 3.5]) {
      const { periodUs, quotaUs } = cfsSettings(cpus);
      expect(Math.abs(quotaUs / periodUs - cpus) / cpus).toBeLessThan(0.01);
      expect(quotaUs).toBeGreaterThanOrEqual(1_000);
    }
  });
});
