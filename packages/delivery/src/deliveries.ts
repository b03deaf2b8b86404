/**
 * The distribution of a validated version: what to send where (the pure plan of @rayon/domain,
 * with the practice's settings and the report's facts), each send planned once and handed to the
 * worker through the outbox; then each send itself, with its attempts recorded.
 */
import { randomUUID } from 'node:crypto';
import {
  cancelVersionDeliveries,
  claimDelivery,
  closeCircuit,
  DELIVERY_TOPIC,
  deliveryVersionState,
  enqueueOutbox,
  enqueueOutboxMessages,
  findCircuit,
  findDelivery,
  findOrder,
  findReport,
  findReportVersionById,
  getSetting,
  insertDeliveries,
  insertDeliveryAttempt,
  lastFailedAt,
  listReportDeliveries,
  listReportDocumentContents,
  listVersionsOfReportOf,
  olderPendingDelivery,
  planWithdrawals,
  REPORT_DOCUMENTS_TOPIC,
  saveCircuit,
  updateDelivery,
  wakeNextOfPatient,
  wakeWaitingDeliveries,
  type Database,
  type DeliveryRow,
  type ReportRow,
  type ReportVersionRow,
  type TenantRef,
  type TenantTx,
} from '@rayon/db';
import type { ReportDocument } from '@rayon/documents';
import { asOriginal, frozenDescriptionIn } from './frozen.ts';
import {
  CIRCUIT_OF,
  DEFAULT_DISTRIBUTION,
  DEFAULT_RETRY_POLICY,
  DELIVERY_REASONS,
  DESTINATIONS,
  DISTRIBUTION_SETTING,
  circuitAfterFailure,
  deliveryKey,
  deliveryTurn,
  planDistribution,
  retryDelayMs,
  retryHorizonPassed,
  sendActionFor,
  supersededSend,
  type Destination,
  type DistributionSettings,
  type RetryPolicy,
} from '@rayon/domain';

export async function distributionSettings(tx: TenantTx): Promise<DistributionSettings> {
  return { ...DEFAULT_DISTRIBUTION, ...(await getSetting(tx, DISTRIBUTION_SETTING)) };
}

/** The destinations where an earlier version of the report was delivered and not withdrawn. */
function deliveredBefore(sends: DeliveryRow[], versionId: string): Set<Destination> {
  const withdrawn = new Set(
    sends.filter((d) => d.action === 'withdraw' && d.status === 'delivered').map((d) => d.versionId),
  );
  return new Set(
    sends
      .filter(
        (d) =>
          d.versionId !== versionId &&
          d.status === 'delivered' &&
          (d.action === 'publish' || d.action === 'replace') &&
          !withdrawn.has(d.versionId),
      )
      .map((d) => d.destination),
  );
}

/**
 * Plans the sends of a validated version (once per destination and action); returns the new ones.
 * The sends of the earlier versions not gone yet are cancelled (a superseded version is never
 * sent); where no earlier version was delivered, this one goes as an original (publish).
 */
export async function planReportDeliveries(
  tx: TenantTx,
  versionId: string,
  description: ReportDocument,
  requestId: string | null,
  /** Where the sends go, as frozen with the version's description (@rayon/reporting's routing). */
  routing: { referrerMailbox: string | null },
): Promise<DeliveryRow[]> {
  const versions = await listVersionsOfReportOf(tx, versionId);
  const version = versions.find((v) => v.id === versionId)!;
  const report = (await findReport(tx, version.reportId))!;
  const order = (await findOrder(tx, report.orderId))!;
  const earlier = versions.filter((v) => v.version < version.version);
  await cancelVersionDeliveries(
    tx,
    earlier.map((v) => v.id),
    DELIVERY_REASONS.replaced(version.version),
    requestId,
  );
  const sends = await listReportDeliveries(tx, report.id);
  const plan = planDistribution({
    settings: await distributionSettings(tx),
    version: version.version,
    insQualified: description.patient.ins !== undefined,
    announcementPending: report.announcementRequired && report.announcedAt === null,
    referrerMailbox: routing.referrerMailbox,
    deliveredBefore: deliveredBefore(sends, versionId),
    // Chosen at validation: no referrer mail when masked, no patient mail when hidden from the
    // legal representatives (CI-SIS MSSanté matrix).
    visibility: {
      maskedFromProfessionals: version.maskedFromProfessionals,
      hiddenFromLegalRepresentatives: version.hiddenFromLegalRepresentatives,
    },
  });
  // Planned already (by an earlier run, whatever it went as): once.
  const toPlan = plan.filter(
    (p) =>
      !sends.some(
        (d) =>
          d.versionId === versionId &&
          d.destination === p.destination &&
          d.action !== 'withdraw' &&
          d.action !== 'visibility',
      ),
  );
  // One statement for the sends, one for their jobs; in the plan's order.
  const inserted = await insertDeliveries(
    tx,
    toPlan.map((p) => ({
      reportId: report.id,
      versionId,
      patientId: order.patientId,
      destination: p.destination,
      action: p.action,
      // The key names the send, whatever it goes as (publish or replace): planned once.
      idempotencyKey: deliveryKey(versionId, p.destination, 'publish'),
      status: p.status,
      reason: p.reason,
    })),
  );
  const created = toPlan.flatMap((p) => inserted.filter((r) => r.destination === p.destination));
  await enqueueOutboxMessages(
    tx,
    created
      .filter((row) => row.status === 'pending')
      .map((row) => ({ topic: DELIVERY_TOPIC, payload: { deliveryId: row.id }, requestId })),
  );
  return created;
}

/** What a sender gets: everything loaded beforehand; it runs outside any transaction. */
export interface DeliveryContext {
  tenant: TenantRef;
  /** The send, claimed for this call; `action` is what it goes as (publish or replace, decided now). */
  delivery: DeliveryRow;
  /** The version sent (its visibility choices: masked to professionals, legal representatives…). */
  version: ReportVersionRow;
  /**
   * The version's frozen description (the snapshot stored with its documents, the same facts as
   * its CDA). For a version sent as an original where an earlier one never arrived, without
   * `document.replaces` (and `cda` is rendered the same way).
   */
  description: ReportDocument;
  cda: Buffer;
  pdf: Buffer;
  settings: DistributionSettings;
  /** An announcement is pending: the document must stay invisible to the patient. */
  hiddenFromPatient: boolean;
  /** The referring professional's MSSanté address, as frozen with the version. */
  referrerMailbox: string | null;
  /** The remote id the previous version got at this destination (a correction refers to it). */
  previousRemoteId: string | null;
  /** When the attempt started. */
  now: Date;
  /** What the sender's `load` read in the claim's transaction (absent: it has no `load`). */
  loaded?: unknown;
  /** Reads in a short transaction of their own (never held across a remote call). */
  read: <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T>;
  /**
   * Writes done in the record transaction, with the outcome (the certificate's audit, a state
   * learnt from the remote): run whatever the outcome, thrown or not.
   */
  onRecord: (fn: (tx: TenantTx) => Promise<void>) => void;
}

/**
 * What a sender resolves with: the remote id; or `notSent`, a French reason why the destination
 * does not take this send (e.g. the patient has no DMP) — recorded as « Non envoyé », no retry.
 * It throws a DeliveryError (retryable or not, with a French reason) when the send failed.
 */
export interface DeliveryResult {
  remoteId: string | null;
  detail: string | null;
  notSent?: string | undefined;
}

/**
 * A destination's sender: called with no transaction open and no row locked. Its `load`, if any,
 * reads what the call needs from the practice's data (its certificate…) in the claim's short
 * transaction, instead of a transaction of its own; the sender gets it as `ctx.loaded`.
 */
export type DeliverySender = ((ctx: DeliveryContext) => Promise<DeliveryResult>) & {
  load?: ((tx: TenantTx, delivery: DeliveryRow) => Promise<unknown>) | undefined;
};

/** The error a connector throws: whether a retry can help, and why in plain French. */
interface DeliveryFailure {
  retryable: boolean;
  reason: string;
  remote?: string | undefined;
}
const asDeliveryFailure = (e: unknown): DeliveryFailure | null =>
  e &&
  typeof e === 'object' &&
  typeof (e as DeliveryFailure).retryable === 'boolean' &&
  typeof (e as DeliveryFailure).reason === 'string'
    ? (e as DeliveryFailure)
    : null;

export { DELIVERY_REASONS };

/** Default lease of a claim: longer than the longest call (DMP: up to 3 × 30 s). */
export const DELIVERY_LEASE_MS = 5 * 60_000;

/** What a send says, read with its claim: what was frozen with the version, and the live state. */
type SendContent = Pick<
  DeliveryContext,
  'description' | 'cda' | 'pdf' | 'settings' | 'hiddenFromPatient' | 'referrerMailbox' | 'loaded'
>;

/**
 * The content of a claimed send: the version's stored documents and the description frozen at its
 * validation (never the practice's live data); a correction going as an original (the earlier
 * version never arrived there) without any reference to a document the destination does not
 * have, in the metadata or the CDA. The announcement is read as the send goes: announced
 * meanwhile, the document goes visible to the patient.
 */
async function sendContent(tx: TenantTx, delivery: DeliveryRow, report: ReportRow): Promise<SendContent> {
  const docs = await listReportDocumentContents(tx, delivery.versionId);
  const frozen = frozenDescriptionIn(docs);
  if (!frozen) {
    // Documented before descriptions were frozen at validation: its documents job, asked for
    // again, freezes one from the practice's data, and this attempt is retried.
    await enqueueOutbox(tx, {
      topic: REPORT_DOCUMENTS_TOPIC,
      payload: { reportId: delivery.reportId, versionId: delivery.versionId },
      requestId: null,
    });
    throw new Error('the description of the version is not frozen yet: its documents are asked for again');
  }
  const content = (kind: string) => {
    const doc = docs.find((d) => d.kind === kind);
    if (!doc) throw new Error(`the ${kind} of the version is not generated yet`);
    return doc.content;
  };
  const pdf = content('pdf');
  let description = frozen.description;
  let cda = content('cda');
  if (delivery.action === 'publish' && description.document.replaces) {
    ({ description, cda } = asOriginal(description, pdf));
  }
  return {
    description,
    cda,
    pdf,
    settings: await distributionSettings(tx),
    hiddenFromPatient: report.announcementRequired && report.announcedAt === null,
    referrerMailbox: frozen.routing.referrerMailbox,
  };
}

export interface DeliveryAttemptResult {
  status: string;
  /** The send waits: its job comes back then (null: when an older send of its patient ends). */
  retryAt?: Date | null | undefined;
}

/**
 * One attempt of one send, in three steps, none holding a transaction during the remote call:
 *
 * 1. claim (short transaction, the send's row locked): a send no longer pending is done; a send
 *    of a superseded version is cancelled; a send whose turn has not come (another worker's live
 *    claim, not due yet, its circuit open and the probe not due, an older send of its patient to
 *    the same destination pending) waits without spending an attempt; otherwise it is claimed
 *    (`claim_token`, `claimed_until` = now + lease), as the probe when its circuit is open, and
 *    what it says is read (`sendContent`).
 * 2. call: the sender called with no transaction.
 * 3. record (short transaction): the sender's deferred writes, then, if the claim is still this
 *    attempt's, the outcome and the attempt. Delivered (or refused for good): done, the circuit
 *    closes and the sends waiting on it are due now. A failure a retry can fix: the circuit opens
 *    or extends (exponential backoff, capped), the send is due at the next probe; past the
 *    horizon it is failed for a person.
 *
 * A duplicate job finds the live claim and waits for the lease; a worker killed mid-call leaves
 * a lease that expires, and the send is tried again (the destinations recognise a resend: the
 * DMP by the document's uniqueId, MSSanté by the Message-ID, the PFI by MSH-10).
 */
export async function attemptDelivery(
  db: Database,
  tenant: TenantRef,
  deliveryId: string,
  o: {
    senders: Partial<Record<Destination, DeliverySender>>;
    policy?: RetryPolicy | undefined;
    leaseMs?: number | undefined;
    now?: (() => Date) | undefined;
  },
): Promise<DeliveryAttemptResult> {
  const policy = o.policy ?? DEFAULT_RETRY_POLICY;
  const clock = o.now ?? (() => new Date());
  const now = clock();
  const token = randomUUID();
  const claimedUntil = new Date(now.getTime() + (o.leaseMs ?? DELIVERY_LEASE_MS));

  /**
   * The claimed send, with what the claim read: the version, the remote id a correction refers to,
   * and what the send says (or why it could not be read: recorded as the attempt's failure).
   */
  type Claimed = {
    delivery: DeliveryRow;
    version: ReportVersionRow;
    previousRemoteId: string | null;
    content: { ok: SendContent } | { error: unknown };
  };
  const claim = await db.withTenant(tenant, async (tx): Promise<DeliveryAttemptResult | Claimed> => {
    const d = await findDelivery(tx, deliveryId, { forUpdate: true });
    if (!d) return { status: 'missing' };
    if (d.status !== 'pending') return { status: d.status };
    /** Ended without a call; `givenUp`: a line « Échec définitif » in its history (no attempt spent). */
    const finish = async (status: 'failed' | 'cancelled', reason: string, givenUp = false) => {
      if (givenUp) {
        await insertDeliveryAttempt(tx, { deliveryId, outcome: 'failed', detail: null, durationMs: 0 });
      }
      await updateDelivery(tx, deliveryId, { status, reason, nextAttemptAt: null });
      await wakeNextOfPatient(tx, d, null);
      return { status };
    };
    const version = await findReportVersionById(tx, d.versionId);
    const report = (await findReport(tx, d.reportId))!;
    if (version && supersededSend(version.status, d.action)) {
      return finish(
        'cancelled',
        version.status === 'withdrawn'
          ? DELIVERY_REASONS.withdrawn
          : DELIVERY_REASONS.replaced(report.currentVersion),
      );
    }
    const destination = d.destination;
    const key = CIRCUIT_OF[destination];
    const circuit = key ? ((await findCircuit(tx, key, { forUpdate: true })) ?? null) : null;
    if (
      circuit &&
      retryHorizonPassed({
        now,
        createdAt: d.createdAt,
        circuitOpenedAt: circuit.openedAt,
        restartedAt: await lastFailedAt(tx, d.id),
        policy,
      })
    ) {
      return finish(
        'failed',
        `${circuit.reason ?? 'Destination indisponible'} — ${DELIVERY_REASONS.gaveUp(policy.horizonMs).toLowerCase()}`,
        true,
      );
    }
    const turn = deliveryTurn({
      now,
      claimedUntil: d.claimedUntil,
      nextAttemptAt: d.nextAttemptAt,
      olderPending: await olderPendingDelivery(tx, d),
      circuit,
    });
    if (!turn.go) {
      // Waiting for its circuit: the portal shows when, the maintenance leaves it until then.
      if (turn.why === 'circuit' && d.nextAttemptAt?.getTime() !== turn.until?.getTime()) {
        await updateDelivery(tx, deliveryId, { nextAttemptAt: turn.until });
      }
      return { status: `waiting (${turn.why})`, retryAt: turn.until };
    }
    if (!o.senders[destination]) {
      return finish('failed', DELIVERY_REASONS.notConfigured);
    }
    if (circuit && turn.probe) await saveCircuit(tx, { ...circuit, nextProbeAt: claimedUntil });
    // Publish or replace is decided when it goes: a replacement only where an earlier version arrived.
    let action = d.action;
    let previousRemoteId: string | null = null;
    if ((action === 'publish' || action === 'replace') && version) {
      // A first version always goes as an original: nothing earlier to read.
      const sends = version.version > 1 ? await listReportDeliveries(tx, d.reportId) : [];
      action = sendActionFor(version.version, deliveredBefore(sends, d.versionId).has(destination));
      // A correction refers to what the previous version got at this destination.
      if (action === 'replace') {
        previousRemoteId =
          sends.findLast(
            (s) =>
              s.destination === d.destination &&
              s.versionId !== d.versionId &&
              s.status === 'delivered' &&
              s.action !== 'withdraw' &&
              s.action !== 'visibility',
          )?.remoteId ?? null;
      }
    }
    await claimDelivery(tx, deliveryId, token, claimedUntil, now);
    if (action !== d.action) await updateDelivery(tx, deliveryId, { action });
    const delivery = { ...d, action, claimToken: token, claimedUntil };
    let content: Claimed['content'];
    try {
      const ok = await sendContent(tx, delivery, report);
      const load = o.senders[destination]!.load;
      content = { ok: load ? { ...ok, loaded: await load(tx, delivery) } : ok };
    } catch (error) {
      content = { error };
    }
    return { delivery, version: version!, previousRemoteId, content };
  });
  if (!('delivery' in claim)) return claim;
  const { delivery, version, previousRemoteId, content } = claim;
  const sender = o.senders[delivery.destination]!;

  // The call: no transaction open, no row locked.
  const deferred: ((tx: TenantTx) => Promise<void>)[] = [];
  const started = Date.now();
  let outcome: { result: DeliveryResult } | { error: unknown };
  try {
    if ('error' in content) throw content.error;
    const result = await sender({
      tenant,
      delivery,
      version,
      previousRemoteId,
      ...content.ok,
      now,
      read: (fn) => db.withTenant(tenant, fn),
      onRecord: (fn) => void deferred.push(fn),
    });
    outcome = { result };
  } catch (error) {
    outcome = { error };
  }
  const durationMs = Date.now() - started;

  const recorded = await db.withTenant(tenant, async (tx) => {
    for (const write of deferred) await write(tx);
    const d = await findDelivery(tx, deliveryId, { forUpdate: true });
    // Another worker took the send over after the lease (or it was cancelled and re-claimed): its record.
    if (!d || d.claimToken !== token) return { status: 'claim lost' };
    const at = clock();
    const key = CIRCUIT_OF[d.destination];
    const record = async (
      attempt: 'delivered' | 'retry' | 'failed' | 'not_sent',
      detail: string | null,
      fields: Parameters<typeof updateDelivery>[2],
    ) => {
      // Dated when the call started: a receipt of the send (DSN), recorded meanwhile by the
      // mailbox reading, comes after it in the send's history.
      await insertDeliveryAttempt(tx, {
        deliveryId,
        outcome: attempt,
        detail,
        durationMs,
        at: new Date(started),
      });
      await updateDelivery(tx, deliveryId, {
        attempts: d.attempts + 1,
        lastAttemptAt: at,
        claimToken: null,
        claimedUntil: null,
        ...fields,
      });
    };
    /** The remote answered: its circuit closes and the sends waiting on it are due now. */
    const answered = async () => {
      if (key && (await closeCircuit(tx, key))) {
        await wakeWaitingDeliveries(
          tx,
          DESTINATIONS.filter((x) => CIRCUIT_OF[x] === key),
        );
      }
    };
    if ('result' in outcome) {
      const { result } = outcome;
      if (result.notSent) {
        await record('not_sent', result.detail, {
          status: 'not_sent',
          reason: result.notSent,
          nextAttemptAt: null,
        });
      } else {
        await record('delivered', result.detail, {
          status: 'delivered',
          remoteId: result.remoteId,
          deliveredAt: at,
          reason: null,
          nextAttemptAt: null,
        });
        // Withdrawn while this call was in flight: what just arrived is withdrawn in turn.
        const version = await deliveryVersionState(tx, d.versionId);
        if (version?.status === 'withdrawn' && d.action !== 'withdraw') {
          await planWithdrawals(tx, d.reportId, d.versionId, null);
        }
      }
      await answered();
      await wakeNextOfPatient(tx, d, null);
      return { status: result.notSent ? 'not_sent' : 'delivered' };
    }
    const failure = asDeliveryFailure(outcome.error);
    if (failure && !failure.retryable) {
      await record('failed', failure.remote ?? null, {
        status: 'failed',
        reason: failure.reason,
        nextAttemptAt: null,
      });
      // Refused for good (not an outage): a probe hands its turn over at once.
      const circuit = key ? await findCircuit(tx, key, { forUpdate: true }) : undefined;
      if (circuit && circuit.nextProbeAt.getTime() === d.claimedUntil?.getTime()) {
        await saveCircuit(tx, { ...circuit, nextProbeAt: at });
      }
      await wakeNextOfPatient(tx, d, null);
      return { status: 'failed' };
    }
    // A failure a retry can fix. The destination's own (a DeliveryError): its circuit opens or
    // extends. Anything else (a fault of ours): this send alone waits.
    let circuitOpenedAt: Date | null = null;
    let nextAttemptAt: Date;
    if (failure && key) {
      const previous = await findCircuit(tx, key, { forUpdate: true });
      const next = circuitAfterFailure(previous ?? null, at, failure.reason, policy);
      await saveCircuit(tx, { destination: key, ...next });
      circuitOpenedAt = next.openedAt;
      nextAttemptAt = next.nextProbeAt;
    } else {
      nextAttemptAt = new Date(at.getTime() + retryDelayMs(d.attempts + 1, policy));
    }
    const detail = failure?.remote ?? failure?.reason ?? DELIVERY_REASONS.internal;
    if (
      retryHorizonPassed({
        now: at,
        createdAt: d.createdAt,
        circuitOpenedAt,
        restartedAt: await lastFailedAt(tx, d.id),
        policy,
      })
    ) {
      await record('failed', detail, {
        status: 'failed',
        reason: `${failure?.reason ?? DELIVERY_REASONS.internal} — ${DELIVERY_REASONS.gaveUp(policy.horizonMs).toLowerCase()}`,
        nextAttemptAt: null,
      });
      await wakeNextOfPatient(tx, d, null);
      return { status: 'failed' };
    }
    await record('retry', detail, { nextAttemptAt });
    return { status: 'retry', retryAt: nextAttemptAt, ...(failure ? {} : { error: outcome.error }) };
  });
  // A fault of ours is thrown once recorded, so that it is logged (the send waits all the same).
  if ('error' in recorded) throw recorded.error;
  return recorded;
}
