/**
 * @rayon/connectors: clients of the national services. Each takes the tenant's organisation
 * certificate explicitly. Subpaths: `@rayon/connectors/certificates`, `@rayon/connectors/insi`.
 */
export * from './certificates/index.ts';
export * from './insi/index.ts';
export * from './delivery-error.ts';
