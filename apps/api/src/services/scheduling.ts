import {
  activeAppointmentOfExam,
  cancelOrderAndExams,
  deleteModality,
  findExam,
  findModality,
  findOrder,
  findPatient,
  findReferrer,
  getSetting,
  insertAppointment,
  insertExamType,
  insertModality,
  insertOrderWithExams,
  insertReferrer,
  insertRoom,
  listBusyIntervals,
  listExamTypes,
  listModalities,
  listOrderExams,
  listOrdersToSchedule,
  listReferrers,
  listRooms,
  listScheduleEntries,
  listSites,
  putSetting,
  recordAudit,
  releaseAppointment,
  setModalityCallers,
  setModalityOpeningHours,
  setModalityRetired,
  setExamStatus,
  setExamType,
  setOrderStatus,
  updateReferrer,
  type ExamRow,
  type TenantTx,
} from '@rayon/db';
import {
  addDays,
  AppError,
  datesBetween,
  DEFAULT_WORKLIST_MATCHING,
  findAvailableSlots,
  isLate,
  isWithinOpeningHours,
  nextExamStatus,
  openingIntervals,
  parseAeTitle,
  parseModalityCallers,
  WORKLIST_MATCHING_SETTING,
  zonedDate,
  zonedDayBounds,
  zonedTime,
  type ExamStatus,
  type ModalityType,
  type WorklistMatchingSetting,
} from '@rayon/domain';
import type { OpeningHours } from '@rayon/db';
import { currentActor, currentContext, requireTenant, type Deps } from './deps.ts';

/** What the practice records about a referrer (RPPS, ADELI, both or neither). */
interface ReferrerDetails {
  rpps?: string | null;
  adeli?: string | null;
  familyName: string;
  givenName?: string | null;
  specialty?: string | null;
  mssanteAddress?: string | null;
}

const referrerValues = (input: ReferrerDetails) => ({
  rpps: input.rpps ?? null,
  adeli: input.adeli ?? null,
  familyName: input.familyName,
  givenName: input.givenName ?? null,
  specialty: input.specialty ?? null,
  mssanteAddress: input.mssanteAddress ?? null,
});

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
export function createSchedulingService({ db }: Deps, clock: () => Date = () => new Date()) {
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

    listModalities: () => inTenant((tx) => listModalities(tx)),
    /**
     * A modality, its AE title (normalised, reserved platform-wide) and who may speak DICOM for
     * it: calling AE titles, source addresses, TLS client certificates (none: no association).
     */
    createModality: (input: {
      roomId: string;
      name: string;
      type: ModalityType;
      aeTitle: string;
      openingHours: OpeningHours;
      callingAeTitles?: string[] | undefined;
      allowedSources?: string[] | undefined;
      clientCertFingerprints?: string[] | undefined;
    }) =>
      inTenant(async (tx) => {
        const aeTitle = parseAeTitle(input.aeTitle);
        const callers = parseModalityCallers({
          callingAeTitles: input.callingAeTitles ?? [],
          allowedSources: input.allowedSources ?? [],
          clientCertFingerprints: input.clientCertFingerprints,
        });
        if (!(await listRooms(tx)).some((r) => r.id === input.roomId))
          throw new AppError('NOT_FOUND', 'room not found');
        const modality = await insertModality(tx, {
          roomId: input.roomId,
          name: input.name,
          type: input.type,
          aeTitle,
          openingHours: input.openingHours,
          ...callers,
        });
        await audit(tx, 'modality.created', modality.id, { aeTitle: modality.aeTitle, ...callers });
        return modality;
      }),

    /** Replaces who may speak DICOM for a modality (calling AE titles, addresses, certificates). */
    setModalityCallers: (input: {
      id: string;
      callingAeTitles: string[];
      allowedSources: string[];
      clientCertFingerprints: string[];
    }) =>
      inTenant(async (tx) => {
        const callers = parseModalityCallers(input);
        const modality = await setModalityCallers(tx, input.id, callers);
        if (!modality) throw new AppError('NOT_FOUND', 'modality not found');
        await audit(tx, 'modality.callers-changed', modality.id, { ...callers });
        return modality;
      }),

    /**
     * Retires a modality: no new booking, no DICOM association; its history stays, and so does
     * its AE title (reserved for the practice: past worklists and images name it). Refused while
     * appointments are booked on it from now on: move or cancel them first.
     */
    retireModality: (input: { id: string }) =>
      inTenant(async (tx) => {
        const current = await findModality(tx, input.id);
        if (!current) throw new AppError('NOT_FOUND', 'modality not found');
        if (current.retiredAt) return current;
        const now = clock();
        const booked = await listBusyIntervals(tx, {
          modalityIds: [current.id],
          from: now,
          to: new Date('9999-12-31T00:00:00Z'),
        });
        if (booked.length > 0) {
          throw new AppError(
            'CONFLICT',
            `${booked.length} appointment(s) are booked on this modality from now on: move or cancel them first`,
            { field: 'id' },
          );
        }
        const modality = (await setModalityRetired(tx, current.id, now))!;
        await audit(tx, 'modality.retired', modality.id);
        return modality;
      }),

    /** Puts a retired modality back in service. */
    reactivateModality: (input: { id: string }) =>
      inTenant(async (tx) => {
        const modality = await setModalityRetired(tx, input.id, null);
        if (!modality) throw new AppError('NOT_FOUND', 'modality not found');
        await audit(tx, 'modality.reactivated', modality.id);
        return modality;
      }),

    /** Deletes a modality without history and releases its AE title (else: CONFLICT, retire it). */
    deleteModality: (input: { id: string }) =>
      inTenant(async (tx) => {
        const modality = await findModality(tx, input.id);
        if (!modality || !(await deleteModality(tx, input.id)))
          throw new AppError('NOT_FOUND', 'modality not found');
        await audit(tx, 'modality.deleted', modality.id, { aeTitle: modality.aeTitle });
        return { id: modality.id };
      }),

    /** New weekly opening hours; booked appointments stay where they are. */
    setOpeningHours: (input: { id: string; openingHours: OpeningHours }) =>
      inTenant(async (tx) => {
        const modality = await setModalityOpeningHours(tx, input.id, input.openingHours);
        if (!modality) throw new AppError('NOT_FOUND', 'modality not found');
        await audit(tx, 'modality.opening-hours-changed', modality.id);
        return modality;
      }),

    listExamTypes: () => inTenant(listExamTypes),
    createExamType: (input: {
      label: string;
      ccamCode?: string | null;
      loinc?: { code: string; label: string } | null;
      modalityType: ModalityType;
      durationMinutes: number;
      preparation?: string | null;
    }) =>
      inTenant(async (tx) => {
        const { loinc, ...fields } = input;
        const row = await insertExamType(tx, {
          ...fields,
          ccamCode: input.ccamCode ?? null,
          loincCode: loinc?.code ?? null,
          loincLabel: loinc?.label ?? null,
          preparation: input.preparation ?? null,
        });
        await audit(tx, 'exam-type.created', row.id);
        return row;
      }),

    listReferrers: () => inTenant(listReferrers),
    createReferrer: (input: ReferrerDetails) =>
      inTenant(async (tx) => {
        const row = await insertReferrer(tx, referrerValues(input));
        await audit(tx, 'referrer.created', row.id);
        return row;
      }),
    getReferrer: (id: string) =>
      inTenant(async (tx) => {
        const row = await findReferrer(tx, id);
        if (!row) throw new AppError('NOT_FOUND', 'referrer not found');
        return row;
      }),
    /** Replaces a referrer's details (RPPS, ADELI, names, specialty, MSSanté address). */
    updateReferrer: (id: string, input: ReferrerDetails) =>
      inTenant(async (tx) => {
        const row = await updateReferrer(tx, id, referrerValues(input));
        if (!row) throw new AppError('NOT_FOUND', 'referrer not found');
        await audit(tx, 'referrer.updated', row.id);
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
        // Each exam with the slot it holds, if any (the desk moves it from there).
        const exams = [];
        for (const e of await listOrderExams(tx, id)) {
          const a = await activeAppointmentOfExam(tx, e.id);
          exams.push({
            ...e,
            appointment: a
              ? {
                  id: a.id,
                  modalityId: a.modalityId,
                  startsAt: a.startsAt.toISOString(),
                  endsAt: a.endsAt.toISOString(),
                }
              : null,
          });
        }
        return { ...order, exams };
      }),

    /** Cancels an order: its exams are cancelled and their slots freed. */
    cancelOrder: (id: string) =>
      inTenant(async (tx) => {
        const order = await findOrder(tx, id);
        if (!order) throw new AppError('NOT_FOUND', 'order not found');
        const exams = await cancelOrderAndExams(tx, id);
        await audit(tx, 'order.cancelled', id);
        return { ...order, status: 'cancelled', exams };
      }),

    /**
     * Books (or moves) an exam on a modality; the slot lasts the exam type's duration. Two
     * bookings of the same slot: one wins, the other gets CONFLICT (PostgreSQL exclusion).
     */
    book: (input: { examId: string; modalityId: string; startsAt: Date; examTypeId?: string | undefined }) =>
      inTenant(async (tx) => {
        const exam = await findExam(tx, input.examId, { forUpdate: true });
        if (!exam) throw new AppError('NOT_FOUND', 'exam not found');
        // An exam done or cancelled is never booked again, whatever the slot asked for.
        nextExamStatus(exam.status as ExamStatus, 'scheduled');
        const modality = await findModality(tx, input.modalityId);
        if (!modality) throw new AppError('NOT_FOUND', 'modality not found');
        if (modality.retiredAt) {
          throw new AppError('BAD_INPUT', `the modality ${modality.name} is retired`, {
            field: 'modalityId',
          });
        }
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
        const endsAt = new Date(input.startsAt.getTime() + type.durationMinutes * 60_000);
        if (!isWithinOpeningHours(modality.openingHours, input.startsAt, endsAt)) {
          throw new AppError(
            'BAD_INPUT',
            `${zonedDate(input.startsAt)} ${zonedTime(input.startsAt)}–${zonedTime(endsAt)} (Europe/Paris) is outside the opening hours of the modality ${modality.name}`,
            { field: 'startsAt' },
          );
        }
        const previous = await activeAppointmentOfExam(tx, exam.id);
        if (previous) await releaseAppointment(tx, previous.id);
        const appointment = await insertAppointment(tx, {
          examId: exam.id,
          modalityId: modality.id,
          startsAt: input.startsAt,
          endsAt,
        });
        if (exam.examTypeId !== type.id) await setExamType(tx, exam.id, type.id);
        await setExamStatus(tx, exam.id, 'scheduled');
        await setOrderStatus(tx, exam.orderId, 'scheduled');
        await audit(tx, previous ? 'appointment.moved' : 'appointment.booked', appointment.id, {
          examId: exam.id,
        });
        return appointment;
      }),

    /**
     * Arrival at the desk, no-show, cancellation of the appointment (the exam goes back to
     * requested, its demande to the ones to schedule); start and end of the exam at the modality
     * when it does not send MPPS.
     */
    setExamStatus: (input: {
      examId: string;
      status: 'arrived' | 'no_show' | 'requested' | 'cancelled' | 'in_progress' | 'completed';
    }) =>
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

    /** How the practice's worklist matches patient names (accents significant by default). */
    worklistMatching: () =>
      inTenant(async (tx) => ({
        ...DEFAULT_WORKLIST_MATCHING,
        ...(await getSetting<WorklistMatchingSetting>(tx, WORKLIST_MATCHING_SETTING)),
      })),

    /** The practice chooses whether `NOEL*` finds NOËL on its modalities' worklist. */
    setWorklistMatching: (input: WorklistMatchingSetting) =>
      inTenant(async (tx) => {
        const value: WorklistMatchingSetting = { accentInsensitiveNames: input.accentInsensitiveNames };
        await putSetting(tx, WORKLIST_MATCHING_SETTING, value);
        await audit(tx, 'worklist.matching.changed', WORKLIST_MATCHING_SETTING, { ...value });
        return value;
      }),

    /** The active appointments of a period, optionally for one modality, with their patient. */
    appointments: (input: { from: Date; to: Date; modalityId?: string | undefined }) =>
      inTenant(async (tx) => {
        const rows = await listScheduleEntries(tx, { ...input, activeOnly: true });
        return rows.map((r) => scheduleEntry(r, clock()));
      }),

    /**
     * The desk's day or the planning's week: for each calendar day (Europe/Paris) and each
     * modality, its opening hours and its appointments, « en retard » computed at the clock's now.
     */
    schedule: (input: { from: string; days: number; modalityId?: string | undefined }) =>
      inTenant(async (tx) => {
        const now = clock();
        const dates = datesBetween(input.from, addDays(input.from, input.days - 1));
        const all = await listModalities(tx);
        const modalities = input.modalityId ? all.filter((m) => m.id === input.modalityId) : all;
        if (input.modalityId && modalities.length === 0)
          throw new AppError('NOT_FOUND', 'modality not found');
        const rooms = new Map((await listRooms(tx)).map((r) => [r.id, r]));
        const rows = await listScheduleEntries(tx, {
          from: zonedDayBounds(dates[0]!).start,
          to: zonedDayBounds(dates.at(-1)!).end,
          modalityId: input.modalityId,
        });
        return {
          now: now.toISOString(),
          dates,
          modalities: modalities.map((m) => ({
            id: m.id,
            name: m.name,
            type: m.type,
            aeTitle: m.aeTitle,
            room: { id: m.roomId, name: rooms.get(m.roomId)?.name ?? '' },
            days: dates.map((date) => ({
              date,
              opening: openingIntervals(m.openingHours, date).map((i) => ({
                start: i.start.toISOString(),
                end: i.end.toISOString(),
              })),
              appointments: rows
                .filter((r) => r.modality.id === m.id && zonedDate(r.appointment.startsAt) === date)
                .map((r) => scheduleEntry(r, now)),
            })),
          })),
        };
      }),

    /**
     * Free slots for an exam type on the modalities of its type (or one of them), in a period
     * that never starts before now; with `excludeExamId`, that exam's own slot counts as free
     * (moving an appointment).
     */
    availability: (input: {
      examTypeId: string;
      from: Date;
      to: Date;
      modalityId?: string | undefined;
      stepMinutes?: number | undefined;
      limit?: number | undefined;
      excludeExamId?: string | undefined;
    }) =>
      inTenant(async (tx) => {
        const type = (await listExamTypes(tx)).find((t) => t.id === input.examTypeId);
        if (!type) throw new AppError('NOT_FOUND', 'exam type not found');
        if (input.to <= input.from) {
          throw new AppError('BAD_INPUT', 'the end of the period must be after its start', { field: 'to' });
        }
        if (input.to.getTime() - input.from.getTime() > MAX_AVAILABILITY_DAYS * 86_400_000) {
          throw new AppError('BAD_INPUT', `the period is at most ${MAX_AVAILABILITY_DAYS} days`, {
            field: 'to',
          });
        }
        const all = await listModalities(tx);
        if (input.modalityId) {
          const chosen = all.find((m) => m.id === input.modalityId);
          if (!chosen) throw new AppError('NOT_FOUND', 'modality not found');
          if (chosen.retiredAt) {
            throw new AppError('BAD_INPUT', `the modality ${chosen.name} is retired`, {
              field: 'modalityId',
            });
          }
          if (chosen.type !== type.modalityType) {
            throw new AppError(
              'BAD_INPUT',
              `a ${type.modalityType} exam cannot be done on a ${chosen.type} modality`,
              { field: 'modalityId' },
            );
          }
        }
        const modalities = all.filter(
          (m) =>
            !m.retiredAt && m.type === type.modalityType && (!input.modalityId || m.id === input.modalityId),
        );
        const now = clock();
        const from = input.from < now ? now : input.from;
        const examType = { id: type.id, label: type.label, durationMinutes: type.durationMinutes };
        if (from >= input.to || modalities.length === 0) return { examType, slots: [] };
        const busy = (
          await listBusyIntervals(tx, { modalityIds: modalities.map((m) => m.id), from, to: input.to })
        ).filter((b) => b.examId !== input.excludeExamId);
        const slots = findAvailableSlots({
          modalities,
          busy,
          from,
          to: input.to,
          durationMinutes: type.durationMinutes,
          ...(input.stepMinutes ? { stepMinutes: input.stepMinutes } : {}),
          limit: input.limit ?? 20,
        });
        const byId = new Map(modalities.map((m) => [m.id, m]));
        return {
          examType,
          slots: slots.map((s) => {
            const m = byId.get(s.modalityId)!;
            return {
              startsAt: s.startsAt.toISOString(),
              endsAt: s.endsAt.toISOString(),
              modality: { id: m.id, name: m.name, aeTitle: m.aeTitle },
            };
          }),
        };
      }),

    /** Demandes with exams still to schedule (urgent first, then the oldest), optionally of one patient. */
    ordersToSchedule: (input: { patientId?: string | undefined } = {}) =>
      inTenant(async (tx) => {
        const rows = await listOrdersToSchedule(tx, input.patientId ? { patientId: input.patientId } : {});
        return rows.map((r) => ({
          id: r.order.id,
          accessionNumber: r.order.accessionNumber,
          urgency: r.order.urgency,
          clinicalInfo: r.order.clinicalInfo,
          source: r.order.source,
          status: r.order.status,
          createdAt: r.order.createdAt.toISOString(),
          patient: r.patient,
          referrer: r.referrer
            ? {
                id: r.referrer.id,
                familyName: r.referrer.familyName,
                givenName: r.referrer.givenName,
                rpps: r.referrer.rpps,
              }
            : null,
          exams: r.exams.map((e) => ({
            id: e.exam.id,
            status: e.exam.status,
            stepId: e.exam.stepId,
            modalityType: e.exam.modalityType,
            requestedProcedure: e.exam.requestedProcedure,
            examType: e.examType
              ? { id: e.examType.id, label: e.examType.label, durationMinutes: e.examType.durationMinutes }
              : null,
          })),
        }));
      }),
  };
}

/** The longest period one availability search covers. */
const MAX_AVAILABILITY_DAYS = 31;

type ScheduleRow = Awaited<ReturnType<typeof listScheduleEntries>>[number];

/** One appointment as the desk, the planning and the worklist show it. */
function scheduleEntry(r: ScheduleRow, now: Date) {
  return {
    id: r.appointment.id,
    startsAt: r.appointment.startsAt.toISOString(),
    endsAt: r.appointment.endsAt.toISOString(),
    active: r.appointment.active,
    late: r.appointment.active && isLate({ status: r.exam.status, startsAt: r.appointment.startsAt }, now),
    modality: { id: r.modality.id, name: r.modality.name, aeTitle: r.modality.aeTitle },
    exam: {
      id: r.exam.id,
      status: r.exam.status,
      label: r.examType?.label ?? r.exam.requestedProcedure ?? r.exam.modalityType,
      examTypeId: r.exam.examTypeId,
      stepId: r.exam.stepId,
    },
    order: {
      id: r.order.id,
      accessionNumber: r.order.accessionNumber,
      patientId: r.order.patientId,
      urgency: r.order.urgency,
      clinicalInfo: r.order.clinicalInfo,
    },
    patient: r.patient,
  };
}
