import { photoReads } from './photo-reads.ts';
import type { Scenario } from './types.ts';

/** The scenario registry: one entry per file in scenarios/. */
export const scenarios: Readonly<Record<string, Scenario>> = {
  [photoReads.name]: photoReads,
};

/** What `bench run` runs when no --scenario is given. */
export const DEFAULT_SCENARIOS: readonly string[] = ['photo-reads'];

export function scenarioNames(): string[] {
  return Object.keys(scenarios);
}
