import {
  findAeTitleTenant,
  findExam,
  findExamByStepId,
  findModality,
  findPerformedStep,
  getSetting,
  identityOf,
  insertPerformedStep,
  listWorklistSteps,
  recordAudit,
  setExamStatus,
  setPerformedStepStatus,
  type ExamRow,
  type Database,
  type TenantRef,
  type TenantTx,
} from '@rayon/db';
import {
  startWorklistScp,
  type AssociationRejection,
  type MppsEvent,
  type MppsResult,
  type MppsStatus,
  type OtherPatientId,
  type PersonName,
  type SourceLimiter,
  type WorklistItem,
  type WorklistQuery,
} from '@rayon/dicom';
import {
  admitDicomPeer,
  AppError,
  DEFAULT_WORKLIST_MATCHING,
  dicomDateTime,
  insNamespace,
  insForExchange,
  nextExamStatus,
  normaliseAeTitle,
  WORKLIST_MATCHING_SETTING,
  type ExamStatus,
  type PeerRefusal,
} from '@rayon/domain';
import type { Logger } from 'pino';

const DAY = 24 * 3600 * 1000;
const dicomDate = (d: string) => new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T00:00:00Z`);

/**
 * The database window for a query's scheduled start date (single date or range), widened by a
 * day on each side for the Paris / UTC difference; the exact match is made on the items.
 */
function windowOf(query: WorklistQuery): { from?: Date; to?: Date } {
  const step = (query.ScheduledProcedureStepSequence as Record<string, unknown>[] | undefined)?.[0];
  const value =
    typeof step?.ScheduledProcedureStepStartDate === 'string'
      ? step.ScheduledProcedureStepStartDate.trim()
      : '';
  const m = /^(\d{8})?(-)?(\d{8})?$/.exec(value);
  if (!value || !m) return {};
  const [, a, dash, b] = m;
  const from = a ? new Date(dicomDate(a).getTime() - DAY) : undefined;
  const last = dash ? b : a;
  const to = last ? new Date(dicomDate(last).getTime() + 2 * DAY) : undefined;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

const person = (family: string, given?: string | null): PersonName => ({
  family,
  ...(given ? { given } : {}),
});

/**
 * The INS of a qualified identity as Other Patient IDs Sequence carries it, written like the
 * DRIMbox KOS (conformance/dicom/kos-drimbox): Issuer of Patient ID `ASIP-SANTE-INS-NIR`
 * (`ASIP-SANTE-INS-NIA` for the NIA OID, as the HL7 PID-3 namespace), the INS OID as Universal
 * Entity ID (ISO). Any other identity carries no INS.
 * Hypothesis: no French text fixes these attributes for the worklist; the DRIMbox KOS (the
 * object the images are matched against) is the safest model, and its NIA naming follows PID-3.
 */
function insOf(patient: Parameters<typeof identityOf>[0]): OtherPatientId[] {
  const ins = insForExchange(identityOf(patient));
  if (!ins) return [];
  return [{ id: ins.matricule, issuer: insNamespace(ins.oid), issuerOid: ins.oid }];
}

const MPPS_STATUS: Record<MppsStatus, ExamStatus> = {
  'IN PROGRESS': 'in_progress',
  COMPLETED: 'completed',
  DISCONTINUED: 'discontinued',
};

/** An MPPS message that does not apply in the current state: the transaction is rolled back. */
class MppsRefused extends Error {}
/** An N-CREATE that lost the race to a concurrent N-CREATE of the same SOP instance. */
class MppsDuplicate extends Error {}

/**
 * Moves the exams of a performed step to `target` and audits each change. Every transition is
 * checked before anything is written; an exam already there stays as it is (several performed
 * steps may share an exam).
 */
async function moveExams(tx: TenantTx, exams: ExamRow[], target: ExamStatus, sopInstanceUid: string) {
  const moves: ExamRow[] = [];
  for (const exam of exams) {
    if (exam.status === target) continue;
    try {
      nextExamStatus(exam.status as ExamStatus, target);
    } catch (e) {
      if (e instanceof AppError) throw new MppsRefused(`exam is ${exam.status}`);
      throw e;
    }
    moves.push(exam);
  }
  for (const exam of moves) {
    await setExamStatus(tx, exam.id, target);
    await recordAudit(tx, {
      actor: { type: 'system', id: 'mpps' },
      action: `exam.${target}`,
      target: exam.id,
      details: { mpps: sopInstanceUid },
    });
  }
}

/**
 * N-CREATE: the exams behind the referenced steps (Scheduled Procedure Step ID, else Requested
 * Procedure ID: both are the exam's step id in our worklist) go in progress, and the performed
 * step is kept for the N-SETs to come. A step that is not one of this practice's (unscheduled
 * procedure, another system's id) moves nothing.
 */
async function mppsCreated(
  tx: TenantTx,
  modalityId: string,
  event: Extract<MppsEvent, { kind: 'create' }>,
  logger: Logger,
): Promise<MppsResult> {
  if (await findPerformedStep(tx, event.sopInstanceUid)) return 'duplicate';
  // Locks taken in step id order, as the N-SET of the same step will take them.
  const ids = [
    ...new Set(event.steps.map((s) => s.stepId ?? s.requestedProcedureId).filter((x) => x !== undefined)),
  ].sort();
  const exams: ExamRow[] = [];
  for (const stepId of ids) {
    const exam = await findExamByStepId(tx, stepId);
    if (exam && !exams.some((e) => e.id === exam.id)) exams.push(exam);
  }
  if (ids.length === 0 || exams.length < ids.length) {
    logger.warn(
      { sopInstanceUid: event.sopInstanceUid, referenced: ids.length, found: exams.length },
      'MPPS references steps this practice does not know',
    );
  }
  await moveExams(tx, exams, 'in_progress', event.sopInstanceUid);
  const row = await insertPerformedStep(tx, {
    sopInstanceUid: event.sopInstanceUid,
    modalityId,
    examIds: exams.map((e) => e.id),
    status: event.status,
  });
  // Created meanwhile by a concurrent N-CREATE: undo the exam changes too.
  if (!row) throw new MppsDuplicate();
  return 'accepted';
}

/**
 * N-SET: found by its SOP instance UID; only the modality that created the step may update it
 * (a step of before migration 0009 has no recorded modality: any modality of the practice, as
 * then); a completed or discontinued step is final.
 */
async function mppsSet(
  tx: TenantTx,
  modalityId: string,
  event: Extract<MppsEvent, { kind: 'set' }>,
): Promise<MppsResult> {
  const step = await findPerformedStep(tx, event.sopInstanceUid, { forUpdate: true });
  if (!step) return 'unknown';
  if (step.modalityId && step.modalityId !== modalityId) {
    // Processing failure (0110), the N-SET failure PS3.4 F.7.2.2 gives MPPS SCUs; nothing changes.
    return { outcome: 'refused', comment: 'performed procedure step of another modality' };
  }
  if (step.status !== 'IN PROGRESS') {
    return { outcome: 'refused', comment: `performed procedure step is ${step.status}` };
  }
  if (event.status && event.status !== 'IN PROGRESS') {
    const exams: ExamRow[] = [];
    for (const id of step.examIds) {
      const exam = await findExam(tx, id, { forUpdate: true });
      if (exam) exams.push(exam);
    }
    await moveExams(tx, exams, MPPS_STATUS[event.status], event.sopInstanceUid);
  }
  await setPerformedStepStatus(tx, event.sopInstanceUid, event.status ?? step.status);
  return 'accepted';
}

/**
 * How a refusal is told to the peer (A-ASSOCIATE-RJ, rejected-permanent, service-user):
 * - a retired modality's AE title no longer serves: called AE title not recognized;
 * - a calling AE title the modality has not registered: calling AE title not recognized;
 * - an address, or a missing / unregistered client certificate: no reason given. PS3.8 has no
 *   reason for "not from there"; "calling AE title not recognized" would be untrue (the title
 *   may be right) and would send the modality's engineer to the wrong setting, and a specific
 *   answer would let a stranger probe the registered titles. The gateway's log says which.
 */
const REJECTIONS: Record<PeerRefusal, AssociationRejection> = {
  retired: 'called-ae',
  'calling-ae': 'calling-ae',
  source: 'no-reason',
  'tls-required': 'no-reason',
  certificate: 'no-reason',
};

/** What an accepted association acts for: a practice's modality. */
interface ModalityAssociation {
  tenant: TenantRef;
  modalityId: string;
}

/**
 * The Modality Worklist and MPPS on one port for every practice: the called AE title is a
 * modality's AE title, which names its practice; the association is accepted only from the
 * calling AE titles, addresses (and, when registered, TLS client certificates) of that modality.
 * A practice's modalities see its worklist only, and move only its exams. Performed steps live
 * in the practice's `performed_steps` table with the modality that created them, so an N-SET
 * finds its exams whatever happened to the gateway since the N-CREATE.
 */
export async function startWorklist(o: {
  db: Database;
  logger: Logger;
  host: string;
  port: number;
  /** Connections per source address (the gateway's connectionLimiter). */
  limiter?: SourceLimiter;
  /** Idle connections are closed after this long (default 60 s). */
  idleTimeoutMs?: number;
  /** The DICOM TLS port and its server certificate. */
  tls?: { port: number; key: Buffer | string; cert: Buffer | string };
}) {
  return startWorklistScp<ModalityAssociation>({
    host: o.host,
    port: o.port,
    logger: o.logger,
    ...(o.limiter ? { limiter: o.limiter } : {}),
    ...(o.idleTimeoutMs !== undefined ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
    ...(o.tls ? { tls: o.tls } : {}),
    async resolveAssociation(peer) {
      const found = await o.db.platform((tx) => findAeTitleTenant(tx, normaliseAeTitle(peer.calledAe)));
      if (!found) return { reject: 'called-ae' };
      const modality = await o.db.withTenant(found.tenant, (tx) => findModality(tx, found.modalityId));
      if (!modality) return { reject: 'called-ae' };
      const verdict = admitDicomPeer(modality, {
        callingAe: peer.callingAe,
        address: peer.address,
        ...(peer.tls ? { tls: peer.tls } : {}),
      });
      if (!verdict.admitted) {
        o.logger.warn(
          {
            tenant: found.tenant.slug,
            modalityId: modality.id,
            calledAe: peer.calledAe,
            callingAe: peer.callingAe,
            address: peer.address,
            tls: Boolean(peer.tls),
            refusal: verdict.refusal,
          },
          'dicom: association refused: not a registered caller of this modality',
        );
        return { reject: REJECTIONS[verdict.refusal] };
      }
      return {
        accept: { tenant: found.tenant, modalityId: modality.id },
        log: { tenant: found.tenant.slug, modalityId: modality.id },
      };
    },
    async findWorklist({ tenant }, query) {
      const { rows, matching } = await o.db.withTenant(tenant, async (tx) => ({
        rows: await listWorklistSteps(tx, windowOf(query)),
        matching: {
          ...DEFAULT_WORKLIST_MATCHING,
          ...(await getSetting(tx, WORKLIST_MATCHING_SETTING)),
        },
      }));
      const items = rows.map((r): WorklistItem => {
        const start = dicomDateTime(r.appointment.startsAt);
        return {
          patient: {
            name: person(r.patient.birthFamilyName, r.patient.firstBirthForename),
            id: r.ipp ?? r.patient.id,
            issuer: r.ippAuthority ?? 'RAYON',
            birthDate: r.patient.birthDate.replaceAll('-', ''),
            sex: r.patient.sex === 'M' || r.patient.sex === 'F' ? r.patient.sex : 'O',
            otherIds: insOf(r.patient),
          },
          study: {
            accessionNumber: r.order.accessionNumber,
            studyInstanceUid: r.order.studyInstanceUid,
            requestedProcedureId: r.exam.stepId,
            requestedProcedureDescription: r.examType.label,
            ...(r.referrer
              ? { referringPhysicianName: person(r.referrer.familyName, r.referrer.givenName) }
              : {}),
          },
          step: {
            stepId: r.exam.stepId,
            modality: r.modality.type,
            stationAeTitle: r.modality.aeTitle,
            stationName: r.modality.name,
            startDate: start.date,
            startTime: start.time,
            description: r.examType.label,
          },
        };
      });
      return { items, matching: { accentInsensitiveNames: matching.accentInsensitiveNames === true } };
    },
    async onMpps({ tenant, modalityId }, event) {
      try {
        return await o.db.withTenant(tenant, (tx) =>
          event.kind === 'create'
            ? mppsCreated(tx, modalityId, event, o.logger)
            : mppsSet(tx, modalityId, event),
        );
      } catch (e) {
        if (e instanceof MppsDuplicate) return 'duplicate';
        if (e instanceof MppsRefused) return { outcome: 'refused', comment: e.message };
        throw e;
      }
    },
  });
}
