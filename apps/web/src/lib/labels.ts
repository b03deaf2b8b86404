import {
  API_SCOPES,
  isTenantRole,
  TENANT_ROLE_LABELS,
  TENANT_STATUS_LABELS,
  TENANT_STATUSES,
  type ApiScope,
  type TenantStatus,
} from '@rayon/domain';

export function tenantStatusLabel(status: string): string {
  return (TENANT_STATUSES as readonly string[]).includes(status)
    ? TENANT_STATUS_LABELS[status as TenantStatus]
    : status;
}

export function roleLabel(role: string): string {
  return isTenantRole(role) ? TENANT_ROLE_LABELS[role] : role;
}

const PROVISIONING_STEP_LABELS: Record<string, string> = {
  queued: 'En attente de traitement',
  schema: "Création de l'espace de données",
  migrations: 'Préparation des tables',
  'first-site': 'Création du premier site',
  done: 'Terminé',
  failed: 'Échec',
  deprovisioned: 'Supprimé',
};

export function provisioningStepLabel(step: string): string {
  return PROVISIONING_STEP_LABELS[step] ?? step;
}

export const API_SCOPE_LABELS: Record<ApiScope, string> = {
  'sites:read': 'Lecture des sites',
  'sites:write': 'Modification des sites',
  'patients:read': 'Lecture des patients',
  'patients:write': 'Création et modification des identités patients',
};

export function apiScopeLabel(scope: string): string {
  return (API_SCOPES as readonly string[]).includes(scope) ? API_SCOPE_LABELS[scope as ApiScope] : scope;
}

const dateTime = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'short',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});
const dateOnly = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: 'Europe/Paris' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateTime.format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateOnly.format(d);
}
