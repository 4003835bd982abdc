import { describe, expect, it } from 'vitest';
import { scenarios } from '../../scenarios/index.ts';
import { validateScenarioFile } from '../../scenarios/validate.ts';

describe('the scenario files', () => {
  for (const s of Object.values(scenarios)) {
    it(`${s.name} is valid as a whole`, () => {
      // Round-tripped through JSON (as a user's file would be) and given back unchanged.
      expect(validateScenarioFile(JSON.parse(JSON.stringify(s)))).toEqual({ scenario: s });
    });
  }

  it('keeps instagram-day about 100 reads per write, uploads to likes as 25 to 90', () => {
    const ops = scenarios['instagram-day']!.operations!;
    const reads = ops.filter((o) => o.method === 'GET').reduce((a, o) => a + o.weight, 0);
    const writes = ops.filter((o) => o.method !== 'GET').reduce((a, o) => a + o.weight, 0);
    expect(reads / writes).toBeGreaterThan(80);
    expect(reads / writes).toBeLessThan(130);
    const w = (name: string) => ops.find((o) => o.name === name)!.weight;
    expect(w('upload') / w('like')).toBeCloseTo(25 / 90, 1);
  });
});
