/**
 * The inbound HL7 pipeline, shared by the gateway (live messages) and the portal (replay). A
 * message is parsed once and applied in ONE transaction that also stores its raw bytes and its
 * ACK; the ACK leaves only after the commit. Same sender + MSH-10 twice = processed once: the
 * stored ACK is sent again. A message failing on its content is stored with its AE/AR. Should the
 * transaction fail otherwise (the database), the raw message is stored on its own, not
 * processed, and no ACK is sent: the sender resends, and a stored message not yet processed is
 * processed then. Messages of one practice arriving together share a transaction (group commit).
 */
import {
  findHl7Message,
  findHl7MessageByKey,
  insertHl7MessagesWithOutcome,
  recordHl7Outcome,
  storeReceivedMessage,
  type Database,
  type Hl7MessageKey,
  type Hl7MessageRow,
  type Hl7MessageWithOutcome,
  type TenantRef,
  type TenantTx,
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

/** A received message, its MSH read once. */
interface Received {
  header: SniffedHeader;
  raw: Buffer;
  key: Hl7MessageKey;
  columns: { messageType: string | null; charset: string | null };
}

/** A message waiting for its practice's next transaction, and its sender's answer. */
interface Waiting {
  m: Received;
  resolve: (result: InboundResult) => void;
  reject: (error: unknown) => void;
}

/** At most this many messages in one transaction. */
const MAX_BATCH = 64;
/**
 * Transactions of one practice at a time: two, so that one is prepared (parsed, applied) while
 * the other waits for PostgreSQL; more would only queue on the practice's audit chain, which
 * orders its transactions until they commit.
 */
const MAX_TRANSACTIONS = 2;

/** The same sender already sent this MSH-10: the transaction is rolled back, the stored ACK sent. */
class AlreadyReceived extends Error {
  constructor() {
    super('HL7 message already received');
  }
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
    try {
      return await deps.db.withTenant(tenant, async (tx) => {
        // The row lock serialises two deliveries of the same message: the second sees the outcome.
        const current = (await findHl7Message(tx, stored.id, { forUpdate: true }))!;
        const done = current.status === 'processed' || (current.status === 'failed' && !replay);
        if (done && current.ack)
          return { ack: current.ack, messageId: current.id, status: 'duplicate' as const };
        const { ack, patientId } = await apply(tx, stored.raw, header, stored, stored.id);
        await recordHl7Outcome(tx, stored.id, { status: 'processed', ack, patientId });
        return { ack, messageId: stored.id, status: 'processed' as const };
      });
    } catch (e) {
      const failure = failureOf(e);
      if (!failure) throw e;
      const ack = failureAck(stored.raw, header, failure);
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

  /** The AE/AR answering a message that failed on its content (from MSH as sniffed if unreadable). */
  function failureAck(
    raw: Buffer,
    header: SniffedHeader,
    failure: NonNullable<ReturnType<typeof failureOf>>,
  ) {
    let request: Hl7Message | SniffedHeader = header;
    try {
      request = parseMessage(raw);
    } catch {
      // Unreadable: answered from MSH as sniffed.
    }
    return buildAck(request, { ...ackOptions(), code: failure.ackCode, errors: [failure.error] }).payload;
  }

  /** Applies a message in `tx` (no write of the message row); content faults throw. */
  async function apply(
    tx: TenantTx,
    raw: Buffer,
    header: SniffedHeader,
    sender: { sendingApplication: string; sendingFacility: string },
    id: string,
  ) {
    const msg = parseMessage(raw);
    const ctx = {
      actor: { type: 'system' as const, id: `hl7:${sender.sendingApplication}/${sender.sendingFacility}` },
      source: 'hl7' as const,
      hl7MessageId: id,
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
    return { ack, patientId };
  }

  /** A new message applied in the caller's transaction; its row (with the ACK) is not yet written. */
  async function applyNew(tx: TenantTx, m: Received) {
    const id = randomUUID();
    const { ack, patientId } = await apply(tx, m.raw, m.header, m.key, id);
    const row: Hl7MessageWithOutcome = {
      ...m.key,
      ...m.columns,
      raw: m.raw,
      id,
      status: 'processed',
      ack,
      patientId,
    };
    return { row, result: { ack, messageId: id, status: 'processed' as const } };
  }

  /**
   * New messages applied one after the other and stored with their ACKs (one statement) in the
   * caller's transaction. Throws {@link AlreadyReceived} (the caller rolls back) when a sender
   * already sent one of them.
   */
  async function applyAndStore(tx: TenantTx, messages: Received[]): Promise<InboundResult[]> {
    const applied = [];
    for (const m of messages) applied.push(await applyNew(tx, m));
    const stored = await insertHl7MessagesWithOutcome(
      tx,
      applied.map((a) => a.row),
    );
    if (stored < applied.length) throw new AlreadyReceived();
    return applied.map((a) => a.result);
  }

  /** The stored answer to a message this sender sent before (processed now if never processed). */
  async function answerStored(tenant: TenantRef, m: Received): Promise<InboundResult> {
    const row = await deps.db.withTenant(tenant, (tx) => findHl7MessageByKey(tx, m.key));
    if (!row) throw new Error('HL7 message reported as already received is not stored');
    if (row.ack && row.status !== 'received') return { ack: row.ack, messageId: row.id, status: 'duplicate' };
    return process(tenant, row);
  }

  /**
   * After a message's transaction rolled back: a message sent before is answered from the store;
   * one failing on its content is stored with its AE/AR (own transaction); any other error (the
   * database, a bug) still stores the raw message, not processed, when the database answers, and
   * propagates: no ACK, the sender sends it again.
   */
  async function settle(tenant: TenantRef, m: Received, e: unknown): Promise<InboundResult> {
    if (e instanceof AlreadyReceived) return answerStored(tenant, m);
    const failure = failureOf(e);
    if (failure) {
      const ack = failureAck(m.raw, m.header, failure);
      const id = randomUUID();
      const stored = await deps.db.withTenant(tenant, (tx) =>
        insertHl7MessagesWithOutcome(tx, [
          {
            ...m.key,
            ...m.columns,
            raw: m.raw,
            id,
            status: 'failed',
            ack,
            error: failure.text,
            errorLocation: failure.location,
          },
        ]),
      );
      return stored === 1 ? { ack, messageId: id, status: 'failed' } : answerStored(tenant, m);
    }
    const kept = await deps.db
      .withTenant(tenant, (tx) => storeReceivedMessage(tx, { ...m.key, ...m.columns, raw: m.raw }))
      .catch(() => undefined);
    const row = kept?.duplicate ? kept.row : undefined;
    if (row?.ack && row.status !== 'received')
      return { ack: row.ack, messageId: row.id, status: 'duplicate' };
    throw e;
  }

  /** One message in its own transaction. */
  async function receiveOne(tenant: TenantRef, m: Received): Promise<InboundResult> {
    try {
      return (await deps.db.withTenant(tenant, (tx) => applyAndStore(tx, [m])))[0]!;
    } catch (e) {
      return settle(tenant, m, e);
    }
  }

  /** Messages waiting for their practice's transactions, by tenant id (present while they run). */
  const queues = new Map<string, { waiting: Waiting[]; running: number }>();

  /**
   * Group commit: the messages of one practice are applied by at most
   * {@link MAX_TRANSACTIONS} transactions at a time; those that arrive while they run (from other
   * connections; each connection has one message in flight) are applied together in the next
   * one, in arrival order, and each ACK is released after that commit. Should one of them fail
   * (content, duplicate, database), that transaction is rolled back and each message is taken
   * again alone, in order, so a failed message never undoes the others.
   */
  function enqueue(tenant: TenantRef, m: Received): Promise<InboundResult> {
    return new Promise((resolve, reject) => {
      let queue = queues.get(tenant.id);
      if (!queue) queues.set(tenant.id, (queue = { waiting: [], running: 0 }));
      queue.waiting.push({ m, resolve, reject });
      if (queue.running < MAX_TRANSACTIONS) void drain(tenant, queue);
    });
  }

  async function drain(tenant: TenantRef, queue: { waiting: Waiting[]; running: number }) {
    queue.running++;
    try {
      while (queue.waiting.length > 0) await applyBatch(tenant, queue.waiting.splice(0, MAX_BATCH));
    } finally {
      queue.running--;
      if (queue.running === 0 && queue.waiting.length === 0) queues.delete(tenant.id);
    }
  }

  async function applyBatch(tenant: TenantRef, batch: Waiting[]) {
    if (batch.length > 1) {
      const results = await deps.db
        .withTenant(tenant, (tx) =>
          applyAndStore(
            tx,
            batch.map((w) => w.m),
          ),
        )
        .catch(() => undefined);
      if (results) return batch.forEach((w, i) => w.resolve(results[i]!));
    }
    for (const w of batch) await receiveOne(tenant, w.m).then(w.resolve, w.reject);
  }

  return {
    /** A message received from a sender of `tenant`: applied and stored with its ACK once, answered. */
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
      return enqueue(tenant, {
        header,
        raw,
        key: {
          sendingApplication: header.sendingApplication,
          sendingFacility: header.sendingFacility,
          controlId: controlKey(header, raw),
        },
        columns: {
          messageType: [header.messageCode, header.triggerEvent].filter(Boolean).join('^') || null,
          charset: header.declaredCharset,
        },
      });
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
