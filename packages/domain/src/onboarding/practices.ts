/** Scopes an API key may be granted. Read and write are separate; nothing implies another. */
export const API_SCOPES = [
  'sites:read',
  'sites:write',
  'patients:read',
  'patients:write',
  'orders:read',
  'orders:write',
  'reports:read',
  'reports:write',
  'staff:read',
  'staff:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const TENANT_STATUSES = [
  'provisioning',
  'active',
  'failed',
  'deprovisioning',
  'deprovisioned',
] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export const TENANT_STATUS_LABELS: Record<TenantStatus, string> = {
  provisioning: 'En cours de création',
  active: 'Actif',
  failed: 'Échec de la création',
  deprovisioning: 'En cours de suppression',
  deprovisioned: 'Supprimé',
};

/**
 * What a practice's organisation certificate is for: the INSi calls (unattended and at the desk),
 * the DMP, MSSanté. One active certificate per purpose.
 */
export const CERTIFICATE_PURPOSES = ['insi-auto', 'insi-manu', 'dmp', 'mssante'] as const;
export type CertificatePurpose = (typeof CERTIFICATE_PURPOSES)[number];
