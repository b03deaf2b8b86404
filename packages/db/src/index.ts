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
export { deprovisionTenant, markProvisioningFailed, provisionTenant } from './tenancy/provision.ts';
export type { ProvisioningState } from './schema/platform.ts';
export * from './platform/audit.ts';
export { audit, systemContext, type PlatformContext, type UseCaseContext } from './context.ts';
export * from './platform/outbox.ts';
export * from './platform/tenants.ts';
export * from './platform/users.ts';
export * from './platform/staff.ts';
export * from './platform/sessions.ts';
export * from './platform/sign-in.ts';
export * from './platform/psc.ts';
export * from './platform/api-keys.ts';
export * from './tenant/sites.ts';
export * from './tenant/profiles.ts';
export * from './tenant/settings.ts';
export { malformed, parseStored } from './stored.ts';
export * from './platform/hl7-routes.ts';
export * from './identity/patients.ts';
export * from './tenant/hl7-messages.ts';
export * from './tenant/certificates.ts';
export * from './identity/identity-documents.ts';
export { loggableError } from './log-safe.ts';
export * from './tenant/scheduling.ts';
export * from './tenant/performed-steps.ts';
export type { OpeningHours, ReportSigner } from './schema/tenant.ts';
export * from './tenant/reports.ts';
export * from './tenant/deliveries.ts';
export * from './tenant/dmp.ts';
