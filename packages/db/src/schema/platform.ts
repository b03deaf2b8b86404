/**
 * The control plane, in the `platform` schema: tenants, platform users, memberships, sessions,
 * invitations, API keys, audit events and the transactional outbox.
 */
import { API_SCOPES, CIVILITIES, TENANT_ROLES, TENANT_STATUSES, type StaffProfile } from '@rayon/domain';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { allOf, oneOf } from './checks.ts';
import { storedJson } from './stored-json.ts';

export const platform = pgSchema('platform');

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Where a practice's provisioning stands (the step the migrations reached, or why it failed). */
const provisioningStateSchema = z.object({
  step: z.string(),
  percent: z.number(),
  error: z.string().optional(),
  /** The first site, kept until the tenant schema exists and the site is written into it. */
  firstSite: z
    .object({ name: z.string(), finess: z.string().nullable(), city: z.string().nullable() })
    .optional(),
});
export type ProvisioningState = z.output<typeof provisioningStateSchema>;

export const tenants = platform.table(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    schemaName: text('schema_name').notNull().unique(),
    name: text('name').notNull(),
    finess: text('finess'),
    siret: text('siret'),
    status: text('status', { enum: TENANT_STATUSES }).notNull().default('provisioning'),
    /** Sign-in policy: minutes of inactivity after which a session ends (portal and tRPC). */
    idleTimeoutMinutes: integer('idle_timeout_minutes').notNull().default(30),
    /** Every member must use a second factor (TOTP); administrators always must. */
    totpRequired: boolean('totp_required').notNull().default(false),
    /**
     * « Pro Santé Connect obligatoire pour les professionnels de santé »: a member with an RPPS
     * number signs in through Pro Santé Connect only (members without one keep their password).
     */
    pscRequired: boolean('psc_required').notNull().default(false),
    provisioning: storedJson('provisioning', provisioningStateSchema, 'tenant provisioning')
      .notNull()
      .default({ step: 'queued', percent: 0 }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [oneOf('tenants_status_check', t.status)],
);

export const users = platform.table(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    /** scrypt hash; null until the user accepts an invitation and sets a password. */
    passwordHash: text('password_hash'),
    isPlatformAdmin: boolean('is_platform_admin').notNull().default(false),
    /** RPPS number, to link this account to a Pro Santé Connect identity later. */
    rpps: text('rpps').unique(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    /** TOTP secret (RFC 6238), encrypted with the platform secrets key; null until enrolled. */
    totpSecret: text('totp_secret'),
    /** Set once the user proved a first code: from then on sign-in asks for one. */
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    /**
     * The Pro Santé Connect identity linked to this account: its `SubjectNameID` (national
     * identifier of the professional, e.g. 8 + RPPS). Set once by « Lier ma e-CPS ».
     */
    pscSubject: text('psc_subject').unique(),
    pscLinkedAt: timestamp('psc_linked_at', { withTimezone: true }),
    /** When the professional accepted the conditions of use of Pro Santé Connect in Rayon. */
    pscCguAcceptedAt: timestamp('psc_cgu_accepted_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);

export const memberships = platform.table(
  'memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    roles: text('roles', { enum: TENANT_ROLES }).array().notNull(),
    /** Deactivated by the practice: no access to it (sessions and API keys ended at that time). */
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('memberships_user_tenant_idx').on(t.userId, t.tenantId),
    index().on(t.tenantId),
    allOf('memberships_roles_check', t.roles),
  ],
);

/** How a session was opened: a password (with its second factor when due), or Pro Santé Connect. */
export const SESSION_AUTH_METHODS = ['password', 'psc'] as const;

export const sessions = platform.table(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Last request seen (updated at most once a minute): the idle timeout counts from it. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** Password checked, second factor still due: the session serves only the TOTP step. */
    mfaPending: boolean('mfa_pending').notNull().default(false),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    /** How the session was opened (SESSION_AUTH_METHODS). */
    authMethod: text('auth_method', { enum: SESSION_AUTH_METHODS }).notNull().default('password'),
    /** Pro Santé Connect: the provider's session id (`sid`), so back-channel logout finds it. */
    pscSid: text('psc_sid'),
    /**
     * Pro Santé Connect tokens (access, refresh, id token, expiry) sealed with the platform
     * secrets key: kept server-side for the calls made on the professional's behalf.
     */
    pscTokens: text('psc_tokens'),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.userId), index().on(t.pscSid), oneOf('sessions_auth_method_check', t.authMethod)],
);

/**
 * A Pro Santé Connect authorization in progress: what the callback must find again (state,
 * nonce, PKCE verifier sealed), bound to the browser by the flow token (only its SHA-256 here).
 * Used once; ten minutes to come back.
 */
export const PSC_FLOW_PURPOSES = ['sign_in', 'link', 'invitation'] as const;
export type PscFlowPurpose = (typeof PSC_FLOW_PURPOSES)[number];

export const pscFlows = platform.table(
  'psc_flows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    purpose: text('purpose', { enum: PSC_FLOW_PURPOSES }).notNull(),
    /** state, nonce and PKCE verifier, sealed together. */
    checks: text('checks').notNull(),
    /** link: the signed-in account asking for the link. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** invitation: the SHA-256 of the invitation token being accepted. */
    invitationTokenHash: text('invitation_token_hash'),
    returnTo: text('return_to'),
    cguAccepted: boolean('cgu_accepted').notNull().default(false),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [oneOf('psc_flows_purpose_check', t.purpose)],
);

/** Password reset links: single use, short-lived; only the SHA-256 of the token is kept. */
export const passwordResets = platform.table(
  'password_resets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.userId)],
);

/** One-time recovery codes of the second factor (SHA-256 of each code). */
export const recoveryCodes = platform.table(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.userId)],
);

export const SIGN_IN_OUTCOMES = [
  'success',
  'totp_success',
  'recovery_code',
  'wrong_password',
  'unknown_account',
  'disabled',
  'throttled',
  'totp_failed',
  'reset',
  // Pro Santé Connect: signed in; refused (acr, token, nonce…); identity linked to no account.
  'psc_success',
  'psc_refused',
  'psc_unlinked',
  // A password refused because a practice of the account requires Pro Santé Connect.
  'psc_required',
] as const;
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

/**
 * Every sign-in attempt, success or failure (outcome), with the account when one matched: the
 * practice administrator sees those of the practice's members. No password, ever.
 */
export const signInEvents = platform.table(
  'sign_in_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    outcome: text('outcome', { enum: SIGN_IN_OUTCOMES }).notNull(),
    /** Pro Santé Connect sign-ins: the authentication level (`acr`) the provider asserted. */
    acr: text('acr'),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index().on(t.userId, t.at), oneOf('sign_in_events_outcome_check', t.outcome)],
);

/** The radiologist's profile an invitation carries: the domain's staff profile, as checked on entry. */
const invitedProfileSchema = z.object({
  civility: z.enum(CIVILITIES).nullable(),
  familyName: z.string().nullable(),
  givenName: z.string().nullable(),
  rpps: z.string().nullable(),
  signsReports: z.boolean(),
}) satisfies z.ZodType<StaffProfile>;

export const invitations = platform.table(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    roles: text('roles', { enum: TENANT_ROLES }).array().notNull(),
    /** The radiologist's profile as the administrator entered it, written on acceptance. */
    profile: storedJson('profile', invitedProfileSchema, 'invitation profile'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    /** The account that accepted (an existing account accepts signed in, never by a new password). */
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /** Last time the mail went out (resending makes a new token, the old link stops working). */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** Why the last mail could not be sent (the SMTP relay's answer), null once sent. */
    sendError: text('send_error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.tenantId), allOf('invitations_roles_check', t.roles)],
);

export const apiKeys = platform.table(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Public, non-secret part of the key, used to find it. */
    prefix: text('prefix').notNull().unique(),
    /** SHA-256 of the secret part (the secret has 256 bits of entropy, so no slow hash is needed). */
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes', { enum: API_SCOPES }).array().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index().on(t.tenantId), allOf('api_keys_scopes_check', t.scopes)],
);

/** Who did it: a person (user), a partner or practice system (api_key), Rayon itself (system). */
export const ACTOR_TYPES = ['user', 'api_key', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const auditEvents = platform.table(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorType: text('actor_type', { enum: ACTOR_TYPES }).notNull(),
    actorId: text('actor_id'),
    tenantId: uuid('tenant_id'),
    action: text('action').notNull(),
    target: text('target'),
    requestId: text('request_id'),
    /** Open by design: each action records its own details (ids, never patient data), read by people. */
    details: jsonb('details').$type<Record<string, unknown>>(),
    /**
     * Hash chain per practice (null tenant: the platform's own chain), set by the table's trigger:
     * `seq` numbers the practice's events 1, 2, 3…; `hash` = SHA-256 over `prev_hash` and the
     * event. Rewriting or removing an event breaks the chain (`rayon-audit-check`).
     */
    seq: bigint('seq', { mode: 'number' }).notNull().default(0),
    prevHash: text('prev_hash'),
    hash: text('hash').notNull().default(''),
  },
  (t) => [
    index().on(t.tenantId, t.at),
    uniqueIndex('audit_events_chain_idx').on(
      sql`coalesce(${t.tenantId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      t.seq,
    ),
    oneOf('audit_events_actor_type_check', t.actorType),
  ],
);

/** The outbox's topics (and job names); each one's payload is parsed by the worker (`payloads.ts`). */
export const OUTBOX_TOPICS = [
  'tenant.provision',
  'tenant.deprovision',
  'identity.insi-auto',
  'report.documents',
  'delivery.send',
] as const;
export type OutboxTopic = (typeof OUTBOX_TOPICS)[number];

/**
 * Transactional outbox: written in the same transaction as the change it announces; the
 * worker's relay moves committed rows to BullMQ with the row id as the job id.
 */
export const outbox = platform.table(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id'),
    topic: text('topic', { enum: OUTBOX_TOPICS }).notNull(),
    /** Open here by design: each topic's payload is parsed where the worker reads it (`payloads.ts`). */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    requestId: text('request_id'),
    createdAt: createdAt(),
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_pending_idx')
      .on(t.id)
      .where(sql`${t.enqueuedAt} is null`),
    oneOf('outbox_topic_check', t.topic),
  ],
);

/**
 * How the gateway routes an HL7 connection or message to a practice: a dedicated port, or on
 * the shared port by MSH-5 (receiving application) / MSH-6 (receiving facility).
 */
export const hl7Routes = platform.table(
  'hl7_routes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** A dedicated port, assigned by the platform administrator from the configured range. */
    port: integer('port').unique(),
    receivingApplication: text('receiving_application'),
    receivingFacility: text('receiving_facility'),
    /** Source addresses (CIDR) the route accepts messages from; none: no sender is accepted. */
    allowedSources: text('allowed_sources')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /**
     * SHA-256 fingerprints (hex, upper case, colon-separated) of the TLS client certificates the
     * route accepts; when any is set, only MLLP over TLS with one of them is accepted.
     */
    clientCertFingerprints: text('client_cert_fingerprints')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Largest message accepted on this route (bytes). */
    maxMessageBytes: integer('max_message_bytes').notNull().default(1048576),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    // An MSH-5 / MSH-6 pair names one practice platform-wide, whatever the port.
    uniqueIndex('hl7_routes_msh_idx')
      .on(t.receivingApplication, t.receivingFacility)
      .where(sql`${t.receivingApplication} is not null`),
  ],
);

/**
 * DICOM AE titles of every practice's modalities: the gateway's worklist routes an association by
 * its called AE title, so a title belongs to one practice only.
 */
export const dicomAeTitles = platform.table('dicom_ae_titles', {
  /** Normalised: trimmed, upper case (so ' rayon_ct1' cannot shadow 'RAYON_CT1'). */
  aeTitle: text('ae_title').primaryKey(),
  tenantId: uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  modalityId: uuid('modality_id').notNull(),
  createdAt: createdAt(),
});
