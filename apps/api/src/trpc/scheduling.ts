import { MODALITY_TYPES, type TenantRole } from '@rayon/domain';
import { z } from 'zod';
import { bookInput, createOrderInput } from '../schemas/scheduling.ts';
import { router, tenantProcedure } from './init.ts';

const STAFF: TenantRole[] = ['practice_admin', 'secretary', 'radiologist', 'technologist'];
const DESK: TenantRole[] = ['practice_admin', 'secretary'];
const ADMIN: TenantRole[] = ['practice_admin'];

const text = (max: number) => z.string().trim().min(1, 'required').max(max);
const optional = (max: number) => z.string().trim().max(max).nullish();
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const openingHours = z.partialRecord(
  z.enum(['1', '2', '3', '4', '5', '6', '7']),
  z.array(z.tuple([hhmm, hhmm])).max(4),
);

export const schedulingRouter = router({
  rooms: router({
    list: tenantProcedure(STAFF).query(({ ctx }) => ctx.services.scheduling.listRooms()),
    create: tenantProcedure(ADMIN)
      .input(z.strictObject({ siteId: z.uuid(), name: text(100) }))
      .mutation(({ ctx, input }) => ctx.services.scheduling.createRoom(input)),
  }),
  modalities: router({
    list: tenantProcedure(STAFF).query(({ ctx }) => ctx.services.scheduling.listModalities()),
    create: tenantProcedure(ADMIN)
      .input(
        z.strictObject({
          roomId: z.uuid(),
          name: text(100),
          type: z.enum(MODALITY_TYPES),
          aeTitle: z
            .string()
            .regex(/^[\x20-\x5b\x5d-\x7e]{1,16}$/, '1 to 16 characters, no backslash')
            .refine((v) => v.trim() !== '', 'not blank'),
          openingHours,
        }),
      )
      .mutation(({ ctx, input }) => ctx.services.scheduling.createModality(input)),
  }),
  examTypes: router({
    list: tenantProcedure(STAFF).query(({ ctx }) => ctx.services.scheduling.listExamTypes()),
    create: tenantProcedure(ADMIN)
      .input(
        z.strictObject({
          label: text(200),
          ccamCode: z
            .string()
            .regex(/^[A-Z]{4}\d{3}$/, 'a CCAM code: 4 letters and 3 digits')
            .nullish(),
          modalityType: z.enum(MODALITY_TYPES),
          durationMinutes: z.number().int().min(5).max(480),
          preparation: optional(2000),
        }),
      )
      .mutation(({ ctx, input }) => ctx.services.scheduling.createExamType(input)),
  }),
  referrers: router({
    list: tenantProcedure(STAFF).query(({ ctx }) => ctx.services.scheduling.listReferrers()),
    create: tenantProcedure(DESK)
      .input(
        z.strictObject({
          rpps: z
            .string()
            .regex(/^\d{11}$/, 'RPPS: 11 digits')
            .nullish(),
          familyName: text(100),
          givenName: optional(100),
          specialty: optional(100),
          mssanteAddress: z.email().nullish(),
        }),
      )
      .mutation(({ ctx, input }) => ctx.services.scheduling.createReferrer(input)),
  }),
  orders: router({
    create: tenantProcedure(DESK)
      .input(createOrderInput)
      .mutation(({ ctx, input }) => ctx.services.scheduling.createOrder(input)),
    get: tenantProcedure(STAFF)
      .input(z.strictObject({ id: z.uuid() }))
      .query(({ ctx, input }) => ctx.services.scheduling.getOrder(input.id)),
    cancel: tenantProcedure(DESK)
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.scheduling.cancelOrder(input.id)),
  }),
  appointments: router({
    book: tenantProcedure(DESK)
      .input(bookInput)
      .mutation(({ ctx, input }) =>
        ctx.services.scheduling.book({ ...input, startsAt: new Date(input.startsAt) }),
      ),
    list: tenantProcedure(STAFF)
      .input(
        z.strictObject({
          from: z.iso.datetime({ offset: true }),
          to: z.iso.datetime({ offset: true }),
          modalityId: z.uuid().optional(),
        }),
      )
      .query(({ ctx, input }) =>
        ctx.services.scheduling.appointments({
          from: new Date(input.from),
          to: new Date(input.to),
          modalityId: input.modalityId,
        }),
      ),
  }),
  exams: router({
    setStatus: tenantProcedure(['practice_admin', 'secretary', 'technologist'])
      .input(
        z.strictObject({
          examId: z.uuid(),
          status: z.enum(['arrived', 'no_show', 'requested', 'cancelled']),
        }),
      )
      .mutation(({ ctx, input }) => ctx.services.scheduling.setExamStatus(input)),
  }),
});
