import {
  findAeTitleTenant,
  findExamByStepId,
  listWorklistSteps,
  recordAudit,
  setExamStatus,
  type Database,
  type TenantRef,
} from '@rayon/db';
import {
  startWorklistScp,
  type MppsEvent,
  type PersonName,
  type WorklistItem,
  type WorklistQuery,
} from '@rayon/dicom';
import { nextExamStatus, type ExamStatus } from '@rayon/domain';
import type { Logger } from 'pino';

/** Paris wall-clock date and time of an instant, as DICOM DA / TM. */
function parisDicom(at: Date): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  return {
    date: `${parts.year}${parts.month}${parts.day}`,
    time: `${parts.hour}${parts.minute}${parts.second}`,
  };
}

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

const MPPS_STATUS: Record<MppsEvent['status'], ExamStatus> = {
  'IN PROGRESS': 'in_progress',
  COMPLETED: 'completed',
  DISCONTINUED: 'discontinued',
};

/**
 * The Modality Worklist and MPPS on one port for every practice: the called AE title is a
 * modality's AE title, which names its practice. A practice's modalities see its worklist only.
 */
export async function startWorklist(o: { db: Database; logger: Logger; host: string; port: number }) {
  const tenants = new Map<string, TenantRef>();
  return startWorklistScp({
    host: o.host,
    port: o.port,
    logger: o.logger,
    async resolveCalledAe(calledAe) {
      const found = await o.db.platform((tx) => findAeTitleTenant(tx, calledAe.trim()));
      if (!found) return undefined;
      tenants.set(found.tenant.id, found.tenant);
      return found.tenant.id;
    },
    async findWorklist(tenantId, query) {
      const rows = await o.db.withTenant(tenants.get(tenantId)!, (tx) =>
        listWorklistSteps(tx, windowOf(query)),
      );
      return rows.map((r): WorklistItem => {
        const start = parisDicom(r.appointment.startsAt);
        return {
          patient: {
            name: person(r.patient.birthFamilyName, r.patient.firstBirthForename),
            id: r.ipp ?? r.patient.id,
            issuer: r.ippAuthority ?? 'RAYON',
            birthDate: r.patient.birthDate.replaceAll('-', ''),
            sex: r.patient.sex === 'M' || r.patient.sex === 'F' ? r.patient.sex : 'O',
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
    },
    async onMpps(tenantId, event) {
      if (!event.stepId) {
        o.logger.warn({ sopInstanceUid: event.sopInstanceUid }, 'MPPS without a scheduled step reference');
        return;
      }
      await o.db.withTenant(tenants.get(tenantId)!, async (tx) => {
        const exam = await findExamByStepId(tx, event.stepId!);
        if (!exam) return;
        const status = nextExamStatus(exam.status as ExamStatus, MPPS_STATUS[event.status]);
        await setExamStatus(tx, exam.id, status);
        await recordAudit(tx, {
          actor: { type: 'system', id: 'mpps' },
          action: `exam.${status}`,
          target: exam.id,
          details: { mpps: event.sopInstanceUid },
        });
      });
    },
  });
}
