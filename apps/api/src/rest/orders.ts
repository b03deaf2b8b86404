import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { bookInput, createOrderInput } from '../schemas/scheduling.ts';
import type { Services } from '../services/index.ts';
import { apiKey, conflictResponse, errors, notFound, security, type RestEnv } from './common.ts';

const ExamSchema = z
  .object({ id: z.uuid(), examTypeId: z.uuid(), stepId: z.string(), status: z.string() })
  .openapi('Exam');

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

const orderJson = (o: Awaited<ReturnType<Services['scheduling']['getOrder']>>) => ({
  id: o.id,
  patientId: o.patientId,
  referrerId: o.referrerId,
  accessionNumber: o.accessionNumber,
  studyInstanceUid: o.studyInstanceUid,
  urgency: o.urgency as 'routine' | 'urgent',
  clinicalInfo: o.clinicalInfo,
  status: o.status,
  exams: o.exams.map((e) => ({ id: e.id, examTypeId: e.examTypeId, stepId: e.stepId, status: e.status })),
});

export function registerOrderRoutes(app: OpenAPIHono<RestEnv>, { scheduling }: Services) {
  app.openapi(create, async (c) => c.json(orderJson(await scheduling.createOrder(c.req.valid('json'))), 201));
  app.openapi(get, async (c) => c.json(orderJson(await scheduling.getOrder(c.req.valid('param').id)), 200));
  app.openapi(cancel, async (c) =>
    c.json(orderJson(await scheduling.cancelOrder(c.req.valid('param').id)), 200),
  );
  app.openapi(book, async (c) => {
    const b = c.req.valid('json');
    const a = await scheduling.book({ ...b, startsAt: new Date(b.startsAt) });
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
