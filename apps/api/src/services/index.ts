import { createScheduling } from '@rayon/scheduling';
import { createApiKeyService } from './api-keys.ts';
import { createAuthService } from './auth.ts';
import { createCertificateService } from './certificates.ts';
import { createDelivery } from '@rayon/delivery';
import { createHl7Service } from './hl7.ts';
import { createIdentityDocumentService } from './identity-documents.ts';
import type { Deps } from './deps.ts';
import { createPasswordService } from './passwords.ts';
import { createPatientService } from './patients.ts';
import { createReporting } from '@rayon/reporting';
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
    scheduling: createScheduling(deps),
    reporting: createReporting(deps),
    delivery: createDelivery(deps),
    patients: createPatientService(deps),
    certificates: createCertificateService(deps),
    identityDocuments: createIdentityDocumentService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
export type { Deps } from './deps.ts';
