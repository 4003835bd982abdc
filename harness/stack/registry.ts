import { UsageError } from '../errors.ts';
import { dockerProvider } from './docker.ts';
import { externalProvider } from './external.ts';
import { localProvider } from './local.ts';
import type { StackProvider } from './types.ts';

/** The provider registry: one file per provider. */
const providers: Record<string, StackProvider> = {
  local: localProvider,
  docker: dockerProvider,
  external: externalProvider,
};

export const providerNames = Object.keys(providers);

export function stackProvider(name: string): StackProvider {
  const p = providers[name];
  if (!p) throw new UsageError(`unknown stack provider "${name}"; accepted: ${providerNames.join(', ')}`);
  return p;
}
