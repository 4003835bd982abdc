import type { Scenario } from './types.ts';

/**
 * Checks the run-time values given for a scenario's vars before anything runs: every declared var
 * needs a non-empty string, and a value for an undeclared name is refused (most likely a typo).
 * @returns one line per problem; empty when the values fit
 */
export function varsProblems(scenario: Scenario, vars: Readonly<Record<string, unknown>> | undefined): string[] {
  const declared = scenario.vars ?? {};
  const given = vars ?? {};
  const problems: string[] = [];
  for (const [name, what] of Object.entries(declared)) {
    const value = given[name];
    if (value === undefined) problems.push(`vars.${name}: scenario "${scenario.name}" needs a value for {${name}} (${what}), and none was given`);
    else if (typeof value !== 'string' || value === '') problems.push(`vars.${name}: must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  const names = Object.keys(declared);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) problems.push(`vars.${name}: scenario "${scenario.name}" declares no var "${name}" (declared: ${names.length ? names.join(', ') : 'none'})`);
  }
  return problems;
}
