import type { ApiClient } from '../server/api.ts';

/** A patient as the API returns it (`identity.get`). */
export type Patient = Awaited<ReturnType<ApiClient['identity']['get']['query']>>;
export type IdentityEvent = Awaited<ReturnType<ApiClient['identity']['history']['query']>>[number];

/** How the portal names a patient: NOM DE NAISSANCE Premier prénom (RNIV: birth name first). */
export function patientName(p: Pick<Patient, 'traits'>): string {
  return `${p.traits.birthFamilyName.toLocaleUpperCase('fr-FR')} ${p.traits.firstBirthForename}`;
}

export function patientPath(slug: string, id: string): string {
  return `/t/${encodeURIComponent(slug)}/patients/${encodeURIComponent(id)}`;
}
