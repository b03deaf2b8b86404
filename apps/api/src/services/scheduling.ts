import {
  activeAppointmentOfExam,
  findExam,
  findModality,
  findOrder,
  findPatient,
  insertAppointment,
  insertExamType,
  insertModality,
  insertOrderWithExams,
  insertReferrer,
  insertRoom,
  listAppointments,
  listExamTypes,
  listModalities,
  listOrderExams,
  listReferrers,
  listRooms,
  listSites,
  recordAudit,
  releaseAppointment,
  setExamStatus,
  setExamType,
  setOrderStatus,
  type ExamRow,
  type TenantTx,
} from '@rayon/db';
import { AppError, nextExamStatus, type ExamStatus, type ModalityType } from '@rayon/domain';
import type { OpeningHours } from '@rayon/db';
import { currentActor, currentContext, requireTenant, type Deps } from './deps.ts';

const audit = (tx: TenantTx, action: string, target: string, details?: Record<string, unknown>) =>
  recordAudit(tx, {
    actor: currentActor(),
    action,
    target,
    requestId: currentContext().requestId,
    ...(details ? { details } : {}),
  });

/**
 * The catalogue entry an exam is booked as: its own, or, for an exam received without one (an
 * HL7 order naming a modality and a region), the one the desk picks, of the same modality type.
 */
async function examTypeForBooking(tx: TenantTx, exam: ExamRow, chosenId: string | undefined) {
  const id = chosenId ?? exam.examTypeId;
  if (!id) {
    throw new AppError('BAD_INPUT', 'this exam has no catalogue entry yet: choose one', {
      field: 'examTypeId',
    });
  }
  if (exam.examTypeId && chosenId && chosenId !== exam.examTypeId) {
    throw new AppError('BAD_INPUT', 'this exam already has its catalogue entry', { field: 'examTypeId' });
  }
  const type = (await listExamTypes(tx)).find((t) => t.id === id);
  if (!type) throw new AppError('BAD_INPUT', 'exam type not in the catalogue', { field: 'examTypeId' });
  if (type.modalityType !== exam.modalityType) {
    throw new AppError('BAD_INPUT', `a ${exam.modalityType} exam was requested, not ${type.modalityType}`, {
      field: 'examTypeId',
    });
  }
  return type;
}

/** Rooms, modalities, exam catalogue, referrers; orders and their exams; appointments. */
export function createSchedulingService({ db }: Deps) {
  const inTenant = <T>(fn: (tx: TenantTx) => Promise<T>) => db.withTenant(requireTenant(), fn);

  return {
    listRooms: () => inTenant(listRooms),
    createRoom: (input: { siteId: string; name: string }) =>
      inTenant(async (tx) => {
        if (!(await listSites(tx)).some((s) => s.id === input.siteId))
          throw new AppError('NOT_FOUND', 'site not found');
        const room = await insertRoom(tx, input);
        await audit(tx, 'room.created', room.id);
        return room;
      }),

    listModalities: () => inTenant(listModalities),
    createModality: (input: {
      roomId: string;
      name: string;
      type: ModalityType;
      aeTitle: string;
      openingHours: OpeningHours;
    }) =>
      inTenant(async (tx) => {
        if (!(await listRooms(tx)).some((r) => r.id === input.roomId))
          throw new AppError('NOT_FOUND', 'room not found');
        const modality = await insertModality(tx, input);
        await audit(tx, 'modality.created', modality.id, { aeTitle: modality.aeTitle });
        return modality;
      }),

    listExamTypes: () => inTenant(listExamTypes),
    createExamType: (input: {
      label: string;
      ccamCode?: string | null;
      modalityType: ModalityType;
      durationMinutes: number;
      preparation?: string | null;
    }) =>
      inTenant(async (tx) => {
        const row = await insertExamType(tx, {
          ...input,
          ccamCode: input.ccamCode ?? null,
          preparation: input.preparation ?? null,
        });
        await audit(tx, 'exam-type.created', row.id);
        return row;
      }),

    listReferrers: () => inTenant(listReferrers),
    createReferrer: (input: {
      rpps?: string | null;
      familyName: string;
      givenName?: string | null;
      specialty?: string | null;
      mssanteAddress?: string | null;
    }) =>
      inTenant(async (tx) => {
        const row = await insertReferrer(tx, {
          rpps: input.rpps ?? null,
          familyName: input.familyName,
          givenName: input.givenName ?? null,
          specialty: input.specialty ?? null,
          mssanteAddress: input.mssanteAddress ?? null,
        });
        await audit(tx, 'referrer.created', row.id);
        return row;
      }),

    /** An order with its requested exams: accession number and Study Instance UID generated. */
    createOrder: (input: {
      patientId: string;
      referrerId?: string | null;
      examTypeIds: string[];
      urgency: 'routine' | 'urgent';
      clinicalInfo?: string | null;
      placerOrderNumber?: string | null;
    }) =>
      inTenant(async (tx) => {
        if (!(await findPatient(tx, input.patientId))) throw new AppError('NOT_FOUND', 'patient not found');
        const types = await listExamTypes(tx);
        for (const [i, id] of input.examTypeIds.entries()) {
          if (!types.some((t) => t.id === id)) {
            throw new AppError('BAD_INPUT', `exam type ${id} is not in the catalogue`, {
              field: `examTypeIds.${i}`,
            });
          }
        }
        if (input.referrerId && !(await listReferrers(tx)).some((r) => r.id === input.referrerId)) {
          throw new AppError('BAD_INPUT', 'unknown referrer', { field: 'referrerId' });
        }
        const order = await insertOrderWithExams(tx, {
          patientId: input.patientId,
          referrerId: input.referrerId ?? null,
          exams: input.examTypeIds.map((id) => ({
            examTypeId: id,
            modalityType: types.find((t) => t.id === id)!.modalityType,
          })),
          urgency: input.urgency,
          clinicalInfo: input.clinicalInfo ?? null,
          placerOrderNumber: input.placerOrderNumber ?? null,
          status: 'requested',
          source: currentContext().apiKeyId ? 'api' : 'desk',
        });
        await audit(tx, 'order.created', order.id, { exams: order.exams.length });
        return order;
      }),

    getOrder: (id: string) =>
      inTenant(async (tx) => {
        const order = await findOrder(tx, id);
        if (!order) throw new AppError('NOT_FOUND', 'order not found');
        return { ...order, exams: await listOrderExams(tx, id) };
      }),

    /** Cancels an order: its exams are cancelled and their slots freed. */
    cancelOrder: (id: string) =>
      inTenant(async (tx) => {
        const order = await findOrder(tx, id);
        if (!order) throw new AppError('NOT_FOUND', 'order not found');
        for (const exam of await listOrderExams(tx, id)) {
          nextExamStatus(exam.status as ExamStatus, 'cancelled');
          const appointment = await activeAppointmentOfExam(tx, exam.id);
          if (appointment) await releaseAppointment(tx, appointment.id);
          await setExamStatus(tx, exam.id, 'cancelled');
        }
        await setOrderStatus(tx, id, 'cancelled');
        await audit(tx, 'order.cancelled', id);
        return { ...order, status: 'cancelled', exams: await listOrderExams(tx, id) };
      }),

    /**
     * Books (or moves) an exam on a modality; the slot lasts the exam type's duration. Two
     * bookings of the same slot: one wins, the other gets CONFLICT (PostgreSQL exclusion).
     */
    book: (input: { examId: string; modalityId: string; startsAt: Date; examTypeId?: string | undefined }) =>
      inTenant(async (tx) => {
        const exam = await findExam(tx, input.examId, { forUpdate: true });
        if (!exam) throw new AppError('NOT_FOUND', 'exam not found');
        const modality = await findModality(tx, input.modalityId);
        if (!modality) throw new AppError('NOT_FOUND', 'modality not found');
        const type = await examTypeForBooking(tx, exam, input.examTypeId);
        if (type.modalityType !== modality.type) {
          throw new AppError(
            'BAD_INPUT',
            `a ${type.modalityType} exam cannot be done on a ${modality.type} modality`,
            {
              field: 'modalityId',
            },
          );
        }
        nextExamStatus(exam.status as ExamStatus, 'scheduled');
        const previous = await activeAppointmentOfExam(tx, exam.id);
        if (previous) await releaseAppointment(tx, previous.id);
        const appointment = await insertAppointment(tx, {
          examId: exam.id,
          modalityId: modality.id,
          startsAt: input.startsAt,
          endsAt: new Date(input.startsAt.getTime() + type.durationMinutes * 60_000),
        });
        if (exam.examTypeId !== type.id) await setExamType(tx, exam.id, type.id);
        await setExamStatus(tx, exam.id, 'scheduled');
        await setOrderStatus(tx, exam.orderId, 'scheduled');
        await audit(tx, previous ? 'appointment.moved' : 'appointment.booked', appointment.id, {
          examId: exam.id,
        });
        return appointment;
      }),

    /** Arrival at the desk, no-show, cancellation of the appointment (the exam goes back to requested). */
    setExamStatus: (input: { examId: string; status: 'arrived' | 'no_show' | 'requested' | 'cancelled' }) =>
      inTenant(async (tx) => {
        const exam = await findExam(tx, input.examId, { forUpdate: true });
        if (!exam) throw new AppError('NOT_FOUND', 'exam not found');
        const status = nextExamStatus(exam.status as ExamStatus, input.status);
        if (status === 'requested' || status === 'cancelled' || status === 'no_show') {
          const appointment = await activeAppointmentOfExam(tx, exam.id);
          if (appointment) await releaseAppointment(tx, appointment.id);
        }
        await setExamStatus(tx, exam.id, status);
        await audit(tx, `exam.${status}`, exam.id);
        return { ...exam, status };
      }),

    /** The appointments of a period (the desk's day, a week), optionally for one modality. */
    appointments: (input: { from: Date; to: Date; modalityId?: string | undefined }) =>
      inTenant(async (tx) => {
        const rows = await listAppointments(tx, {
          from: input.from,
          to: input.to,
          ...(input.modalityId ? { modalityId: input.modalityId } : {}),
        });
        return rows.map((r) => ({
          id: r.appointment.id,
          startsAt: r.appointment.startsAt.toISOString(),
          endsAt: r.appointment.endsAt.toISOString(),
          modality: { id: r.modality.id, name: r.modality.name, aeTitle: r.modality.aeTitle },
          exam: { id: r.exam.id, status: r.exam.status, label: r.examType.label, stepId: r.exam.stepId },
          order: {
            id: r.order.id,
            accessionNumber: r.order.accessionNumber,
            patientId: r.order.patientId,
            urgency: r.order.urgency,
          },
        }));
      }),
  };
}
