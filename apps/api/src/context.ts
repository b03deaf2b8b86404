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
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
