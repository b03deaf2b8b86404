/**
 * Onboarding: practices (tenants) and their provisioning, sites, API keys, HL7 routes and ports,
 * organisation certificates. Use cases take an explicit context first: `UseCaseContext` on one
 * practice's data, `PlatformContext` for the platform's own work.
 */
import { apiKeyUseCases } from './api-keys.ts';
import { certificateUseCases } from './certificates.ts';
import type { OnboardingDeps } from './deps.ts';
import { hl7UseCases } from './hl7.ts';
import { createProvisioning } from './provisioning.ts';
import { siteUseCases } from './sites.ts';
import { tenantUseCases } from './tenants.ts';

export function createOnboarding(deps: OnboardingDeps) {
  return {
    ...tenantUseCases(deps),
    ...createProvisioning(deps),
    ...apiKeyUseCases(deps),
    ...siteUseCases(deps),
    ...hl7UseCases(deps),
    ...certificateUseCases(deps),
  };
}
export type Onboarding = ReturnType<typeof createOnboarding>;

export type { FirstAdminInvitations, OnboardingDeps, Tokens } from './deps.ts';
export { createProvisioning } from './provisioning.ts';
export type { ApiKeyPrincipal } from './api-keys.ts';
export { installCertificate, purposeCheck, usableCertificate } from './certificates.ts';
export type { Hl7Platform, Hl7RouteInput, Hl7RouteUpdate } from './hl7.ts';
export type { SiteInput } from './sites.ts';
export type { OnboardInput } from './tenants.ts';
