import { UsageError } from '../errors.ts';
import { localProvider } from './local.ts';
import type { StackProvider } from './types.ts';

/** The provider registry. docker (testcontainers) and external arrive with their own files. */
const providers: Record<string, StackProvider> = {
  local: localProvider,
};

export const providerNames = Object.keys(providers);

export function stackProvider(name: string): StackProvider {
  const p = providers[name];
  if (!p) throw new UsageError(`unknown stack provider "${name}"; accepted: ${providerNames.join(', ')}`);
  return p;
}
