import { UsageError } from '../errors.ts';
import { externalProvider } from './external.ts';
import { localProvider } from './local.ts';
import type { StackProvider } from './types.ts';

/** The provider registry. docker (testcontainers) arrives with its own file. */
const providers: Record<string, StackProvider> = {
  local: localProvider,
  external: externalProvider,
};

export const providerNames = Object.keys(providers);

export function stackProvider(name: string): StackProvider {
  const p = providers[name];
  if (!p) throw new UsageError(`unknown stack provider "${name}"; accepted: ${providerNames.join(', ')}`);
  return p;
}
