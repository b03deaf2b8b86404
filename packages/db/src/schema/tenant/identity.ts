/** Patients and their identity (RNIV, INS): identifiers, the history of every change, identity documents. */
import {
  DMP_STATUSES,
  IDENTITY_DOCUMENT_CONTENT_TYPES,
  IDENTITY_DOCUMENT_TYPES,
  IDENTITY_EVENT_ACTIONS,
  IDENTITY_EVENT_SOURCES,
  IDENTITY_STATUSES,
  INS_OID_VALUES,
  SEXES,
  type IdentityChange,
} from '@rayon/domain';
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { oneOf } from '../checks.ts';
import { ACTOR_TYPES } from '../platform.ts';
import { storedJson } from '../stored-json.ts';

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
    sex: text('sex', { enum: SEXES }).notNull(),
    birthPlaceCode: text('birth_place_code'),
    usedFamilyName: text('used_family_name'),
    usedForename: text('used_forename'),
    status: text('status', { enum: IDENTITY_STATUSES }).notNull(),
    douteuse: boolean('douteuse').notNull().default(false),
    fictive: boolean('fictive').notNull().default(false),
    homonyme: boolean('homonyme').notNull().default(false),
    insMatricule: text('ins_matricule'),
    insOid: text('ins_oid', { enum: INS_OID_VALUES }),
    insRetrievedAt: timestamp('ins_retrieved_at', { withTimezone: true }),
    identityDocumentType: text('identity_document_type', { enum: IDENTITY_DOCUMENT_TYPES }),
    identityDocumentCheckedAt: timestamp('identity_document_checked_at', { withTimezone: true }),
    /**
     * What the DMP said of this patient at the last TD0.2 (test d'existence) before a send:
     * exists, none (no DMP), opposed (the patient opposed feeding), closed; null: never asked.
     */
    dmpStatus: text('dmp_status', { enum: DMP_STATUSES }),
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
    oneOf('patients_status_check', t.status),
    oneOf('patients_sex_check', t.sex),
    oneOf('patients_ins_oid_check', t.insOid),
    oneOf('patients_dmp_status_check', t.dmpStatus),
    oneOf('patients_identity_document_type_check', t.identityDocumentType),
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

/** The changed fields of one line of the identity history: the domain's IdentityChange. */
const changeValue = z.union([z.string(), z.boolean(), z.null()]);
const identityChangesSchema = z.array(
  z.object({ field: z.string(), from: changeValue, to: changeValue }),
) satisfies z.ZodType<IdentityChange[]>;

/** Full history of every identity change: who, when, from what source, what changed. */
export const identityEvents = pgTable(
  'identity_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorType: text('actor_type', { enum: ACTOR_TYPES }).notNull(),
    actorId: text('actor_id'),
    source: text('source', { enum: IDENTITY_EVENT_SOURCES }).notNull(),
    action: text('action', { enum: IDENTITY_EVENT_ACTIONS }).notNull(),
    changes: storedJson('changes', identityChangesSchema, 'identity history changes').notNull(),
    hl7MessageId: uuid('hl7_message_id'),
    note: text('note'),
  },
  (t) => [
    index().on(t.patientId, t.at),
    oneOf('identity_events_actor_type_check', t.actorType),
    oneOf('identity_events_source_check', t.source),
    oneOf('identity_events_action_check', t.action),
  ],
);

/** Copies of identity documents seen at the desk (optional per tenant): encrypted, access audited. */
export const identityDocuments = pgTable(
  'identity_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    type: text('type', { enum: IDENTITY_DOCUMENT_TYPES }).notNull(),
    contentType: text('content_type', { enum: IDENTITY_DOCUMENT_CONTENT_TYPES }).notNull(),
    sealedContent: text('sealed_content').notNull(),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    oneOf('identity_documents_type_check', t.type),
    oneOf('identity_documents_content_type_check', t.contentType),
  ],
);
