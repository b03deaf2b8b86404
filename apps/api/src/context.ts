import { AsyncLocalStorage } from 'node:async_hooks';
import type { TenantRef } from '@rayon/db';

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  isPlatformAdmin: boolean;
}

/** What a request carries from edge to repository: ids only, never patient data. */
export interface RequestContext {
  requestId: string;
  user?: SessionUser;
  apiKeyId?: string;
  tenant?: TenantRef;
  /**
   * The portal says nobody has touched the page for a while (`x-rayon-unattended: 1`, an
   * automatic refresh): the request is served but is no activity for the idle timeout. Only
   * ever shortens one's own session, so it is taken from anyone.
   */
  unattended?: boolean;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
