import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bookInput, createOrderInput, ordersToScheduleInput } from '@rayon/schemas/scheduling';
import { useCaseContext } from '../context.ts';
import type { Services } from '../services/index.ts';
import { apiKey, conflictResponse, errors, notFound, security, type RestEnv } from './common.ts';

const ExamSchema = z
  .object({
    id: z.uuid(),
    examTypeId: z
      .uuid()
      .nullable()
      .openapi({ description: 'The catalogue entry; null while an order received by HL7 waits for one' }),
    modalityType: z.string().openapi({ example: 'CT' }),
    requestedProcedure: z.string().nullable(),
    stepId: z.string(),
    status: z.string(),
  })
  .openapi('Exam');

/** The usual display fields of a patient (birth name first, RNIV). */
export const PatientDisplaySchema = z
  .object({
    id: z.uuid(),
    birthFamilyName: z.string(),
    usedFamilyName: z.string().nullable(),
    firstBirthForename: z.string(),
    usedForename: z.string().nullable(),
    birthDate: z.string(),
    sex: z.string(),
  })
  .openapi('PatientDisplay');

const OrderToScheduleSchema = z
  .object({
    id: z.uuid(),
    accessionNumber: z.string(),
    urgency: z.string(),
    clinicalInfo: z.string().nullable(),
    source: z.string(),
    status: z.string(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    patient: PatientDisplaySchema,
    referrer: z
      .object({
        id: z.uuid(),
        familyName: z.string(),
        givenName: z.string().nullable(),
        rpps: z.string().nullable(),
      })
      .nullable(),
    exams: z.array(
      z.object({
        id: z.uuid(),
        status: z.string(),
        stepId: z.string(),
        modalityType: z.string(),
        requestedProcedure: z.string().nullable(),
        examType: z.object({ id: z.uuid(), label: z.string(), durationMinutes: z.number() }).nullable(),
      }),
    ),
  })
  .openapi('OrderToSchedule');

const OrderSchema = z
  .object({
    id: z.uuid(),
    patientId: z.uuid(),
    referrerId: z.uuid().nullable(),
    accessionNumber: z.string(),
    studyInstanceUid: z.string(),
    urgency: z.enum(['routine', 'urgent']),
    clinicalInfo: z.string().nullable(),
    status: z.string(),
    exams: z.array(ExamSchema),
  })
  .openapi('Order');

const AppointmentSchema = z
  .object({ id: z.uuid(), examId: z.uuid(), modalityId: z.uuid(), startsAt: z.string(), endsAt: z.string() })
  .openapi('Appointment');

const idParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

const create = createRoute({
  method: 'post',
  path: '/orders',
  tags: ['orders'],
  summary:
    'Create an order (demande d’examen) with its exams; accession number and Study Instance UID are generated',
  security,
  middleware: [apiKey('orders:write')] as const,
  request: { body: { required: true, ...json(createOrderInput) } },
  responses: { 201: { description: 'Created', ...json(OrderSchema) }, ...errors, ...notFound },
});

const toSchedule = createRoute({
  method: 'get',
  path: '/orders/to-schedule',
  tags: ['orders'],
  summary: 'Orders with exams still to schedule (status requested), urgent first, then the oldest',
  security,
  middleware: [apiKey('orders:read')] as const,
  request: { query: ordersToScheduleInput },
  responses: {
    200: {
      description: 'The orders to schedule',
      ...json(z.object({ data: z.array(OrderToScheduleSchema) })),
    },
    ...errors,
  },
});

const get = createRoute({
  method: 'get',
  path: '/orders/{id}',
  tags: ['orders'],
  summary: 'One order with its exams',
  security,
  middleware: [apiKey('orders:read')] as const,
  request: { params: idParam },
  responses: { 200: { description: 'The order', ...json(OrderSchema) }, ...errors, ...notFound },
});

const cancel = createRoute({
  method: 'post',
  path: '/orders/{id}/cancel',
  tags: ['orders'],
  summary: 'Cancel an order: its exams are cancelled and their slots freed',
  security,
  middleware: [apiKey('orders:write')] as const,
  request: { params: idParam },
  responses: {
    200: { description: 'Cancelled', ...json(OrderSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

const book = createRoute({
  method: 'post',
  path: '/appointments',
  tags: ['orders'],
  summary: 'Book (or move) an exam on a modality; 409 when the slot is taken',
  security,
  middleware: [apiKey('orders:write')] as const,
  request: { body: { required: true, ...json(bookInput) } },
  responses: {
    201: { description: 'Booked', ...json(AppointmentSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

type OrderWithExams = Omit<Awaited<ReturnType<Services['scheduling']['createOrder']>>, 'exams'> & {
  exams: Pick<
    Awaited<ReturnType<Services['scheduling']['createOrder']>>['exams'][number],
    'id' | 'examTypeId' | 'modalityType' | 'requestedProcedure' | 'stepId' | 'status'
  >[];
};

const orderJson = (o: OrderWithExams) => ({
  id: o.id,
  patientId: o.patientId,
  referrerId: o.referrerId,
  accessionNumber: o.accessionNumber,
  studyInstanceUid: o.studyInstanceUid,
  urgency: o.urgency,
  clinicalInfo: o.clinicalInfo,
  status: o.status,
  exams: o.exams.map((e) => ({
    id: e.id,
    examTypeId: e.examTypeId,
    modalityType: e.modalityType,
    requestedProcedure: e.requestedProcedure,
    stepId: e.stepId,
    status: e.status,
  })),
});

export function registerOrderRoutes(app: OpenAPIHono<RestEnv>, { scheduling }: Services) {
  app.openapi(create, async (c) =>
    c.json(orderJson(await scheduling.createOrder(useCaseContext(), c.req.valid('json'))), 201),
  );
  // Before /orders/{id}: the first matching route answers.
  app.openapi(toSchedule, async (c) =>
    c.json({ data: await scheduling.ordersToSchedule(useCaseContext(), c.req.valid('query')) }, 200),
  );
  app.openapi(get, async (c) =>
    c.json(orderJson(await scheduling.getOrder(useCaseContext(), c.req.valid('param').id)), 200),
  );
  app.openapi(cancel, async (c) =>
    c.json(orderJson(await scheduling.cancelOrder(useCaseContext(), c.req.valid('param').id)), 200),
  );
  app.openapi(book, async (c) => {
    const b = c.req.valid('json');
    const a = await scheduling.book(useCaseContext(), { ...b, startsAt: new Date(b.startsAt) });
    return c.json(
      {
        id: a.id,
        examId: a.examId,
        modalityId: a.modalityId,
        startsAt: a.startsAt.toISOString(),
        endsAt: a.endsAt.toISOString(),
      },
      201,
    );
  });
}
