import { AppError, startOfWeek, type TenantRole } from '@rayon/domain';
import { z } from 'zod';
import {
  appointmentsInput,
  availabilityInput,
  bookInput,
  calendarDate,
  createOrderInput,
  examTypeInput,
  modalityInput,
  modalityCallersInput,
  openingHoursInput,
  ordersToScheduleInput,
  referrerInput,
  roomInput,
  updateReferrerInput,
} from '@rayon/schemas/scheduling';
import { router, tenantProcedure } from './init.ts';

const STAFF: TenantRole[] = ['practice_admin', 'secretary', 'radiologist', 'resident', 'technologist'];
const DESK: TenantRole[] = ['practice_admin', 'secretary'];
const ADMIN: TenantRole[] = ['practice_admin'];

const openingHours = openingHoursInput;
/** Who starts and ends an exam at the modality (when it sends no MPPS). */
const MODALITY_STAFF: TenantRole[] = ['practice_admin', 'technologist'];

export const schedulingRouter = router({
  rooms: router({
    list: tenantProcedure(STAFF).query(({ ctx }) => ctx.services.scheduling.listRooms(ctx.uc)),
    create: tenantProcedure(ADMIN)
      .input(roomInput)
      .mutation(({ ctx, input }) => ctx.services.scheduling.createRoom(ctx.uc, input)),
  }),
  modalities: router({
    list: tenantProcedure(STAFF).query(({ ctx }) => ctx.services.scheduling.listModalities(ctx.uc)),
    create: tenantProcedure(ADMIN)
      .input(modalityInput)
      .mutation(({ ctx, input }) => ctx.services.scheduling.createModality(ctx.uc, input)),
    setOpeningHours: tenantProcedure(ADMIN)
      .input(z.strictObject({ id: z.uuid(), openingHours }))
      .mutation(({ ctx, input }) => ctx.services.scheduling.setOpeningHours(ctx.uc, input)),
    /** Who may speak DICOM for the modality: calling AE titles, source addresses, certificates. */
    setCallers: tenantProcedure(ADMIN)
      .input(z.strictObject({ id: z.uuid(), ...modalityCallersInput }))
      .mutation(({ ctx, input }) => ctx.services.scheduling.setModalityCallers(ctx.uc, input)),
    retire: tenantProcedure(ADMIN)
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.scheduling.retireModality(ctx.uc, input)),
    reactivate: tenantProcedure(ADMIN)
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.scheduling.reactivateModality(ctx.uc, input)),
    delete: tenantProcedure(ADMIN)
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.scheduling.deleteModality(ctx.uc, input)),
  }),
  examTypes: router({
    list: tenantProcedure(STAFF).query(({ ctx }) => ctx.services.scheduling.listExamTypes(ctx.uc)),
    create: tenantProcedure(ADMIN)
      .input(examTypeInput)
      .mutation(({ ctx, input }) => ctx.services.scheduling.createExamType(ctx.uc, input)),
  }),
  referrers: router({
    list: tenantProcedure(STAFF).query(({ ctx }) => ctx.services.scheduling.listReferrers(ctx.uc)),
    get: tenantProcedure(STAFF)
      .input(z.strictObject({ id: z.uuid() }))
      .query(({ ctx, input }) => ctx.services.scheduling.getReferrer(ctx.uc, input.id)),
    create: tenantProcedure(DESK)
      .input(referrerInput)
      .mutation(({ ctx, input }) => ctx.services.scheduling.createReferrer(ctx.uc, input)),
    update: tenantProcedure(DESK)
      .input(updateReferrerInput)
      .mutation(({ ctx, input: { id, ...details } }) =>
        ctx.services.scheduling.updateReferrer(ctx.uc, id, details),
      ),
  }),
  orders: router({
    create: tenantProcedure(DESK)
      .input(createOrderInput)
      .mutation(({ ctx, input }) => ctx.services.scheduling.createOrder(ctx.uc, input)),
    get: tenantProcedure(STAFF)
      .input(z.strictObject({ id: z.uuid() }))
      .query(({ ctx, input }) => ctx.services.scheduling.getOrder(ctx.uc, input.id)),
    cancel: tenantProcedure(DESK)
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.scheduling.cancelOrder(ctx.uc, input.id)),
    /** Demandes with exams still to schedule. */
    toSchedule: tenantProcedure(STAFF)
      .input(ordersToScheduleInput)
      .query(({ ctx, input }) => ctx.services.scheduling.ordersToSchedule(ctx.uc, input)),
  }),
  appointments: router({
    book: tenantProcedure(DESK)
      .input(bookInput)
      .mutation(({ ctx, input }) =>
        ctx.services.scheduling.book(ctx.uc, { ...input, startsAt: new Date(input.startsAt) }),
      ),
    list: tenantProcedure(STAFF)
      .input(appointmentsInput)
      .query(({ ctx, input }) =>
        ctx.services.scheduling.appointments(ctx.uc, {
          from: new Date(input.from),
          to: new Date(input.to),
          modalityId: input.modalityId,
        }),
      ),
  }),
  /** Free slots for an exam type (first ones first). */
  availability: tenantProcedure(STAFF)
    .input(availabilityInput)
    .query(({ ctx, input }) =>
      ctx.services.scheduling.availability(ctx.uc, {
        examTypeId: input.examTypeId,
        from: new Date(input.from),
        to: new Date(input.to),
        modalityId: input.modalityId,
        stepMinutes: input.step,
        limit: input.limit,
        excludeExamId: input.excludeExamId,
      }),
    ),
  /** The desk's day (accueil) and the technologist's worklist: one day, every modality or one. */
  day: tenantProcedure(STAFF)
    .input(z.strictObject({ date: calendarDate, modalityId: z.uuid().optional() }))
    .query(({ ctx, input }) =>
      ctx.services.scheduling.schedule(ctx.uc, { from: input.date, days: 1, modalityId: input.modalityId }),
    ),
  /** A modality's week (Monday to Sunday) holding `date`. */
  week: tenantProcedure(STAFF)
    .input(z.strictObject({ date: calendarDate, modalityId: z.uuid() }))
    .query(({ ctx, input }) =>
      ctx.services.scheduling.schedule(ctx.uc, {
        from: startOfWeek(input.date),
        days: 7,
        modalityId: input.modalityId,
      }),
    ),
  /** The Modality Worklist's name matching: accents significant, or not (`NOEL*` finds NOËL). */
  worklist: router({
    get: tenantProcedure(STAFF).query(({ ctx }) => ctx.services.scheduling.worklistMatching(ctx.uc)),
    set: tenantProcedure(ADMIN)
      .input(z.strictObject({ accentInsensitiveNames: z.boolean() }))
      .mutation(({ ctx, input }) => ctx.services.scheduling.setWorklistMatching(ctx.uc, input)),
  }),
  exams: router({
    setStatus: tenantProcedure(['practice_admin', 'secretary', 'technologist'])
      .input(
        z.strictObject({
          examId: z.uuid(),
          status: z.enum(['arrived', 'no_show', 'requested', 'cancelled', 'in_progress', 'completed']),
        }),
      )
      .mutation(({ ctx, input }) => {
        if (
          (input.status === 'in_progress' || input.status === 'completed') &&
          !ctx.roles.some((r) => MODALITY_STAFF.includes(r))
        ) {
          throw new AppError('FORBIDDEN', `this needs one of the roles: ${MODALITY_STAFF.join(', ')}`);
        }
        return ctx.services.scheduling.setExamStatus(ctx.uc, input);
      }),
  }),
});
