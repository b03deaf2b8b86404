/** What hospitals and other systems send in: every HL7 v2 message received, kept raw. */
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { oneOf } from '../checks.ts';
import { bytea } from './columns.ts';

/** received: stored, not yet processed; then processed (ACK AA) or failed (ACK AE/AR). */
export const HL7_MESSAGE_STATUSES = ['received', 'processed', 'failed'] as const;
export type Hl7MessageStatus = (typeof HL7_MESSAGE_STATUSES)[number];

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
    status: text('status', { enum: HL7_MESSAGE_STATUSES }).notNull(),
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
    oneOf('hl7_messages_status_check', t.status),
  ],
);
