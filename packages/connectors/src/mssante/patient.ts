/**
 * The patient's Mon espace santé mailbox (national-services.md §2.4): `<matricule INS (15
 * characters, NIR + key)>@patient.mssante.fr`, built only from a qualified INS (SC.MSS/UX.32),
 * and nothing reaches the patient while the announcement is pending (issue 6, DESIGN.md).
 */
import { checkMatricule, normalizeMatricule, NOT_SENT_REASONS } from '@rayon/domain';

export const PATIENT_MAILBOX_DOMAIN = 'patient.mssante.fr';

/** `<matricule>@patient.mssante.fr`; throws on a matricule that is not a valid INS. */
export function patientMailbox(matricule: string): string {
  const check = checkMatricule(matricule);
  if (!check.valid) throw new Error(`patientMailbox: not a valid INS matricule (${check.message})`);
  return `${normalizeMatricule(matricule)}@${PATIENT_MAILBOX_DOMAIN}`;
}

export type PatientMailDecision =
  | { send: true; address: string }
  | { send: false; reason: 'identity_not_qualified' | 'announcement_pending'; label: string };

/**
 * Whether a patient mail may go: a qualified identity with its INS matricule, and no
 * announcement pending. Pure: the two facts are given.
 */
export function patientMailDecision(facts: {
  /** The INS matricule when, and only when, the identity is qualified; null otherwise. */
  qualifiedInsMatricule: string | null | undefined;
  announcementPending: boolean;
}): PatientMailDecision {
  if (!facts.qualifiedInsMatricule) {
    return { send: false, reason: 'identity_not_qualified', label: NOT_SENT_REASONS.patientIdentity };
  }
  if (facts.announcementPending) {
    return { send: false, reason: 'announcement_pending', label: NOT_SENT_REASONS.announcementPending };
  }
  return { send: true, address: patientMailbox(facts.qualifiedInsMatricule) };
}

/** True when the address is a Mon espace santé patient mailbox. */
export function isPatientMailbox(address: string): boolean {
  return address.toLowerCase().endsWith(`@${PATIENT_MAILBOX_DOMAIN}`);
}
