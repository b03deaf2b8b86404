import { createApiKeyService } from './api-keys.ts';
import { createAuthService } from './auth.ts';
import { createCertificateService } from './certificates.ts';
import { createHl7Service } from './hl7.ts';
import { createIdentityDocumentService } from './identity-documents.ts';
import type { Deps } from './deps.ts';
import { createPatientService } from './patients.ts';
import { createDeliveryService } from './deliveries.ts';
import { createReportsService } from './reports.ts';
import { createSchedulingService } from './scheduling.ts';
import { createSiteService } from './sites.ts';
import { createTenantService } from './tenants.ts';

export function createServices(deps: Deps) {
  return {
    db: deps.db,
    auth: createAuthService(deps),
    tenants: createTenantService(deps),
    apiKeys: createApiKeyService(deps),
    sites: createSiteService(deps),
    hl7: createHl7Service(deps),
    scheduling: createSchedulingService(deps),
    reports: createReportsService(deps),
    deliveries: createDeliveryService(deps),
    patients: createPatientService(deps),
    certificates: createCertificateService(deps),
    identityDocuments: createIdentityDocumentService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
export type { Deps } from './deps.ts';
