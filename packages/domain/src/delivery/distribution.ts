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

/** visibility: a DMP metadata update of a version already there (e.g. after the announcement). */
export const DELIVERY_ACTIONS = ['publish', 'replace', 'withdraw', 'visibility'] as const;
export type DeliveryAction = (typeof DELIVERY_ACTIONS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'not_sent', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: 'En cours',
  delivered: 'Remis',
  failed: 'Échec : action requise',
  not_sent: 'Non envoyé',
  cancelled: 'Annulé',
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

/** The practice's settings key of where its MSSanté mailbox was read up to. */
export const MAILBOX_CURSOR_SETTING = 'mssante_mailbox_cursor';

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
  maskedFromProfessionals:
    "Masqué aux professionnels de santé : pas d'envoi au médecin demandeur par MSSanté",
  hiddenFromLegalRepresentatives:
    "Non visible par les représentants légaux : pas d'envoi à la messagerie du patient mineur",
} as const;

export interface PlannedDelivery {
  destination: Destination;
  action: DeliveryAction;
  status: 'pending' | 'not_sent';
  reason: string | null;
}

/**
 * What a version is to a destination: a replacement (RPLC, T10, a corrected mail) only where an
 * earlier version of the report was delivered and not withdrawn; an original everywhere else (no
 * RPLC of something the destination never received).
 */
export function sendActionFor(version: number, previousDelivered: boolean): 'publish' | 'replace' {
  return version > 1 && previousDelivered ? 'replace' : 'publish';
}

/** The destinations of a validated version, those kept back with their reason. */
export function planDistribution(o: {
  settings: DistributionSettings;
  version: number;
  insQualified: boolean;
  announcementPending: boolean;
  referrerMailbox: string | null;
  /** The visibility chosen at validation (visibility.ts); none restricted when absent. */
  visibility?: { maskedFromProfessionals: boolean; hiddenFromLegalRepresentatives: boolean };
  /** The destinations where an earlier version was delivered (default: all, when version > 1). */
  deliveredBefore?: ReadonlySet<Destination> | undefined;
}): PlannedDelivery[] {
  const planned: PlannedDelivery[] = [];
  const add = (destination: Destination, reason: string | null) =>
    planned.push({
      destination,
      action: sendActionFor(o.version, o.deliveredBefore ? o.deliveredBefore.has(destination) : true),
      status: reason ? 'not_sent' : 'pending',
      reason,
    });
  if (o.settings.dmp) add('dmp', o.insQualified ? null : NOT_SENT_REASONS.dmpIdentity);
  if (o.settings.mssante.enabled) {
    // CI-SIS MSSanté matrix: a mail to a professional only with MASQUE_PS=N.
    add(
      'mssante_referrer',
      o.visibility?.maskedFromProfessionals
        ? NOT_SENT_REASONS.maskedFromProfessionals
        : o.referrerMailbox
          ? null
          : NOT_SENT_REASONS.noReferrerMailbox,
    );
    if (o.settings.mssante.patient) {
      // Hypothesis: a minor's Mon espace santé mailbox is read by the legal representatives, so a
      // document invisible to them is not mailed to the patient (the matrix's rows with both a
      // professional and the patient as recipients have INVISIBLE_REP_LEGAUX=N).
      add(
        'mssante_patient',
        !o.insQualified
          ? NOT_SENT_REASONS.patientIdentity
          : o.visibility?.hiddenFromLegalRepresentatives
            ? NOT_SENT_REASONS.hiddenFromLegalRepresentatives
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

/**
 * A send's circuit: one per remote service of the practice (both MSSanté destinations go through
 * the same operator). While it is open, sends to it wait without spending attempts, one probe at
 * a time goes at `nextProbeAt`, and a success closes it.
 */
export const CIRCUITS = ['dmp', 'mssante', 'pfi'] as const;
export type Circuit = (typeof CIRCUITS)[number];
export const CIRCUIT_OF: Record<Destination, Circuit> = {
  dmp: 'dmp',
  mssante_referrer: 'mssante',
  mssante_patient: 'mssante',
  pfi: 'pfi',
};
export const CIRCUIT_LABELS: Record<Circuit, string> = {
  dmp: 'DMP',
  mssante: 'MSSanté',
  pfi: 'PFI',
};

/** How long sends are retried: exponential from `baseMs`, capped at `capMs`, for `horizonMs`. */
export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  horizonMs: number;
}
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 2_000,
  capMs: 15 * 60_000,
  horizonMs: 72 * 3600_000,
};

/** The wait after the `failures`-th failure in a row: base × 2^(failures−1), capped. */
export function retryDelayMs(failures: number, policy: RetryPolicy): number {
  const n = Math.max(1, Math.floor(failures));
  // 2^40 × anything already passes any cap: no overflow to Infinity.
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(n - 1, 40));
}

export interface CircuitState {
  openedAt: Date;
  lastFailureAt: Date;
  failures: number;
  nextProbeAt: Date;
  reason: string | null;
}

/** A retryable failure opens the circuit, or extends it (one more failure, a later probe). */
export function circuitAfterFailure(
  circuit: CircuitState | null,
  now: Date,
  reason: string | null,
  policy: RetryPolicy,
): CircuitState {
  const failures = (circuit?.failures ?? 0) + 1;
  return {
    openedAt: circuit?.openedAt ?? now,
    lastFailureAt: now,
    failures,
    nextProbeAt: new Date(now.getTime() + retryDelayMs(failures, policy)),
    reason,
  };
}

/** Whether a send goes now, and if not, until when it waits (null: until an older send ends). */
export type DeliveryTurn =
  | { go: true; probe: boolean }
  | { go: false; why: 'claimed' | 'not_due' | 'circuit' | 'older'; until: Date | null };

/**
 * The turn of a pending send: not while another worker holds its claim (lease), not before its
 * next attempt, not while an older send of the same patient to the same destination is pending
 * (they arrive in the order they were made), and while its circuit is open only as the probe
 * when the probe is due.
 */
export function deliveryTurn(o: {
  now: Date;
  claimedUntil: Date | null;
  nextAttemptAt: Date | null;
  olderPending: boolean;
  circuit: Pick<CircuitState, 'nextProbeAt'> | null;
}): DeliveryTurn {
  if (o.claimedUntil && o.claimedUntil > o.now) return { go: false, why: 'claimed', until: o.claimedUntil };
  if (o.olderPending) return { go: false, why: 'older', until: null };
  if (o.circuit) {
    return o.circuit.nextProbeAt > o.now
      ? { go: false, why: 'circuit', until: o.circuit.nextProbeAt }
      : { go: true, probe: true };
  }
  if (o.nextAttemptAt && o.nextAttemptAt > o.now)
    return { go: false, why: 'not_due', until: o.nextAttemptAt };
  return { go: true, probe: false };
}

/**
 * A send stuck longer than the horizon is failed for a person: stuck since it was made, or since
 * its destination became unavailable, or since a person sent it again after it was failed
 * (`restartedAt`: its last failure for good), whichever is latest.
 */
export function retryHorizonPassed(o: {
  now: Date;
  createdAt: Date;
  circuitOpenedAt: Date | null;
  restartedAt?: Date | null | undefined;
  policy: RetryPolicy;
}): boolean {
  const since = Math.max(
    o.createdAt.getTime(),
    o.circuitOpenedAt?.getTime() ?? 0,
    o.restartedAt?.getTime() ?? 0,
  );
  return o.now.getTime() - since >= o.policy.horizonMs;
}

/** A version replaced or withdrawn is never sent again (only its withdrawal may still go). */
export function supersededSend(versionStatus: string, action: string): boolean {
  return (versionStatus === 'replaced' || versionStatus === 'withdrawn') && action !== 'withdraw';
}

/** A duration in French for a reason: « 72 h », « 15 min », « 30 s ». */
const durationFr = (ms: number) =>
  ms >= 3600_000
    ? `${Math.round(ms / 3600_000)} h`
    : ms >= 60_000
      ? `${Math.round(ms / 60_000)} min`
      : `${Math.round(ms / 1000)} s`;

export const DELIVERY_REASONS = {
  notConfigured: "Cette destination n'est pas configurée sur ce déploiement",
  internal: "Erreur interne lors de l'envoi",
  replaced: (version: number) =>
    `Version remplacée par la version ${version} avant l'envoi : elle n'est plus envoyée`,
  withdrawn: "Compte rendu retiré avant l'envoi : il n'est plus envoyé",
  superseded: "Version remplacée ou retirée : elle n'est plus envoyée",
  gaveUp: (horizonMs: number) => `Envoi abandonné après ${durationFr(horizonMs)} de tentatives`,
  cancelledBy: (who: string, reason: string | null) => `Annulé par ${who}${reason ? ` : ${reason}` : ''}`,
} as const;

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
