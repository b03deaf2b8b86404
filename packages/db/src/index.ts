export {
  Database,
  type ControlTx,
  type DatabaseOptions,
  type PlatformTx,
  type TenantRef,
  type TenantTx,
} from './client.ts';
export { setupDatabase, type SetupOptions } from './setup.ts';
export {
  migrateAllTenants,
  migratePlatform,
  migrateTenant,
  type MigrateAllOptions,
  type TenantMigrationResult,
} from './migrate/runner.ts';
export { checkTenantMigrations } from './migrate/files.ts';
export { deprovisionTenant, markProvisioningFailed, provisionTenant } from './onboarding/provision.ts';
export type { ProvisioningState } from './schema/platform.ts';
export { HL7_MESSAGE_STATUSES, type Hl7MessageStatus } from './schema/tenant/inbound.ts';
export * from './platform/audit.ts';
export { asUser, audit, systemContext, type PlatformContext, type UseCaseContext } from './context.ts';
export * from './platform/outbox.ts';
export * from './onboarding/tenants.ts';
export * from './access/users.ts';
export * from './access/staff.ts';
export * from './access/sessions.ts';
export * from './access/sign-in.ts';
export * from './access/psc.ts';
export * from './onboarding/api-keys.ts';
export * from './onboarding/sites.ts';
export * from './tenant/profiles.ts';
export * from './tenant/settings.ts';
export { malformed, parseStored } from './stored.ts';
export * from './onboarding/hl7-routes.ts';
export * from './identity/patients.ts';
export * from './tenant/hl7-messages.ts';
export * from './onboarding/certificates.ts';
export * from './identity/identity-documents.ts';
export { loggableError } from './log-safe.ts';
export * from './scheduling/scheduling.ts';
export * from './scheduling/performed-steps.ts';
export type { OpeningHours, ReportSigner } from './schema/tenant.ts';
export * from './reporting/reports.ts';
export * from './delivery/deliveries.ts';
export * from './delivery/dmp.ts';
