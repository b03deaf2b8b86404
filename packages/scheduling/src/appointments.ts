import {
  audit,
  activeAppointmentOfExam,
  findExam,
  findModality,
  insertAppointment,
  listBusyIntervals,
  findExamType,
  listModalities,
  findRooms,
  listScheduleEntries,
  releaseAppointment,
  setExamStatus,
  setExamType,
  setOrderStatus,
  type ExamRow,
  type TenantTx,
  type UseCaseContext,
} from '@rayon/db';
import {
  addDays,
  AppError,
  datesBetween,
  findAvailableSlots,
  isLate,
  isWithinOpeningHours,
  nextExamStatus,
  openingIntervals,
  zonedDate,
  zonedDayBounds,
  zonedTime,
} from '@rayon/domain';
import type { SchedulingDeps } from './deps.ts';

/**
 * The catalogue entry an exam is booked as: its own, or, for an exam received without one (an
 * HL7 order naming a modality and a region), the one the desk picks, of the same modality type.
 */
async function examTypeForBooking(tx: TenantTx, exam: ExamRow, chosenId: string | undefined) {
  const id = chosenId ?? exam.examTypeId;
  if (!id) {
    throw new AppError('BAD_INPUT', 'this exam has no catalogue entry yet: choose one', {
      field: 'examTypeId',
      reason: 'scheduling.exam_type.required',
    });
  }
  if (exam.examTypeId && chosenId && chosenId !== exam.examTypeId) {
    throw new AppError('BAD_INPUT', 'this exam already has its catalogue entry', {
      field: 'examTypeId',
      reason: 'scheduling.exam_type.already_set',
    });
  }
  const type = await findExamType(tx, id);
  if (!type) {
    throw new AppError('BAD_INPUT', 'exam type not in the catalogue', {
      field: 'examTypeId',
      reason: 'scheduling.exam_type.unknown',
    });
  }
  if (type.modalityType !== exam.modalityType) {
    throw new AppError('BAD_INPUT', `a ${exam.modalityType} exam was requested, not ${type.modalityType}`, {
      field: 'examTypeId',
      reason: 'scheduling.exam_type.mismatch',
      params: { requested: exam.modalityType, chosen: type.modalityType },
    });
  }
  return type;
}

/**
 * Booking and moving exams on modalities, exam status at the desk, the day's and the week's
 * planning, free slots.
 */
export function appointmentUseCases({ db }: SchedulingDeps) {
  return {
    /**
     * Books (or moves) an exam on a modality; the slot lasts the exam type's duration. Two
     * bookings of the same slot: one wins, the other gets CONFLICT (PostgreSQL exclusion).
     */
    book: (
      ctx: UseCaseContext,
      input: { examId: string; modalityId: string; startsAt: Date; examTypeId?: string | undefined },
    ) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const exam = await findExam(tx, input.examId, { forUpdate: true });
        if (!exam) throw new AppError('NOT_FOUND', 'exam not found');
        // An exam done or cancelled is never booked again, whatever the slot asked for.
        nextExamStatus(exam.status, 'scheduled');
        const modality = await findModality(tx, input.modalityId);
        if (!modality) throw new AppError('NOT_FOUND', 'modality not found');
        if (modality.retiredAt) {
          throw new AppError('BAD_INPUT', `the modality ${modality.name} is retired`, {
            field: 'modalityId',
            reason: 'scheduling.modality.retired',
            params: { name: modality.name },
          });
        }
        const type = await examTypeForBooking(tx, exam, input.examTypeId);
        if (type.modalityType !== modality.type) {
          throw new AppError(
            'BAD_INPUT',
            `a ${type.modalityType} exam cannot be done on a ${modality.type} modality`,
            {
              field: 'modalityId',
              reason: 'scheduling.modality.incompatible',
              params: { exam: type.modalityType, modality: modality.type },
            },
          );
        }
        const endsAt = new Date(input.startsAt.getTime() + type.durationMinutes * 60_000);
        if (!isWithinOpeningHours(modality.openingHours, input.startsAt, endsAt)) {
          throw new AppError(
            'BAD_INPUT',
            `${zonedDate(input.startsAt)} ${zonedTime(input.startsAt)}–${zonedTime(endsAt)} (Europe/Paris) is outside the opening hours of the modality ${modality.name}`,
            {
              field: 'startsAt',
              reason: 'scheduling.slot.outside_hours',
              params: {
                date: zonedDate(input.startsAt),
                from: zonedTime(input.startsAt),
                to: zonedTime(endsAt),
                modality: modality.name,
              },
            },
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
        await audit(ctx, tx, previous ? 'appointment.moved' : 'appointment.booked', appointment.id, {
          examId: exam.id,
        });
        return appointment;
      }),

    /**
     * Arrival at the desk, no-show, cancellation of the appointment (the exam goes back to
     * requested, its demande to the ones to schedule); start and end of the exam at the modality
     * when it does not send MPPS.
     */
    setExamStatus: (
      ctx: UseCaseContext,
      input: {
        examId: string;
        status: 'arrived' | 'no_show' | 'requested' | 'cancelled' | 'in_progress' | 'completed';
      },
    ) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const exam = await findExam(tx, input.examId, { forUpdate: true });
        if (!exam) throw new AppError('NOT_FOUND', 'exam not found');
        const status = nextExamStatus(exam.status, input.status);
        if (status === 'requested' || status === 'cancelled' || status === 'no_show') {
          const appointment = await activeAppointmentOfExam(tx, exam.id);
          if (appointment) await releaseAppointment(tx, appointment.id);
        }
        await setExamStatus(tx, exam.id, status);
        await audit(ctx, tx, `exam.${status}`, exam.id);
        return { ...exam, status };
      }),

    /** The active appointments of a period, optionally for one modality, with their patient. */
    appointments: (ctx: UseCaseContext, input: { from: Date; to: Date; modalityId?: string | undefined }) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const rows = await listScheduleEntries(tx, { ...input, activeOnly: true });
        return rows.map((r) => scheduleEntry(r, ctx.now()));
      }),

    /**
     * The desk's day or the planning's week: for each calendar day (Europe/Paris) and each
     * modality, its opening hours and its appointments, « en retard » computed at the clock's now.
     */
    schedule: (ctx: UseCaseContext, input: { from: string; days: number; modalityId?: string | undefined }) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const now = ctx.now();
        const dates = datesBetween(input.from, addDays(input.from, input.days - 1));
        const one = input.modalityId ? await findModality(tx, input.modalityId) : undefined;
        if (input.modalityId && !one) throw new AppError('NOT_FOUND', 'modality not found');
        const modalities = one ? [one] : await listModalities(tx);
        const rooms = new Map(
          (await findRooms(tx, [...new Set(modalities.map((m) => m.roomId))])).map((r) => [r.id, r]),
        );
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
    availability: (
      ctx: UseCaseContext,
      input: {
        examTypeId: string;
        from: Date;
        to: Date;
        modalityId?: string | undefined;
        stepMinutes?: number | undefined;
        limit?: number | undefined;
        excludeExamId?: string | undefined;
      },
    ) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const type = await findExamType(tx, input.examTypeId);
        if (!type) throw new AppError('NOT_FOUND', 'exam type not found');
        if (input.to <= input.from) {
          throw new AppError('BAD_INPUT', 'the end of the period must be after its start', { field: 'to' });
        }
        if (input.to.getTime() - input.from.getTime() > MAX_AVAILABILITY_DAYS * 86_400_000) {
          throw new AppError('BAD_INPUT', `the period is at most ${MAX_AVAILABILITY_DAYS} days`, {
            field: 'to',
            reason: 'scheduling.period.too_long',
            params: { days: MAX_AVAILABILITY_DAYS },
          });
        }
        const chosen = input.modalityId ? await findModality(tx, input.modalityId) : undefined;
        if (input.modalityId) {
          if (!chosen) throw new AppError('NOT_FOUND', 'modality not found');
          if (chosen.retiredAt) {
            throw new AppError('BAD_INPUT', `the modality ${chosen.name} is retired`, {
              field: 'modalityId',
              reason: 'scheduling.modality.retired',
              params: { name: chosen.name },
            });
          }
          if (chosen.type !== type.modalityType) {
            throw new AppError(
              'BAD_INPUT',
              `a ${type.modalityType} exam cannot be done on a ${chosen.type} modality`,
              {
                field: 'modalityId',
                reason: 'scheduling.modality.incompatible',
                params: { exam: type.modalityType, modality: chosen.type },
              },
            );
          }
        }
        const modalities = chosen
          ? [chosen]
          : await listModalities(tx, { active: true, type: type.modalityType });
        const now = ctx.now();
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
