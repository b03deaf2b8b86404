import { and, desc, eq, sql } from 'drizzle-orm';
import { hl7Messages } from '../schema/tenant.ts';
import type { Hl7MessageStatus } from '../schema/tenant/inbound.ts';
import type { TenantTx } from '../client.ts';

export type Hl7MessageRow = typeof hl7Messages.$inferSelect;

/**
 * Stores a received message before anything else. Returns the existing row when the same
 * sender already sent this MSH-10 (the message is then not processed again).
 */
export async function storeReceivedMessage(
  tx: TenantTx,
  m: Hl7MessageKey & {
    messageType: string | null;
    charset: string | null;
    raw: Buffer;
  },
): Promise<{ row: Hl7MessageRow; duplicate: boolean }> {
  const [inserted] = await tx
    .insert(hl7Messages)
    .values({ ...m, status: 'received' })
    .onConflictDoNothing()
    .returning();
  if (inserted) return { row: inserted, duplicate: false };
  const existing = await findHl7MessageByKey(tx, m);
  return { row: existing!, duplicate: true };
}

/** Same sender + MSH-10: what identifies a message (the unique index of hl7_messages). */
export interface Hl7MessageKey {
  sendingApplication: string;
  sendingFacility: string;
  controlId: string;
}

/** A message as stored with its outcome, in the transaction that applied it. */
export type Hl7MessageWithOutcome = Hl7MessageKey & {
  id: string;
  messageType: string | null;
  charset: string | null;
  raw: Buffer;
  status: 'processed' | 'failed';
  ack: Buffer;
  error?: string | null;
  errorLocation?: string | null;
  patientId?: string | null;
};

/**
 * Stores messages together with their outcome, in the transaction that applied them (nothing is
 * stored when it rolls back), in one statement. Returns how many were stored: one that the same
 * sender already sent (same MSH-10) is not, and the caller rolls back and answers from the stored
 * row. A concurrent delivery of the same message waits here until the first commits.
 */
export async function insertHl7MessagesWithOutcome(
  tx: TenantTx,
  messages: Hl7MessageWithOutcome[],
): Promise<number> {
  const inserted = await tx
    .insert(hl7Messages)
    .values(
      messages.map((m) => ({
        ...m,
        error: m.error ?? null,
        errorLocation: m.errorLocation ?? null,
        patientId: m.patientId ?? null,
        attempts: 1,
        processedAt: sql`now()`,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: hl7Messages.id });
  return inserted.length;
}

export async function findHl7MessageByKey(tx: TenantTx, key: Hl7MessageKey) {
  const [row] = await tx
    .select()
    .from(hl7Messages)
    .where(
      and(
        eq(hl7Messages.sendingApplication, key.sendingApplication),
        eq(hl7Messages.sendingFacility, key.sendingFacility),
        eq(hl7Messages.controlId, key.controlId),
      ),
    );
  return row;
}

export async function findHl7Message(tx: TenantTx, id: string, o: { forUpdate?: boolean } = {}) {
  const q = tx.select().from(hl7Messages).where(eq(hl7Messages.id, id));
  const [row] = o.forUpdate ? await q.for('update') : await q;
  return row;
}

export async function recordHl7Outcome(
  tx: TenantTx,
  id: string,
  o: {
    status: 'processed' | 'failed';
    ack: Buffer;
    error?: string | null;
    errorLocation?: string | null;
    patientId?: string | null;
  },
): Promise<void> {
  await tx
    .update(hl7Messages)
    .set({
      status: o.status,
      ack: o.ack,
      error: o.error ?? null,
      errorLocation: o.errorLocation ?? null,
      patientId: o.patientId ?? null,
      attempts: sql`${hl7Messages.attempts} + 1`,
      processedAt: sql`now()`,
    })
    .where(eq(hl7Messages.id, id));
}

/** Messages for the portal's list (raw content excluded). */
export async function listHl7Messages(
  tx: TenantTx,
  o: { status?: Hl7MessageStatus; id?: string; limit?: number } = {},
) {
  return tx
    .select({
      id: hl7Messages.id,
      receivedAt: hl7Messages.receivedAt,
      sendingApplication: hl7Messages.sendingApplication,
      sendingFacility: hl7Messages.sendingFacility,
      controlId: hl7Messages.controlId,
      messageType: hl7Messages.messageType,
      status: hl7Messages.status,
      error: hl7Messages.error,
      errorLocation: hl7Messages.errorLocation,
      attempts: hl7Messages.attempts,
      patientId: hl7Messages.patientId,
      processedAt: hl7Messages.processedAt,
    })
    .from(hl7Messages)
    .where(
      and(
        o.status ? eq(hl7Messages.status, o.status) : undefined,
        o.id ? eq(hl7Messages.id, o.id) : undefined,
      ),
    )
    .orderBy(desc(hl7Messages.receivedAt), desc(hl7Messages.id))
    .limit(Math.min(o.limit ?? 100, 500));
}
