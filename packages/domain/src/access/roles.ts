/** Roles a user holds inside one practice (tenant). Platform administration is not a tenant role. */
import { isOneOf } from '../shared/values.ts';
export const TENANT_ROLES = [
  'practice_admin',
  'radiologist',
  'resident',
  'secretary',
  'technologist',
] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** Official French labels shown in the portal. */
export const TENANT_ROLE_LABELS: Record<TenantRole, string> = {
  practice_admin: 'Administrateur du cabinet',
  radiologist: 'Radiologue',
  resident: 'Interne',
  secretary: 'Secrétaire médicale',
  technologist: 'Manipulateur en électroradiologie médicale',
};

export function isTenantRole(value: string): value is TenantRole {
  return isOneOf(TENANT_ROLES, value);
}
