/**
 * Where a validated report goes without anyone clicking (Ségur): the patient's DMP, the referring
 * professional's MSSanté mailbox, the patient's Mon espace santé mailbox, and in a hospital the
 * intermediation platform (PFI) by HL7 v2. Pure rules: which destinations a version has, and
 * which are kept back and why (said in French for the portal).
 */

export const DESTINATIONS = ['dmp', 'mssante_referrer', 'mssante_patient', 'pfi'] as const;
export type Destination = (typeof DESTINATIONS)[number];

export const DESTINATION_LABELS: Record<Destination, string> = {
  dmp: 'DMP (Mon espace santé)',
  mssante_referrer: 'MSSanté du médecin demandeur',
  mssante_patient: 'Messagerie Mon espace santé du patient',
  pfi: "Plateforme d'intermédiation (PFI)",
};

export const DELIVERY_ACTIONS = ['publish', 'replace', 'withdraw'] as const;
export type DeliveryAction = (typeof DELIVERY_ACTIONS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'not_sent'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: 'En cours',
  delivered: 'Remis',
  failed: 'Échec : action requise',
  not_sent: 'Non envoyé',
};

/** A practice's distribution settings. */
export interface DistributionSettings {
  dmp: boolean;
  /** `mailbox`: the practice's applicative mailbox (BAL applicative), the mails' sender. */
  mssante: { enabled: boolean; patient: boolean; mailbox?: string | null };
  pfi: {
    host: string;
    port: number;
    receivingApplication: string;
    receivingFacility: string;
    /** The message the PFI takes (CI-SIS "transmission CDA en HL7v2"): MDM^T02/T10/T04 (default) or ORU^R01. */
    profile?: PfiProfile | undefined;
  } | null;
}

export const PFI_PROFILES = ['MDM', 'ORU'] as const;
export type PfiProfile = (typeof PFI_PROFILES)[number];

export const PFI_PROFILE_LABELS: Record<PfiProfile, string> = {
  MDM: 'MDM^T02 (document ; T10 pour un remplacement, T04 pour un retrait)',
  ORU: 'ORU^R01 (résultat)',
};

/** The practice's settings key of its distribution. */
export const DISTRIBUTION_SETTING = 'distribution';

export const DEFAULT_DISTRIBUTION: DistributionSettings = {
  dmp: false,
  mssante: { enabled: false, patient: false },
  pfi: null,
};

export const NOT_SENT_REASONS = {
  dmpIdentity: 'Identité non qualifiée : document non envoyé au DMP',
  patientIdentity: "Identité non qualifiée : pas d'envoi à la messagerie du patient",
  announcementPending: "Annonce en attente : rien n'est envoyé au patient avant l'annonce",
  noReferrerMailbox: "Le médecin demandeur n'a pas d'adresse MSSanté",
} as const;

export interface PlannedDelivery {
  destination: Destination;
  action: DeliveryAction;
  status: 'pending' | 'not_sent';
  reason: string | null;
}

/** The destinations of a validated version, those kept back with their reason. */
export function planDistribution(o: {
  settings: DistributionSettings;
  version: number;
  insQualified: boolean;
  announcementPending: boolean;
  referrerMailbox: string | null;
}): PlannedDelivery[] {
  const action: DeliveryAction = o.version > 1 ? 'replace' : 'publish';
  const planned: PlannedDelivery[] = [];
  const add = (destination: Destination, reason: string | null) =>
    planned.push({ destination, action, status: reason ? 'not_sent' : 'pending', reason });
  if (o.settings.dmp) add('dmp', o.insQualified ? null : NOT_SENT_REASONS.dmpIdentity);
  if (o.settings.mssante.enabled) {
    add('mssante_referrer', o.referrerMailbox ? null : NOT_SENT_REASONS.noReferrerMailbox);
    if (o.settings.mssante.patient) {
      add(
        'mssante_patient',
        !o.insQualified
          ? NOT_SENT_REASONS.patientIdentity
          : o.announcementPending
            ? NOT_SENT_REASONS.announcementPending
            : null,
      );
    }
  }
  if (o.settings.pfi) add('pfi', null);
  return planned;
}

/** The idempotency key of one send: the same version, destination and action are sent once. */
export const deliveryKey = (versionId: string, destination: Destination, action: DeliveryAction) =>
  `${versionId}:${destination}:${action}`;

/** Retries: exponential from 2 s, with ±50 % jitter, at most 8 attempts. */
export const DELIVERY_MAX_ATTEMPTS = 8;

/**
 * What the recipient's side said of a sent mail (SC.MSS/UX.35: DSN and MDN reconciled with the
 * mails sent): remis (DSN, RFC 3464), intégré (MDN processed, the recipient's software took the
 * document in), lu (MDN displayed). Only ever goes forward.
 */
export const RECEIPTS = ['delivered', 'processed', 'displayed'] as const;
export type Receipt = (typeof RECEIPTS)[number];

export const RECEIPT_LABELS: Record<Receipt, string> = {
  delivered: 'Remis dans la boîte du destinataire',
  processed: 'Intégré par le logiciel du destinataire',
  displayed: 'Lu par le destinataire',
};

/** A notification as the MSSanté connector reads it (DSN, MDN, or an integration-error mail). */
export interface MailNotification {
  type: 'dsn' | 'mdn' | 'mail';
  kind: string;
  detail: string;
  status?: string | undefined;
  error?: { code: string; label: string } | undefined;
}

export type NotificationEffect = { receipt: Receipt } | { failed: string } | { note: true };

/**
 * What a notification does to the send it is about: a receipt (forward only), a failure that
 * needs someone (the mail bounced, the recipient's software refused the document), or nothing
 * but a line in the send's history (delayed, relayed, deleted unread).
 */
export function notificationEffect(n: MailNotification, current: Receipt | null): NotificationEffect {
  const receipt: Receipt | null =
    n.kind === 'delivered'
      ? 'delivered'
      : n.kind === 'processed' || n.kind === 'dispatched'
        ? 'processed'
        : n.kind === 'displayed'
          ? 'displayed'
          : null;
  if (receipt) {
    return current && RECEIPTS.indexOf(current) >= RECEIPTS.indexOf(receipt) ? { note: true } : { receipt };
  }
  if (n.kind === 'failed') {
    return {
      failed: `Le message n'a pas pu être remis au destinataire${n.status ? ` (${n.status})` : ''} : vérifiez son adresse MSSanté`,
    };
  }
  if (n.kind === 'processing_failed') {
    return {
      failed: `Le logiciel du destinataire n'a pas pu intégrer le document${n.error ? ` : ${n.error.label} (${n.error.code})` : ''}`,
    };
  }
  return { note: true };
}
