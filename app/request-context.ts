import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request facts that routing needs deep inside services, without threading them through. */
export interface RequestContext {
  /** The session wrote recently: its reads go to primaries (read-your-writes). */
  readFromPrimary: boolean;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequest(): RequestContext | undefined {
  return requestContext.getStore();
}
