/**
 * The inbound HL7 pipeline, shared by the gateway (live messages) and the portal (replay):
 * store the raw bytes first (own transaction), then process in one transaction, then answer.
 * Same sender + MSH-10 twice = processed once: the stored ACK is sent again. If the process
 * dies between storing and answering, the sender resends and the stored message is processed.
 */
import {
  findHl7Message,
  recordHl7Outcome,
  storeReceivedMessage,
  type Database,
  type Hl7MessageRow,
  type TenantRef,
} from '@rayon/db';
import { AppError, isAppError } from '@rayon/domain';
import {
  ackErrorFrom,
  buildAck,
  buildErrorAck,
  formatLocation,
  Hl7Error,
  isHl7Error,
  parseAdt,
  parseOrders,
  parseMessage,
  sniffHeader,
  type AckError,
  type Hl7Message,
  type SniffedHeader,
} from '@rayon/hl7';
import { applyOrders } from '@rayon/scheduling';
import { createHash, randomUUID } from 'node:crypto';
import { applyAdt, findOrCreatePatient } from '@rayon/identity';

export interface InboundDeps {
  db: Database;
  now?: () => Date;
  newControlId?: () => string;
}

export interface InboundResult {
  ack: Buffer;
  messageId: string | null;
  status: 'processed' | 'failed' | 'duplicate' | 'rejected';
}

/** What a message failing on its content or form becomes: AE/AR with one ERR naming the place. */
function failureOf(
  e: unknown,
): { ackCode: 'AE' | 'AR'; error: AckError; text: string; location: string | null } | null {
  if (isHl7Error(e)) {
    return { ackCode: e.ackCode, error: ackErrorFrom(e), text: e.message, location: e.field ?? null };
  }
  if (isAppError(e) && (e.code === 'BAD_INPUT' || e.code === 'CONFLICT' || e.code === 'NOT_FOUND')) {
    const code = e.code === 'CONFLICT' ? '205' : e.code === 'NOT_FOUND' ? '204' : '102';
    // Domain field names (traits.birthDate) point to PID fields.
    const field =
      { 'traits.birthDate': 7, 'traits.sex': 8, 'traits.birthPlaceCode': 11, ins: 3, identifiers: 3 }[
        e.field ?? ''
      ] ?? 5;
    return {
      ackCode: 'AE',
      error: { segment: 'PID', sequence: 1, field, hl7ErrorCode: code, severity: 'E', text: e.message },
      text: e.message,
      location: formatLocation({ segment: 'PID', sequence: 1, field }),
    };
  }
  return null;
}

function controlKey(header: SniffedHeader, raw: Buffer): string {
  return header.controlId || `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

export function createInbound(deps: InboundDeps) {
  const now = deps.now ?? (() => new Date());
  const newControlId = deps.newControlId ?? (() => randomUUID().replaceAll('-', '').slice(0, 20));
  const ackOptions = () => ({ now: now(), controlId: newControlId() });

  /** Processes a stored message; records and returns its ACK. Infrastructure errors propagate. */
  async function process(tenant: TenantRef, stored: Hl7MessageRow, replay = false): Promise<InboundResult> {
    const header = sniffHeader(stored.raw);
    let msg: Hl7Message | undefined;
    try {
      return await deps.db.withTenant(tenant, async (tx) => {
        // The row lock serialises two deliveries of the same message: the second sees the outcome.
        const current = (await findHl7Message(tx, stored.id, { forUpdate: true }))!;
        const done = current.status === 'processed' || (current.status === 'failed' && !replay);
        if (done && current.ack)
          return { ack: current.ack, messageId: current.id, status: 'duplicate' as const };
        msg = parseMessage(stored.raw);
        const ctx = {
          actor: {
            type: 'system' as const,
            id: `hl7:${stored.sendingApplication}/${stored.sendingFacility}`,
          },
          source: 'hl7' as const,
          hl7MessageId: stored.id,
          now: now(),
        };
        let patientId: string;
        const warnings: AckError[] = [];
        if (header.messageCode === 'ADT') patientId = await applyAdt(tx, parseAdt(msg), ctx, warnings);
        else if (header.messageCode === 'ORM' || header.messageCode === 'OMI') {
          const event = parseOrders(msg);
          patientId = (await findOrCreatePatient(tx, event.patient, ctx)).id;
          await applyOrders(tx, event.orders, patientId, ctx);
        } else {
          throw new Hl7Error(
            'unsupported',
            '200',
            `message type ${header.messageCode || '(none)'} is not accepted here (ADT, ORM, OMI)`,
            { location: { segment: 'MSH', sequence: 1, field: 9 } },
          );
        }
        const ack = buildAck(msg, { ...ackOptions(), code: 'AA', errors: warnings }).payload;
        await recordHl7Outcome(tx, stored.id, { status: 'processed', ack, patientId });
        return { ack, messageId: stored.id, status: 'processed' as const };
      });
    } catch (e) {
      const failure = failureOf(e);
      if (!failure) throw e;
      const request = msg ?? header;
      const ack = buildAck(request, {
        ...ackOptions(),
        code: failure.ackCode,
        errors: [failure.error],
      }).payload;
      await deps.db.withTenant(tenant, (tx) =>
        recordHl7Outcome(tx, stored.id, {
          status: 'failed',
          ack,
          error: failure.text,
          errorLocation: failure.location,
        }),
      );
      return { ack, messageId: stored.id, status: 'failed' };
    }
  }

  return {
    /** A message received from a sender of `tenant`: stored, processed once, answered. */
    async receive(tenant: TenantRef, raw: Buffer): Promise<InboundResult> {
      const header = sniffHeader(raw);
      if (!header.fields) {
        const error = new Hl7Error('syntax', '100', 'the message does not start with an MSH segment', {
          location: { segment: 'MSH', sequence: 1 },
        });
        return {
          ack: buildErrorAck(header, error, ackOptions()).payload,
          messageId: null,
          status: 'rejected',
        };
      }
      const { row, duplicate } = await deps.db.withTenant(tenant, (tx) =>
        storeReceivedMessage(tx, {
          sendingApplication: header.sendingApplication,
          sendingFacility: header.sendingFacility,
          controlId: controlKey(header, raw),
          messageType: [header.messageCode, header.triggerEvent].filter(Boolean).join('^') || null,
          charset: header.declaredCharset,
          raw,
        }),
      );
      if (duplicate && row.ack && row.status !== 'received') {
        return { ack: row.ack, messageId: row.id, status: 'duplicate' };
      }
      return process(tenant, row);
    },

    /** Processes a stored message again (after a fix), from the portal. */
    async replay(tenant: TenantRef, messageId: string): Promise<InboundResult> {
      const row = await deps.db.withTenant(tenant, (tx) => findHl7Message(tx, messageId));
      if (!row) throw new AppError('NOT_FOUND', 'message not found');
      if (row.status === 'processed') throw new AppError('CONFLICT', 'this message was already processed');
      return process(tenant, row, true);
    },
  };
}
export type Inbound = ReturnType<typeof createInbound>;
