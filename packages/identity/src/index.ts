/**
 * The identity application package: patients, INS, RNIV, INSi, identity documents and the
 * identity feed (ADT). Its use cases take an explicit context (`UseCaseContext`) and are called
 * the same way by the API, the worker and the gateway.
 */
import { createIdentityDocuments, type IdentityDocumentsDeps } from './identity-documents.ts';
import { createPatients, type PatientsDeps } from './patients.ts';

export type IdentityDeps = PatientsDeps & IdentityDocumentsDeps;

/** The identity use cases, built once from their dependencies. */
export function createIdentity(deps: IdentityDeps) {
  return { ...createPatients(deps), ...createIdentityDocuments(deps) };
}
export type Identity = ReturnType<typeof createIdentity>;
export * from './insi.ts';
export { applyAdt, findOrCreatePatient } from './adt.ts';
export * from './patient-identity.ts';
export * from './merge.ts';
export { publicPatient, type PatientSearchInput, type PatientView } from './patients.ts';
