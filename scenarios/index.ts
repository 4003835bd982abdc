import { photoReads } from './photo-reads.ts';
import type { Scenario } from './types.ts';

/** The scenario registry: one entry per file in scenarios/. */
export const scenarios: Readonly<Record<string, Scenario>> = {
  [photoReads.name]: photoReads,
};

export function scenarioNames(): string[] {
  return Object.keys(scenarios);
}
