import {
  isOneOf,
  REPORT_STATUS_LABELS,
  REPORT_STATUSES,
  type ReportStatus,
  type TenantRole,
  VISIBILITY_LABELS,
  type VisibilityChoice,
} from '@rayon/domain';
import type { ApiClient } from '../server/api.ts';

/** What the API answers (the portal's vocabulary for the reporting area). */
export type ReportView = Awaited<ReturnType<ApiClient['reporting']['get']['query']>>;
export type ReportVersionView = ReportView['versions'][number];
export type ReportListItem = Awaited<ReturnType<ApiClient['reporting']['list']['query']>>[number];
export type ExamToReport = Awaited<ReturnType<ApiClient['reporting']['toWrite']['query']>>[number];
export type ReportTemplate = Awaited<
  ReturnType<ApiClient['reporting']['templates']['list']['query']>
>[number];
export type UserNotification = Awaited<ReturnType<ApiClient['reporting']['notifications']['query']>>[number];

/** Roles who read reports (the API's READERS). */
export const REPORT_READER_ROLES: TenantRole[] = ['practice_admin', 'radiologist', 'resident', 'secretary'];
/** Roles who write, validate, correct, withdraw reports and record the announcement (WRITERS). */
export const REPORT_WRITER_ROLES: TenantRole[] = ['radiologist', 'resident'];
/** Roles who create report templates. */
export const TEMPLATE_EDITOR_ROLES: TenantRole[] = ['practice_admin', 'radiologist'];

export function isReportStatus(value: string): value is ReportStatus {
  return isOneOf(REPORT_STATUSES, value);
}

/** Brouillon, Préliminaire, Validé, Remplacé, Retiré. */
export function reportStatusLabel(status: string): string {
  return isReportStatus(status) ? REPORT_STATUS_LABELS[status] : status;
}

/** The list's filters, in the URL (`?statut=preliminaire`): French words for the statuses. */
export const STATUS_FILTERS: { param: string; status: ReportStatus | null; label: string }[] = [
  { param: '', status: null, label: 'Tous' },
  { param: 'brouillon', status: 'draft', label: 'Brouillons' },
  { param: 'preliminaire', status: 'provisional', label: 'Préliminaires' },
  { param: 'valide', status: 'validated', label: 'Validés' },
  { param: 'retire', status: 'withdrawn', label: 'Retirés' },
];

const DOCUMENT_KIND_LABELS: Record<string, string> = {
  pdf: 'PDF/A',
  cda: 'CDA R2 niveau 1',
};

export function documentKindLabel(kind: string): string {
  return DOCUMENT_KIND_LABELS[kind] ?? kind;
}

/** 12,3 ko */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} o`;
  const units = ['ko', 'Mo', 'Go'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} ${units[unit]}`;
}

/** The French sentence of a notification (by its kind; the API's message otherwise). */
export function notificationLabel(n: Pick<UserNotification, 'kind' | 'message'>): string {
  if (n.kind === 'report.provisional') {
    return 'Compte rendu préliminaire en attente de validation depuis plus de 48 h';
  }
  return n.message;
}

// ------------------------------------------------------------------------------------ paths

const practice = (slug: string) => `/t/${encodeURIComponent(slug)}`;

export function reportsPath(slug: string, statusParam?: string): string {
  return `${practice(slug)}/comptes-rendus${statusParam ? `?statut=${encodeURIComponent(statusParam)}` : ''}`;
}

export function reportPath(slug: string, id: string): string {
  return `${practice(slug)}/comptes-rendus/${encodeURIComponent(id)}`;
}

/** The viewer of a stored CDA (its header and its PDF). */
export function cdaViewerPath(slug: string, docId: string): string {
  return `${practice(slug)}/comptes-rendus/documents/${encodeURIComponent(docId)}`;
}

/** A stored document as it is (PDF inline, CDA as XML). */
export function documentFilePath(slug: string, docId: string): string {
  return `${cdaViewerPath(slug, docId)}/fichier`;
}

/** The PDF carried by a stored CDA. */
export function cdaPdfPath(slug: string, docId: string): string {
  return `${cdaViewerPath(slug, docId)}/pdf`;
}

export function receivedCdaPath(slug: string): string {
  return `${practice(slug)}/comptes-rendus/cda-recu`;
}

export function templatesPath(slug: string): string {
  return `${practice(slug)}/comptes-rendus/modeles`;
}

/** The visibility restrictions of a validated version, in French (empty: visible to all). */
export function visibilityLabels(v: VisibilityChoice): string[] {
  return (Object.keys(VISIBILITY_LABELS) as (keyof VisibilityChoice)[])
    .filter((k) => v[k])
    .map((k) => VISIBILITY_LABELS[k]);
}
