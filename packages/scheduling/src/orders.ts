import {
  audit,
  activeAppointmentOfExam,
  cancelOrderAndExams,
  findOrder,
  findReferrer,
  findPatient,
  insertOrderWithExams,
  findExamTypes,
  listOrderExams,
  listOrdersToSchedule,
  type UseCaseContext,
} from '@rayon/db';
import { AppError } from '@rayon/domain';
import type { SchedulingDeps } from './deps.ts';

/** Orders (demandes d'examen) and their exams: creation, reading, cancellation, the ones to schedule. */
export function orderUseCases({ db }: SchedulingDeps) {
  return {
    /** An order with its requested exams: accession number and Study Instance UID generated. */
    createOrder: (
      ctx: UseCaseContext,
      input: {
        patientId: string;
        referrerId?: string | null;
        examTypeIds: string[];
        urgency: 'routine' | 'urgent';
        clinicalInfo?: string | null;
        placerOrderNumber?: string | null;
      },
    ) =>
      db.withTenant(ctx.tenant, async (tx) => {
        if (!(await findPatient(tx, input.patientId)))
          throw new AppError('NOT_FOUND', 'patient not found', { reason: 'identity.patient.not_found' });
        const types = await findExamTypes(tx, input.examTypeIds);
        for (const [i, id] of input.examTypeIds.entries()) {
          if (!types.some((t) => t.id === id)) {
            throw new AppError('BAD_INPUT', `exam type ${id} is not in the catalogue`, {
              field: `examTypeIds.${i}`,
            });
          }
        }
        if (input.referrerId && !(await findReferrer(tx, input.referrerId))) {
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
          // Made with an API key: through the public API; else at the desk (portal).
          source: ctx.actor.type === 'api_key' ? 'api' : 'desk',
        });
        await audit(ctx, tx, 'order.created', order.id, { exams: order.exams.length });
        return order;
      }),

    getOrder: (ctx: UseCaseContext, id: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
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
    cancelOrder: (ctx: UseCaseContext, id: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const order = await findOrder(tx, id);
        if (!order) throw new AppError('NOT_FOUND', 'order not found');
        const exams = await cancelOrderAndExams(tx, id);
        await audit(ctx, tx, 'order.cancelled', id);
        return { ...order, status: 'cancelled' as const, exams };
      }),

    /** Demandes with exams still to schedule (urgent first, then the oldest), optionally of one patient. */
    ordersToSchedule: (ctx: UseCaseContext, input: { patientId?: string | undefined } = {}) =>
      db.withTenant(ctx.tenant, async (tx) => {
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
