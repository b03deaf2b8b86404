import { createApiKeyService } from './api-keys.ts';
import { createAuthService } from './auth.ts';
import { createCertificateService } from './certificates.ts';
import { createHl7Service } from './hl7.ts';
import type { Deps } from './deps.ts';
import { createPasswordService } from './passwords.ts';
import { createIdentity } from '@rayon/identity';
import { createDeliveryService } from './deliveries.ts';
import { createReportsService } from './reports.ts';
import { createSchedulingService } from './scheduling.ts';
import { createSessionService } from './sessions.ts';
import { createSecurityService } from './security.ts';
import { createSiteService } from './sites.ts';
import { createStaffService } from './staff.ts';
import { createTenantService } from './tenants.ts';

export function createServices(deps: Deps) {
  const staff = createStaffService(deps);
  const auth = createAuthService(deps, staff);
  return {
    db: deps.db,
    auth,
    passwords: createPasswordService(deps, { clearSignInThrottle: auth.clearSignInThrottle }),
    sessions: createSessionService(deps),
    security: createSecurityService(deps),
    tenants: createTenantService(deps),
    apiKeys: createApiKeyService(deps),
    sites: createSiteService(deps),
    staff,
    hl7: createHl7Service(deps),
    scheduling: createSchedulingService(deps),
    reports: createReportsService(deps),
    deliveries: createDeliveryService(deps),
    identity: createIdentity(deps),
    certificates: createCertificateService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
export type { Deps } from './deps.ts';
