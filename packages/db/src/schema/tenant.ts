/**
 * Tables of one practice, created in each tenant schema `t_<slug>`. Declared once with plain
 * `pgTable` (no schema): queries resolve them through the search_path that `withTenant` sets.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const sites = pgTable('sites', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** FINESS géographique of the site. */
  finess: text('finess'),
  address: text('address'),
  postalCode: text('postal_code'),
  city: text('city'),
  phone: text('phone'),
  /** Letterhead lines printed on the site's report documents (one per line). */
  letterhead: text('letterhead'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A platform user's profile inside this practice (the account itself is in `platform.users`). */
export const userProfiles = pgTable('user_profiles', {
  userId: uuid('user_id').primaryKey(),
  displayName: text('display_name').notNull(),
  rpps: text('rpps'),
  title: text('title'),
  /** Civility and names as printed on reports (« Dr », « DUPONT », « Marie »). */
  civility: text('civility'),
  familyName: text('family_name'),
  givenName: text('given_name'),
  specialty: text('specialty'),
  /**
   * May validate (sign) reports; false for a resident, whose reports get a second reading. Set
   * explicitly by the practice administrator (« signe les comptes rendus »).
   */
  signsReports: boolean('signs_reports').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Patients and their identity (RNIV): strict traits, complementary traits, status, attributes,
 * INS. `searchFamily`/`searchGiven` hold accent-free upper-case keys for search.
 */
export const patients = pgTable(
  'patients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    birthFamilyName: text('birth_family_name').notNull(),
    firstBirthForename: text('first_birth_forename').notNull(),
    birthForenames: text('birth_forenames').notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    sex: text('sex').notNull(),
    birthPlaceCode: text('birth_place_code'),
    usedFamilyName: text('used_family_name'),
    usedForename: text('used_forename'),
    status: text('status').notNull(),
    douteuse: boolean('douteuse').notNull().default(false),
    fictive: boolean('fictive').notNull().default(false),
    homonyme: boolean('homonyme').notNull().default(false),
    insMatricule: text('ins_matricule'),
    insOid: text('ins_oid'),
    insRetrievedAt: timestamp('ins_retrieved_at', { withTimezone: true }),
    identityDocumentType: text('identity_document_type'),
    identityDocumentCheckedAt: timestamp('identity_document_checked_at', { withTimezone: true }),
    /**
     * What the DMP said of this patient at the last TD0.2 (test d'existence) before a send:
     * exists, none (no DMP), opposed (the patient opposed feeding), closed; null: never asked.
     */
    dmpStatus: text('dmp_status'),
    dmpCheckedAt: timestamp('dmp_checked_at', { withTimezone: true }),
    searchFamily: text('search_family').notNull(),
    searchUsedFamily: text('search_used_family'),
    searchGiven: text('search_given').notNull(),
    /** Set on the absorbed patient of a merge: the surviving patient. */
    mergedInto: uuid('merged_into'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('patients_search_family_idx').using('btree', t.searchFamily.op('text_pattern_ops')),
    index('patients_search_used_family_idx').using('btree', t.searchUsedFamily.op('text_pattern_ops')),
    index('patients_birth_date_idx').on(t.birthDate),
    uniqueIndex('patients_ins_idx')
      .on(t.insMatricule, t.insOid)
      .where(sql`${t.insMatricule} is not null and ${t.mergedInto} is null`),
  ],
);

/** Local patient identifiers (IPP), one per assigning authority. */
export const patientIdentifiers = pgTable(
  'patient_identifiers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    authority: text('authority').notNull(),
    value: text('value').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('patient_identifiers_authority_value_idx').on(t.authority, t.value),
    index().on(t.patientId),
  ],
);

/** Full history of every identity change: who, when, from what source, what changed. */
export const identityEvents = pgTable(
  'identity_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    source: text('source').notNull(),
    action: text('action').notNull(),
    changes: jsonb('changes').$type<{ field: string; from: unknown; to: unknown }[]>().notNull(),
    hl7MessageId: uuid('hl7_message_id'),
    note: text('note'),
  },
  (t) => [index().on(t.patientId, t.at)],
);

/** Copies of identity documents seen at the desk (optional per tenant): encrypted, access audited. */
export const identityDocuments = pgTable('identity_documents', {
  id: uuid('id').primaryKey().defaultRandom(),
  patientId: uuid('patient_id')
    .notNull()
    .references(() => patients.id),
  type: text('type').notNull(),
  contentType: text('content_type').notNull(),
  sealedContent: text('sealed_content').notNull(),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Every HL7 v2 message received, stored raw (exact bytes) before it is processed, with its
 * outcome and the ACK sent. Same sender + MSH-10 twice = processed once.
 */
export const hl7Messages = pgTable(
  'hl7_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    sendingApplication: text('sending_application').notNull(),
    sendingFacility: text('sending_facility').notNull(),
    controlId: text('control_id').notNull(),
    messageType: text('message_type'),
    charset: text('charset'),
    raw: bytea('raw').notNull(),
    status: text('status').notNull(),
    error: text('error'),
    errorLocation: text('error_location'),
    ack: bytea('ack'),
    attempts: integer('attempts').notNull().default(0),
    patientId: uuid('patient_id'),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('hl7_messages_sender_control_idx').on(t.sendingApplication, t.sendingFacility, t.controlId),
    index().on(t.status, t.receivedAt),
  ],
);

/**
 * The practice's organisation certificates (INSi now; DMP and MSSanté later). The private key
 * is sealed (AES-256-GCM) with a key from configuration and never leaves the server.
 */
export const certificates = pgTable(
  'certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    purpose: text('purpose').notNull(),
    subjectCn: text('subject_cn').notNull(),
    subject: jsonb('subject').$type<Record<string, string>>().notNull(),
    issuer: jsonb('issuer').$type<Record<string, string>>().notNull(),
    serialNumber: text('serial_number').notNull(),
    fingerprintSha256: text('fingerprint_sha256').notNull(),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    notAfter: timestamp('not_after', { withTimezone: true }).notNull(),
    certPem: text('cert_pem').notNull(),
    chainPem: text('chain_pem').array().notNull(),
    sealedKey: text('sealed_key').notNull(),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('certificates_active_purpose_idx')
      .on(t.purpose)
      .where(sql`${t.revokedAt} is null`),
  ],
);

/** Rooms of the practice's sites. */
export const rooms = pgTable('rooms', {
  id: uuid('id').primaryKey().defaultRandom(),
  siteId: uuid('site_id')
    .notNull()
    .references(() => sites.id),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Weekly opening hours: ISO weekday (1 = Monday) → intervals "HH:MM"-"HH:MM" in Europe/Paris. */
export type OpeningHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', [string, string][]>>;

/** Acquisition devices; the DICOM AE title routes the worklist to the practice (unique platform-wide). */
export const modalities = pgTable('modalities', {
  id: uuid('id').primaryKey().defaultRandom(),
  roomId: uuid('room_id')
    .notNull()
    .references(() => rooms.id),
  name: text('name').notNull(),
  type: text('type').notNull(),
  /** The AE title the modality calls (called AE), normalised: trimmed, upper case. */
  aeTitle: text('ae_title').notNull().unique(),
  /** The modality's own AE titles (calling AE), normalised; an association from another is rejected. */
  callingAeTitles: text('calling_ae_titles')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  /** Source addresses (CIDR) the modality connects from. */
  allowedSources: text('allowed_sources')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  /** SHA-256 fingerprints of the TLS client certificates accepted on the DICOM TLS port. */
  clientCertFingerprints: text('client_cert_fingerprints')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  openingHours: jsonb('opening_hours').$type<OpeningHours>().notNull(),
  /** A retired modality keeps its history but takes no booking and no association. */
  retiredAt: timestamp('retired_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The exam catalogue. */
export const examTypes = pgTable('exam_types', {
  id: uuid('id').primaryKey().defaultRandom(),
  label: text('label').notNull(),
  ccamCode: text('ccam_code'),
  /** LOINC code of the exam from JDV_CodesDocumentImagerie_CISIS (the CDA serviceEvent code). */
  loincCode: text('loinc_code'),
  loincLabel: text('loinc_label'),
  modalityType: text('modality_type').notNull(),
  durationMinutes: integer('duration_minutes').notNull(),
  preparation: text('preparation'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Referring professionals. */
export const referrers = pgTable('referrers', {
  id: uuid('id').primaryKey().defaultRandom(),
  rpps: text('rpps').unique(),
  /** ADELI number (9 characters) of a professional without RPPS. */
  adeli: text('adeli').unique(),
  familyName: text('family_name').notNull(),
  givenName: text('given_name'),
  specialty: text('specialty'),
  mssanteAddress: text('mssante_address'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Demandes d'examen. */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    referrerId: uuid('referrer_id').references(() => referrers.id),
    accessionNumber: text('accession_number').notNull().unique(),
    studyInstanceUid: text('study_instance_uid').notNull().unique(),
    urgency: text('urgency').notNull(),
    clinicalInfo: text('clinical_info'),
    /** The placer's order number (ORC-2) and its assigning authority: unique together. */
    placerOrderNumber: text('placer_order_number'),
    placerAuthority: text('placer_authority').notNull().default(''),
    status: text('status').notNull(),
    source: text('source').notNull(),
    /** What the placer told after the exam was done elsewhere (teleradiology OMI^O23 flux 4). */
    performed: jsonb('performed').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('orders_placer_idx')
      .on(t.placerAuthority, t.placerOrderNumber)
      .where(sql`${t.placerOrderNumber} is not null`),
  ],
);

/** One requested exam of an order: what gets booked, acquired and reported. */
export const exams = pgTable(
  'exams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    /** The catalogue entry; null while an order received without one waits for the desk to choose. */
    examTypeId: uuid('exam_type_id').references(() => examTypes.id),
    modalityType: text('modality_type').notNull(),
    /** What the placer asked for, in its words (region, side...), when it is not a catalogue entry. */
    requestedProcedure: text('requested_procedure'),
    /** Scheduled Procedure Step ID / Requested Procedure ID in the worklist. */
    stepId: text('step_id').notNull(),
    status: text('status').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.orderId)],
);

/** Performed procedure steps (MPPS): the modality's N-CREATE, followed by its N-SETs. */
export const performedSteps = pgTable('performed_steps', {
  sopInstanceUid: text('sop_instance_uid').primaryKey(),
  /** The modality whose association created the step: only it may N-SET it (null: before 0009). */
  modalityId: uuid('modality_id'),
  examIds: uuid('exam_ids').array().notNull(),
  status: text('status').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    examId: uuid('exam_id')
      .notNull()
      .references(() => exams.id),
    modalityId: uuid('modality_id')
      .notNull()
      .references(() => modalities.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /** Only active appointments hold their slot. */
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.modalityId, t.startsAt), index().on(t.examId)],
);

export interface ReportSigner {
  rpps: string;
  familyName: string;
  givenName?: string;
  prefix?: string;
}

/** Comptes rendus: one per exam or group of exams of one order; `setId` is the CDA set id. */
export const reports = pgTable('reports', {
  id: uuid('id').primaryKey().defaultRandom(),
  orderId: uuid('order_id')
    .notNull()
    .references(() => orders.id),
  siteId: uuid('site_id').references(() => sites.id),
  setId: uuid('set_id').notNull().defaultRandom(),
  /** The status of the current version, or withdrawn. */
  status: text('status').notNull(),
  currentVersion: integer('current_version').notNull().default(1),
  announcementRequired: boolean('announcement_required').notNull().default(false),
  announcedAt: timestamp('announced_at', { withTimezone: true }),
  announcedBy: text('announced_by'),
  withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The exams a report covers; an exam has at most one report. */
export const reportExams = pgTable(
  'report_exams',
  {
    reportId: uuid('report_id')
      .notNull()
      .references(() => reports.id),
    examId: uuid('exam_id')
      .notNull()
      .references(() => exams.id),
  },
  (t) => [uniqueIndex('report_exams_exam_idx').on(t.examId), index().on(t.reportId)],
);

/** The versions of a report; a validated version never changes (a correction is a new version). */
export const reportVersions = pgTable(
  'report_versions',
  {
    /** Also the CDA document id of this version. */
    id: uuid('id').primaryKey().defaultRandom(),
    reportId: uuid('report_id')
      .notNull()
      .references(() => reports.id),
    version: integer('version').notNull(),
    status: text('status').notNull(),
    body: text('body').notNull().default(''),
    authorId: text('author_id').notNull(),
    provisionalAt: timestamp('provisional_at', { withTimezone: true }),
    validatedBy: text('validated_by'),
    validatedAt: timestamp('validated_at', { withTimezone: true }),
    /** Who signed, as printed on the documents: a snapshot taken at validation. */
    signer: jsonb('signer').$type<ReportSigner>(),
    /**
     * Visibility chosen at validation (CI-SIS MetaDMPMSS, DMP TRE_A07): hidden from health
     * professionals in the DMP (MASQUE_PS), invisible to the legal representatives of a minor
     * (INVISIBLE_REPRESENTANTS_LEGAUX), sent in a « connexion secrète » DMP transaction.
     */
    maskedFromProfessionals: boolean('masked_from_professionals').notNull().default(false),
    hiddenFromLegalRepresentatives: boolean('hidden_from_legal_representatives').notNull().default(false),
    secretConnection: boolean('secret_connection').notNull().default(false),
    lockUserId: text('lock_user_id'),
    lockUntil: timestamp('lock_until', { withTimezone: true }),
    /** Optimistic concurrency: each save names the revision it started from. */
    revision: integer('revision').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('report_versions_report_version_idx').on(t.reportId, t.version)],
);

/** Generated documents (PDF/A, CDA) of a validated version: immutable, with their SHA-256. */
export const reportDocuments = pgTable(
  'report_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => reportVersions.id),
    kind: text('kind').notNull(),
    mediaType: text('media_type').notNull(),
    content: bytea('content').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('report_documents_version_kind_idx').on(t.versionId, t.kind)],
);

/** Report templates of the exam catalogue (or general ones). */
export const reportTemplates = pgTable('report_templates', {
  id: uuid('id').primaryKey().defaultRandom(),
  examTypeId: uuid('exam_type_id').references(() => examTypes.id),
  name: text('name').notNull(),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Notifications to a user (e.g. a provisional report waiting for validation); one open per subject. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id').notNull(),
    kind: text('kind').notNull(),
    target: text('target').notNull(),
    message: text('message').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notifications_open_idx')
      .on(t.userId, t.kind, t.target)
      .where(sql`${t.resolvedAt} is null`),
  ],
);

/**
 * One destination of one report version (DMP, the referrer's or the patient's MSSanté mailbox,
 * the PFI): sent once (the idempotency key), retried, every attempt kept.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reportId: uuid('report_id')
      .notNull()
      .references(() => reports.id),
    versionId: uuid('version_id')
      .notNull()
      .references(() => reportVersions.id),
    /** The report's patient: sends of one patient to one destination go in the order they were made. */
    patientId: uuid('patient_id'),
    destination: text('destination').notNull(),
    /** publish, replace, withdraw; visibility (a DMP metadata update, e.g. after the announcement). */
    action: text('action').notNull(),
    /** version + destination + action: a second planning of the same send is a no-op. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    /**
     * pending, delivered, failed (needs action), not_sent (a rule keeps it back), cancelled (a
     * person cancelled it, or its version was superseded before it left).
     */
    status: text('status').notNull(),
    /** Why it is not sent or failed, in plain French for the portal. */
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    remoteId: text('remote_id'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    /** When a pending send is due again (null: now). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** A worker's claim while it calls the remote, outside any transaction (lease). */
    claimToken: uuid('claim_token'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    /** What the recipient's side said (MSSanté DSN/MDN): delivered, processed, displayed. */
    receipt: text('receipt'),
    receiptAt: timestamp('receipt_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.reportId),
    index().on(t.status),
    index().on(t.remoteId),
    index('deliveries_patient_destination_idx').on(t.patientId, t.destination, t.createdAt),
    check(
      'deliveries_status_check',
      sql`${t.status} in ('pending', 'delivered', 'failed', 'not_sent', 'cancelled')`,
    ),
    check('deliveries_action_check', sql`${t.action} in ('publish', 'replace', 'withdraw', 'visibility')`),
  ],
);

/**
 * One circuit per destination of the practice (dmp, mssante, pfi): open while the remote
 * service is down, so an outage costs one probe at a time instead of every send's attempts.
 */
export const deliveryCircuits = pgTable('delivery_circuits', {
  destination: text('destination').primaryKey(),
  /** Unavailable since (the first failure of this outage). */
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull(),
  failures: integer('failures').notNull().default(1),
  /** When the next probe may go. */
  nextProbeAt: timestamp('next_probe_at', { withTimezone: true }).notNull(),
  /** The last failure, in French, without patient data. */
  reason: text('reason'),
});

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => deliveries.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** delivered, retry, failed; notification for a DSN/MDN received about it. */
    outcome: text('outcome').notNull(),
    /** The remote answer (status, error codes), never patient data. */
    detail: text('detail'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index().on(t.deliveryId)],
);
