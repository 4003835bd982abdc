import { UsageError } from '../errors.ts';
import type { OptionSpec } from './options.ts';

/**
 * Flags of a command other than `run` (no config file, no BENCH_* variables): typed flag < default,
 * every value validated, all problems reported together, one line each, saying what is accepted.
 */
export function resolveFlags(specs: readonly OptionSpec[], argv: Record<string, unknown>): Record<string, string | number | boolean | string[] | undefined> {
  const problems: string[] = [];
  const out: Record<string, string | number | boolean | string[] | undefined> = {};
  for (const spec of specs) {
    const raw = argv[spec.flag];
    const text = raw === undefined ? spec.default : String(Array.isArray(raw) ? raw.at(-1) : raw);
    if (text === undefined) continue;
    const parsed = spec.parse(text);
    if (parsed.ok) out[spec.key] = parsed.value;
    else problems.push(`--${spec.flag}: ${parsed.message}`);
  }
  if (problems.length) throw new UsageError(problems.join('\n'));
  return out;
}
