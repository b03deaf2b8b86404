import type { TenantRole } from '@rayon/domain';
import { cache } from 'react';
import { apiForSession, load } from './session.ts';

/** Who the signed-in person is in one practice: memberships and roles (once per request). */
export const practiceContext = cache(async (slug: string) => {
  const api = await apiForSession();
  const me = await load(() => api.auth.me.query());
  const membership = me.memberships.find((m) => m.slug === slug);
  const roles = (membership?.roles ?? []) as string[];
  return {
    me,
    membership,
    roles,
    has: (...wanted: TenantRole[]) => wanted.some((r) => roles.includes(r)),
  };
});

/** Roles allowed to read patients (the API's READERS). */
export const PATIENT_READER_ROLES: TenantRole[] = [
  'practice_admin',
  'secretary',
  'radiologist',
  'resident',
  'technologist',
];
/** Roles allowed to change identities (the API's IDENTITY_DESK). */
export const IDENTITY_DESK_ROLES: TenantRole[] = ['practice_admin', 'secretary'];
/** Roles allowed to see the HL7 feed. */
export const HL7_FEED_ROLES: TenantRole[] = ['practice_admin', 'secretary'];
/** Roles who see the desk's day, the planning and the worklists (the API's STAFF). */
export const SCHEDULING_READER_ROLES: TenantRole[] = [
  'practice_admin',
  'secretary',
  'radiologist',
  'resident',
  'technologist',
];
/** Roles who make demandes and book, mark arrivals and absences (the API's DESK). */
export const SCHEDULING_DESK_ROLES: TenantRole[] = ['practice_admin', 'secretary'];
/** Roles who start and end an exam at the modality. */
export const MODALITY_STAFF_ROLES: TenantRole[] = ['practice_admin', 'technologist'];
