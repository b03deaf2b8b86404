/**
 * The catalogue of stable reason keys an error (or an INSi answer not taken) carries, named by
 * business area, with the type of each key's parameters. Clients explain a refusal in their own
 * language from the key and its parameters (the portal: apps/web/src/lib/api-messages.ts), never
 * from the English message. A key never changes meaning; parameters carry no secret and no
 * patient data beyond what the person asking already sees.
 */
type NoParams = Record<string, never>;

export interface ReasonParams {
  // Identity vigilance (RNIV), identity documents, merges.
  'identity.insi.fictive': NoParams;
  'identity.insi.doubtful': NoParams;
  'identity.validation.fictive': NoParams;
  'identity.validation.doubtful': NoParams;
  'identity.document.minor_only': NoParams;
  'identity.document.guardian_required': NoParams;
  'identity.document.carte_vitale': NoParams;
  'identity.document.not_high_trust': NoParams;
  'identity.version.changed_by_other': NoParams;
  'identity.version.changed': NoParams;
  'identity.documents.copies_disabled': NoParams;
  'identity.document.empty': NoParams;
  'identity.document.not_found': NoParams;
  'identity.patient.not_found': NoParams;
  'identity.patient.merged': NoParams;
  'identity.merge.self': NoParams;
  'identity.merge.survivor_merged': NoParams;
  'identity.merge.already_merged': NoParams;
  'identity.merge.survivor_not_found': NoParams;
  'identity.merge.absorbed_not_found': NoParams;
  /** An IPP (identifier of an assigning authority) already held by another patient. */
  'identity.ipp.taken': { value: string; authority: string };
  // INSi: the call refused, or its answer not taken.
  'identity.insi.not_configured': NoParams;
  'identity.insi.sex_required': NoParams;
  'identity.insi.not_found': NoParams;
  'identity.insi.several': NoParams;
  'identity.insi.birth_date_incomplete': NoParams;
  'identity.insi.birth_date_invalid': NoParams;
  'identity.insi.oid_unknown': { oid: string };
  'identity.insi.matricule_invalid': NoParams;
  'identity.insi.traits_differ': NoParams;
  // Organisation certificates (upload, PKCS#12, usability).
  'certificates.certificate.not_found': NoParams;
  /** `name`: the certificate's purpose name (INSI-AUTO, INSI-MANU, …). */
  'certificates.certificate.missing': { name: string };
  'certificates.key.unreadable': NoParams;
  'certificates.file.empty': NoParams;
  'certificates.structure.missing': NoParams;
  'certificates.structure.other': NoParams;
  'certificates.p12.empty': NoParams;
  'certificates.p12.not_pkcs12': NoParams;
  'certificates.p12.passphrase': NoParams;
  'certificates.p12.algorithm': { algorithm: string };
  'certificates.p12.no_key': NoParams;
  'certificates.p12.no_certificate': NoParams;
  'certificates.p12.several_keys': NoParams;
  'certificates.p12.key_mismatch': NoParams;
  /** Dates as ISO days (YYYY-MM-DD, UTC). */
  'certificates.validity.not_yet': { from: string; to: string };
  'certificates.validity.expired': { on: string };
  'certificates.usage.not_client_auth': NoParams;
  'certificates.cn.mismatch': { commonName: string; expected: string };
  // HL7 routes: the dedicated ports the platform administrator gives a practice.
  /** `service`: the platform's own service on that port. */
  'onboarding.hl7_port.service': { port: number; service: 'hl7' | 'hl7-tls' | 'api' | 'dicom' };
  'onboarding.hl7_port.out_of_range': { port: number; from: number; to: number };
  'onboarding.hl7_port.taken_here': { port: number };
  'onboarding.hl7_port.taken_elsewhere': { port: number };
  // Scheduling: orders, appointments, modalities, referrers.
  /** `date` YYYY-MM-DD and `from`/`to` HH:MM, Paris time. */
  'scheduling.slot.outside_hours': { date: string; from: string; to: string; modality: string };
  'scheduling.slot.taken': NoParams;
  'scheduling.exam_type.required': NoParams;
  'scheduling.exam_type.already_set': NoParams;
  'scheduling.exam_type.unknown': NoParams;
  'scheduling.exam_type.mismatch': { requested: string; chosen: string };
  'scheduling.modality.incompatible': { exam: string; modality: string };
  'scheduling.modality.retired': { name: string };
  'scheduling.modality.booked': { count: number };
  'scheduling.modality.has_history': NoParams;
  'scheduling.ae_title.taken': { aeTitle: string };
  'scheduling.ae_title.invalid': NoParams;
  'scheduling.referrer.not_found': NoParams;
  'scheduling.referrer.taken': { identifier: 'rpps' | 'adeli'; value: string };
  'scheduling.period.too_long': { days: number };
  /** A final status (completed, cancelled, discontinued) never changes. */
  'scheduling.status.final': { what: 'exam' | 'order'; from: string; to: string };
  'scheduling.status.transition': { what: 'exam' | 'order'; from: string; to: string };
  // Reporting.
  'reporting.report.not_found': NoParams;
  'reporting.document.not_found': NoParams;
  'reporting.report.locked': NoParams;
  'reporting.report.changed': NoParams;
  'reporting.report.empty': NoParams;
  /** Statuses as report status keys (draft, provisional, validated, replaced, withdrawn). */
  'reporting.status.transition': { from: string; to: string };
  'reporting.report.not_editable': { status: string };
  'reporting.signer.not_allowed': NoParams;
  'reporting.organisation.no_identifier': NoParams;
  'reporting.correction.not_validated': NoParams;
  'reporting.announcement.not_required': NoParams;
  'reporting.announcement.recorded': NoParams;
  'reporting.exam.has_report': NoParams;
  'reporting.exam.not_acquired': NoParams;
  'reporting.exams.several_orders': NoParams;
  'reporting.template.unknown': NoParams;
  // A visibility the CI-SIS refuses (see reporting/visibility.ts).
  'reporting.visibility.legal_representatives_minor_only': NoParams;
  'reporting.visibility.secret_connection_minor_only': NoParams;
  'reporting.visibility.secret_connection_needs_legal_representatives': NoParams;
  'reporting.visibility.secret_connection_needs_dmp': NoParams;
  'reporting.visibility.masked_with_secret_connection': NoParams;
  'reporting.visibility.masked_while_hidden_from_patient': NoParams;
  // A CDA document that cannot be read (stored or uploaded).
  'documents.cda.too_large': { maxBytes: number };
  'documents.cda.not_text': NoParams;
  'documents.cda.not_xml': NoParams;
  'documents.cda.not_cda': NoParams;
  'documents.cda.structured_body': NoParams;
  'documents.cda.no_body': NoParams;
  /** `mediaType`: the body's declared media type, null when none. */
  'documents.cda.body_not_pdf': { mediaType: string | null };
  'documents.cda.invalid_pdf': NoParams;
  /** The stored data would not make valid documents: `path` of the first issue, and all issues. */
  'report.documents.invalid': { path: string; issues: readonly { path: string; message: string }[] };
  // Delivery.
  'delivery.address.internal': { host: string };
  'delivery.version_replaced': NoParams;
  'delivery.version_withdrawn': NoParams;
  'delivery.not_pending': NoParams;
  // Access: sign-in, second factor, passwords, Pro Santé Connect.
  'auth.throttled': { retryAfterSeconds: number };
  'auth.pending_expired': NoParams;
  /** The practice asks Pro Santé Connect of its health professionals (the password was right). */
  'auth.psc_required': NoParams;
  'auth.totp_wrong': NoParams;
  'auth.totp_enrolment_required': NoParams;
  'auth.totp_already_enrolled': NoParams;
  'auth.batch_refused': NoParams;
  'password.blank': PasswordRefusalParams;
  'password.too_short': PasswordRefusalParams;
  'password.weak': PasswordRefusalParams;
  'psc.acr_refused': NoParams;
  'psc.id_token_invalid': NoParams;
  'psc.nonce_mismatch': NoParams;
  'psc.state_mismatch': NoParams;
  'psc.flow_expired': NoParams;
  'psc.denied': NoParams;
  'psc.provider_error': NoParams;
  'psc.unavailable': NoParams;
  'psc.rpps_mismatch': NoParams;
  'psc.already_linked': NoParams;
  'psc.account_disabled': NoParams;
  'psc.invitation_invalid': NoParams;
  'psc.invitation_other_account': NoParams;
  'psc.cgu_required': NoParams;
  'psc.not_configured': NoParams;
  'psc.unlink_needs_password': NoParams;
  'psc.required_by_practice': NoParams;
  /** Tokens of Pro Santé Connect asked on a session that was not opened through it. */
  'psc.not_a_psc_session': NoParams;
}

/**
 * A password the policy refuses: its minimum length, zxcvbn's feedback keys, and the same
 * feedback in French (zxcvbn's own translation), for the page that asked for the password.
 */
type PasswordRefusalParams = {
  minLength: number;
  feedback: { warning: string | null; suggestions: string[] };
  feedbackFr: { warning: string | null; suggestions: string[] };
};

/** The `psc.<reason>` keys, without their prefix. */
export type PscRefusal = ReasonKey extends infer K ? (K extends `psc.${infer R}` ? R : never) : never;

export type ReasonKey = keyof ReasonParams;

/** A reason key with its parameters (optional for a key that has none). */
export type Reason = {
  [K in ReasonKey]: ReasonParams[K] extends NoParams
    ? { reason: K; params?: ReasonParams[K] }
    : { reason: K; params: ReasonParams[K] };
}[ReasonKey];
