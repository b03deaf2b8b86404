/** The practice itself: its sites, its staff's profiles, its settings and its organisation certificates. */
import {
  CERTIFICATE_PURPOSES,
  DISTRIBUTION_SETTING,
  KEEP_DOCUMENT_COPIES_SETTING,
  MAILBOX_CURSOR_SETTING,
  RGPD_NOTICE_SETTING,
  WORKLIST_MATCHING_SETTING,
} from '@rayon/domain';
import { sql } from 'drizzle-orm';
import { boolean, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { oneOf } from '../checks.ts';
import { storedJson } from '../stored-json.ts';

/** A certificate's subject or issuer: attribute short names (CN, O, OU…) to values. */
const distinguishedName = z.record(z.string(), z.string());

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

/** The keys of the practice's settings; each value's shape is in `tenant/settings.ts`. */
export const SETTING_KEYS = [
  DISTRIBUTION_SETTING,
  WORKLIST_MATCHING_SETTING,
  RGPD_NOTICE_SETTING,
  MAILBOX_CURSOR_SETTING,
  KEEP_DOCUMENT_COPIES_SETTING,
] as const;

export const settings = pgTable(
  'settings',
  {
    key: text('key', { enum: SETTING_KEYS }).primaryKey(),
    value: jsonb('value').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [oneOf('settings_key_check', t.key)],
);

/**
 * The practice's organisation certificates (INSi now; DMP and MSSanté later). The private key
 * is sealed (AES-256-GCM) with a key from configuration and never leaves the server.
 */
export const certificates = pgTable(
  'certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    purpose: text('purpose', { enum: CERTIFICATE_PURPOSES }).notNull(),
    subjectCn: text('subject_cn').notNull(),
    subject: storedJson('subject', distinguishedName, 'certificate subject').notNull(),
    issuer: storedJson('issuer', distinguishedName, 'certificate issuer').notNull(),
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
    oneOf('certificates_purpose_check', t.purpose),
  ],
);
