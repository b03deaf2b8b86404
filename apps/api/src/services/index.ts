import { createApiKeyService } from './api-keys.ts';
import { createAuthService } from './auth.ts';
import type { Deps } from './deps.ts';
import { createSiteService } from './sites.ts';
import { createTenantService } from './tenants.ts';

export function createServices(deps: Deps) {
  return {
    db: deps.db,
    auth: createAuthService(deps),
    tenants: createTenantService(deps),
    apiKeys: createApiKeyService(deps),
    sites: createSiteService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
export type { Deps } from './deps.ts';
