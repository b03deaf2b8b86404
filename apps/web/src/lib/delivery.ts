import {
  CIRCUIT_LABELS,
  CIRCUITS,
  DELIVERY_STATUS_LABELS,
  DELIVERY_STATUSES,
  DESTINATION_LABELS,
  DESTINATIONS,
  type DistributionSettings,
  formatParisDate,
  formatParisDateAtTime,
  formatParisTime,
  isOneOf,
  RECEIPT_LABELS,
  RECEIPTS,
  type TenantRole,
} from '@rayon/domain';
import type { ApiClient } from '../server/api.ts';
import { given, integerOrText } from './forms.ts';

/** What the API answers (the portal's vocabulary for the distribution of validated reports). */
export type DeliveryView = Awaited<ReturnType<ApiClient['delivery']['forReport']['query']>>[number];
export type FailedDeliveryView = Awaited<ReturnType<ApiClient['delivery']['failed']['query']>>[number];
export type DeliveryAttemptView = Awaited<ReturnType<ApiClient['delivery']['attempts']['query']>>[number];

/** Roles who may send a failed delivery again, or cancel a pending one (the API's retry, cancel). */
export const DELIVERY_RETRY_ROLES: TenantRole[] = ['practice_admin', 'secretary', 'radiologist'];

/** DMP (Mon espace santé), MSSanté du médecin demandeur, messagerie du patient, PFI. */
export function destinationLabel(destination: string): string {
  return isOneOf(DESTINATIONS, destination) ? DESTINATION_LABELS[destination] : destination;
}

/** Remis, En cours, Échec : action requise, Non envoyé. */
export function deliveryStatusLabel(status: string): string {
  return isOneOf(DELIVERY_STATUSES, status) ? DELIVERY_STATUS_LABELS[status] : status;
}

/** Remis dans la boîte du destinataire, Intégré par son logiciel, Lu (MSSanté DSN/MDN); null when none. */
export function receiptLabel(receipt: string | null): string | null {
  if (receipt === null) return null;
  return isOneOf(RECEIPTS, receipt) ? RECEIPT_LABELS[receipt] : receipt;
}

const ACTION_LABELS: Record<string, string> = {
  publish: 'Envoi',
  replace: 'Remplacement',
  withdraw: 'Retrait',
  visibility: 'Mise à jour de la visibilité',
};

/**
 * Envoi (first version), Remplacement (a correction), Retrait (withdrawal), Mise à jour de la
 * visibilité (the DMP entry made visible to the patient once the announcement is recorded).
 */
export function deliveryActionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

const OUTCOME_LABELS: Record<string, string> = {
  delivered: 'Remis',
  retry: 'Échec, nouvel essai prévu',
  failed: 'Échec définitif',
  not_sent: 'Non envoyé',
  notification: 'Avis du destinataire',
};

/** An instant in Paris time: « 10:42 » the same day, « le 06/12/2026 à 10:42 » otherwise. */
export function parisMoment(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const day = formatParisDate(at);
  return day === formatParisDate(now) ? formatParisTime(at) : `le ${formatParisDateAtTime(at)}`;
}

/** The remote service a send waits for: DMP, MSSanté, PFI. */
export function circuitLabel(circuit: string): string {
  return isOneOf(CIRCUITS, circuit) ? CIRCUIT_LABELS[circuit] : circuit;
}

/** « DMP indisponible depuis 10:42 » for a pending send waiting for its destination; else null. */
export function unavailableLabel(d: Pick<DeliveryView, 'status' | 'waiting'>, now?: Date): string | null {
  if (d.status !== 'pending' || !d.waiting) return null;
  return `${circuitLabel(d.waiting.circuit)} indisponible depuis ${parisMoment(d.waiting.unavailableSince, now)}`;
}

/** « Prochain essai à 10:57 » for a pending send whose next attempt is known; else null. */
export function nextAttemptLabel(
  d: Pick<DeliveryView, 'status' | 'nextAttemptAt'>,
  now?: Date,
): string | null {
  if (d.status !== 'pending' || !d.nextAttemptAt) return null;
  const moment = parisMoment(d.nextAttemptAt, now);
  return `Prochain essai ${moment.startsWith('le ') ? moment : `à ${moment}`}`;
}

export function attemptOutcomeLabel(outcome: string): string {
  return OUTCOME_LABELS[outcome] ?? outcome;
}

/** « Aucun essai », « 1 essai », « 3 essais ». */
export function attemptsLabel(count: number): string {
  if (count === 0) return 'Aucun essai';
  return `${count} essai${count > 1 ? 's' : ''}`;
}

/** 1,2 s or 350 ms. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s`;
}

// ------------------------------------------------------------------------- settings form

export interface DistributionFormValues {
  dmp: boolean;
  mssante: boolean;
  mssantePatient: boolean;
  /** The practice's applicative mailbox (BAL applicative), the mails' sender. */
  mssanteMailbox: string;
  pfi: boolean;
  pfiHost: string;
  pfiPort: string;
  pfiApplication: string;
  pfiFacility: string;
  pfiProfile: string;
}

/** The form's fields as the settings stand (empty PFI fields when there is none). */
export function distributionFormValues(settings: DistributionSettings): DistributionFormValues {
  return {
    dmp: settings.dmp,
    mssante: settings.mssante.enabled,
    mssantePatient: settings.mssante.patient,
    mssanteMailbox: settings.mssante.mailbox ?? '',
    pfi: settings.pfi !== null,
    pfiHost: settings.pfi?.host ?? '',
    pfiPort: settings.pfi ? String(settings.pfi.port) : '',
    pfiApplication: settings.pfi?.receivingApplication ?? '',
    pfiFacility: settings.pfi?.receivingFacility ?? '',
    pfiProfile: settings.pfi?.profile ?? 'MDM',
  };
}

/** Reads the submitted form (checkboxes are « on » when ticked). */
export function readDistributionForm(form: FormData): DistributionFormValues {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  return {
    dmp: form.get('dmp') === 'on',
    mssante: form.get('mssante') === 'on',
    mssantePatient: form.get('mssantePatient') === 'on',
    mssanteMailbox: text('mssanteMailbox'),
    pfi: form.get('pfi') === 'on',
    pfiHost: text('pfiHost'),
    pfiPort: text('pfiPort'),
    pfiApplication: text('pfiApplication'),
    pfiFacility: text('pfiFacility'),
    pfiProfile: text('pfiProfile') || 'MDM',
  };
}

/** The settings' paths (schema and API) → the form's fields. */
export const DISTRIBUTION_FIELDS: Readonly<Record<string, keyof DistributionFormValues>> = {
  'mssante.mailbox': 'mssanteMailbox',
  'pfi.host': 'pfiHost',
  'pfi.port': 'pfiPort',
  'pfi.receivingApplication': 'pfiApplication',
  'pfi.receivingFacility': 'pfiFacility',
  'pfi.profile': 'pfiProfile',
};

/**
 * The form as the input of `distributionSettingsInput` (checked there). The patient's mailbox goes
 * with MSSanté (it is off when MSSanté is); the PFI address counts only when the PFI is ticked; an
 * empty mailbox is not sent, which leaves the practice without one.
 */
export function distributionInput(v: DistributionFormValues) {
  return {
    dmp: v.dmp,
    mssante: { enabled: v.mssante, patient: v.mssante && v.mssantePatient, mailbox: given(v.mssanteMailbox) },
    pfi: v.pfi
      ? {
          host: given(v.pfiHost),
          port: integerOrText(v.pfiPort),
          receivingApplication: given(v.pfiApplication),
          receivingFacility: given(v.pfiFacility),
          profile: v.pfiProfile,
        }
      : null,
  };
}

// ------------------------------------------------------------------------------------ paths

/** The dead-letter list: the sends that failed for good. */
export function failedDeliveriesPath(slug: string): string {
  return `/t/${encodeURIComponent(slug)}/comptes-rendus/envois`;
}
