import { placeholdersIn } from '../harness/drive/templates.ts';
import { at, number, object, oneOf, string, type Problems } from './check.ts';

const KINDS = ['zipf', 'uniform', 'shuffled', 'latest', 'hotspot', 'fixed'] as const;
const POPULATIONS = ['photos', 'users'] as const;

const THETA = 'a number >= 0 (0 is uniform, 0.99 YCSB\'s default, >= 1 steeper)';

/**
 * Checks a key distribution (an operation's key or actor).
 * @param vars the scenario's declared vars: a fixed key may name them
 */
export function checkKey(p: Problems, v: unknown, path: string, vars: ReadonlySet<string>): void {
  const kind = oneOf(p, (v as { kind?: unknown } | null | undefined)?.kind, at(path, 'kind'), KINDS);
  if (kind === undefined) {
    if (typeof v !== 'object' || v === null) p.add(path, `must be a key distribution (an object with kind: ${KINDS.join(', ')}), got ${JSON.stringify(v) ?? 'nothing'}`);
    else if ((v as { kind?: unknown }).kind === undefined) p.add(at(path, 'kind'), `is required: one of ${KINDS.map((k) => `"${k}"`).join(', ')}`);
    return;
  }
  const population = (d: Record<string, unknown>) => oneOf(p, d.population, at(path, 'population'), POPULATIONS);
  switch (kind) {
    case 'uniform':
    case 'shuffled': {
      const d = object(p, v, path, `a ${kind} key`, ['kind', 'population']);
      if (d) population(d);
      return;
    }
    case 'zipf':
    case 'latest': {
      const d = object(p, v, path, `a ${kind} key`, ['kind', 'population', 'theta']);
      if (!d) return;
      population(d);
      number(p, d.theta, at(path, 'theta'), (n) => n >= 0, THETA);
      return;
    }
    case 'hotspot': {
      const d = object(p, v, path, 'a hotspot key', ['kind', 'population', 'hotKeyFraction', 'hotRequestFraction']);
      if (!d) return;
      population(d);
      number(p, d.hotKeyFraction, at(path, 'hotKeyFraction'), (n) => n > 0 && n <= 1, 'a fraction of the keys in (0, 1], e.g. 0.01 for 1%');
      number(p, d.hotRequestFraction, at(path, 'hotRequestFraction'), (n) => n >= 0 && n <= 1, 'a fraction of the requests in [0, 1], e.g. 0.9');
      return;
    }
    case 'fixed': {
      const d = object(p, v, path, 'a fixed key', ['kind', 'value']);
      if (!d) return;
      const value = string(p, d.value, at(path, 'value'), 'an id, or a run-time var like "{stormPhoto}"');
      if (value === undefined) return;
      if (value.trim() === '') p.add(at(path, 'value'), 'must not be empty: give an id, or a run-time var like "{stormPhoto}"');
      for (const name of placeholdersIn(value)) {
        if (!vars.has(name)) p.add(at(path, 'value'), `{${name}} is not a declared var (a fixed key is known before the trial: only vars can fill it; declared: ${[...vars].join(', ') || 'none'})`);
      }
    }
  }
}
