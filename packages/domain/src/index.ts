export * from './shared/errors.ts';
export * from './shared/luhn.ts';
export * from './tenancy/identifiers.ts';
export * from './tenancy/roles.ts';
export * from './identity/types.ts';
