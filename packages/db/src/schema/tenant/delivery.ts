/**
 * Sending validated reports (DMP, MSSanté, PFI): one row per destination and version, its attempts,
 * and a circuit per destination.
 */
import { CIRCUITS, DELIVERY_ACTIONS, DELIVERY_STATUSES, DESTINATIONS, RECEIPTS } from '@rayon/domain';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { oneOf } from '../checks.ts';
import { reportVersions, reports } from './reporting.ts';

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
    destination: text('destination', { enum: DESTINATIONS }).notNull(),
    /** publish, replace, withdraw; visibility (a DMP metadata update, e.g. after the announcement). */
    action: text('action', { enum: DELIVERY_ACTIONS }).notNull(),
    /** version + destination + action: a second planning of the same send is a no-op. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    /**
     * pending, delivered, failed (needs action), not_sent (a rule keeps it back), cancelled (a
     * person cancelled it, or its version was superseded before it left).
     */
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
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
    receipt: text('receipt', { enum: RECEIPTS }),
    receiptAt: timestamp('receipt_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.reportId),
    index().on(t.status),
    index().on(t.remoteId),
    index('deliveries_patient_destination_idx').on(t.patientId, t.destination, t.createdAt),
    oneOf('deliveries_status_check', t.status),
    oneOf('deliveries_action_check', t.action),
    oneOf('deliveries_destination_check', t.destination),
    oneOf('deliveries_receipt_check', t.receipt),
  ],
);

/**
 * One circuit per destination of the practice (dmp, mssante, pfi): open while the remote
 * service is down, so an outage costs one probe at a time instead of every send's attempts.
 */
export const deliveryCircuits = pgTable(
  'delivery_circuits',
  {
    destination: text('destination', { enum: CIRCUITS }).primaryKey(),
    /** Unavailable since (the first failure of this outage). */
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull(),
    failures: integer('failures').notNull().default(1),
    /** When the next probe may go. */
    nextProbeAt: timestamp('next_probe_at', { withTimezone: true }).notNull(),
    /** The last failure, in French, without patient data. */
    reason: text('reason'),
  },
  (t) => [oneOf('delivery_circuits_destination_check', t.destination)],
);

/** What one attempt of a send came to; notification: a DSN/MDN received about the send. */
export const DELIVERY_ATTEMPT_OUTCOMES = [
  'delivered',
  'retry',
  'failed',
  'not_sent',
  'notification',
] as const;
export type DeliveryAttemptOutcome = (typeof DELIVERY_ATTEMPT_OUTCOMES)[number];

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => deliveries.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    outcome: text('outcome', { enum: DELIVERY_ATTEMPT_OUTCOMES }).notNull(),
    /** The remote answer (status, error codes), never patient data. */
    detail: text('detail'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index().on(t.deliveryId), oneOf('delivery_attempts_outcome_check', t.outcome)],
);
