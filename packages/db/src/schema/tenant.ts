/**
 * Tables of one practice, created in each tenant schema `t_<slug>`. Declared once with plain
 * `pgTable` (no schema): queries resolve them through the search_path that `withTenant` sets.
 * One file per business area under `tenant/`; this file is the one import point (the tenant
 * migrations are generated from it, see drizzle.tenant.config.ts).
 */
export * from './tenant/practice.ts';
export * from './tenant/identity.ts';
export * from './tenant/inbound.ts';
export * from './tenant/scheduling.ts';
export * from './tenant/reporting.ts';
export * from './tenant/delivery.ts';
