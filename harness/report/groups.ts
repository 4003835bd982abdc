/**
 * Trials grouped by scenario, tiers in their natural order: what the report overlays on shared
 * charts. A tier that ran a scenario more than once is named by its trial number too.
 */
import type { ResultsFile, Trial } from '../results/types.ts';
import { sortTiers } from './charts/style.ts';

export interface GroupMember {
  /** Index in results.trials. */
  index: number;
  trial: Trial;
  /** The tier, or "tier (trial N)" when the tier ran this scenario more than once. */
  name: string;
}

export interface ScenarioGroup {
  scenario: string;
  /** Tiers in natural order, each tier's trials in file order. */
  members: GroupMember[];
  tiers: string[];
}

/** Scenarios in order of first appearance. */
export function groupByScenario(results: ResultsFile): ScenarioGroup[] {
  const order: string[] = [];
  const byScenario = new Map<string, Array<{ index: number; trial: Trial }>>();
  results.trials.forEach((trial, index) => {
    if (!byScenario.has(trial.scenario)) {
      order.push(trial.scenario);
      byScenario.set(trial.scenario, []);
    }
    byScenario.get(trial.scenario)!.push({ index, trial });
  });
  return order.map((scenario) => {
    const list = byScenario.get(scenario)!;
    const tiers = sortTiers(list.map((m) => m.trial.tier));
    const members = tiers.flatMap((tier) => {
      const ofTier = list.filter((m) => m.trial.tier === tier);
      return ofTier.map((m) => ({ ...m, name: ofTier.length > 1 ? `${tier} (trial ${m.index + 1})` : tier }));
    });
    return { scenario, members, tiers };
  });
}

/** "trial-3": the anchor of a trial's section (1-based, as the report numbers trials). */
export function trialAnchor(index: number): string {
  return `trial-${index + 1}`;
}

/** "scenario-photo-reads": the anchor of a scenario's section. */
export function scenarioAnchor(scenario: string): string {
  return `scenario-${scenario.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
