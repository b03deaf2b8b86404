/**
 * TD0.2 (test d'existence du DMP) before the first DMP send for a patient (Ségur SC.DMP/CONF.01,
 * CONF.02: at least once before feeding, and trace any identity divergence the DMP reports).
 * Pure rules: when to ask, and what the send does with the answer.
 */

/** What the DMP said of the patient at the last TD0.2 (`patients.dmp_status`). */
export const DMP_STATUSES = ['exists', 'none', 'opposed', 'closed'] as const;
export type DmpStatus = (typeof DMP_STATUSES)[number];

export const DMP_STATUS_LABELS: Record<DmpStatus, string> = {
  exists: 'DMP ouvert',
  none: 'Pas de DMP',
  opposed: 'Opposition du patient',
  closed: 'DMP fermé',
};

export const DMP_EXISTENCE_REASONS = {
  none: "Pas de DMP : le patient n'a pas de DMP (test d'existence TD0.2), rien n'est envoyé",
  opposed: "Pas de DMP : le patient s'oppose à l'alimentation de son DMP (TD0.2), rien n'est envoyé",
  closed: "Pas de DMP : le DMP du patient est fermé (TD0.2), rien n'est envoyé",
  insDifference:
    "Identité différente au DMP : le DMP connaît ce patient sous une autre INS (TD0.2). Envoi suspendu : vérifiez l'identité du patient (téléservice INSi), puis relancez l'envoi.",
} as const;

/**
 * Whether this send asks TD0.2 first: a publication (or replacement) when the patient's DMP was
 * not found open at an earlier check. Hypothesis: an open DMP, once seen, stays trusted (a DMP
 * closed since is told by the feed's own refusal); no DMP, an opposition or a closed DMP is asked
 * again at each new send, since the patient may open or reopen it meanwhile.
 */
export function needsDmpExistenceCheck(action: string, status: string | null): boolean {
  return (action === 'publish' || action === 'replace') && status !== 'exists';
}

export type DmpExistenceAnswer =
  { status: 'exists'; insDifference: boolean } | { status: 'none' | 'opposed' | 'closed' };

/**
 * What the send does with TD0.2's answer:
 * - a DMP, same INS: it goes on;
 * - no DMP, the patient's opposition, a closed DMP: « Pas de DMP », not sent (not a failure, no
 *   retry);
 * - the DMP holds the patient under another INS: Hypothesis, the safest reading of SC.DMP/CONF.02
 *   (trace and alert): nothing is sent to a record that may be another person's — the send fails
 *   for a person (no automatic retry) and the difference is traced in the patient's identity
 *   history and the audit trail; the patient's DMP status is not recorded, so the next attempt
 *   asks again.
 */
export function dmpExistenceOutcome(
  answer: DmpExistenceAnswer,
):
  | { go: true; record: DmpStatus }
  | { go: false; notSent: string; record: DmpStatus }
  | { go: false; failed: string; trace: 'ins-difference' } {
  if (answer.status === 'exists') {
    return answer.insDifference
      ? { go: false, failed: DMP_EXISTENCE_REASONS.insDifference, trace: 'ins-difference' }
      : { go: true, record: 'exists' };
  }
  return { go: false, notSent: DMP_EXISTENCE_REASONS[answer.status], record: answer.status };
}
