import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import {
  appointmentsInput,
  availabilityInput,
  referrerInput,
  updateReferrerInput,
} from '@rayon/schemas/scheduling';
import { useCaseContext } from '../context.ts';
import type { Services } from '../services/index.ts';
import { apiKey, conflictResponse, errors, notFound, security, type RestEnv } from './common.ts';
import { PatientDisplaySchema } from './orders.ts';

/** Scheduling through the public API: free slots, appointments, the practice's catalogue. */

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const list = <T extends z.ZodType>(schema: T) => json(z.object({ data: z.array(schema) }));
const dateTime = z.string().openapi({ format: 'date-time' });

const SlotSchema = z
  .object({
    startsAt: dateTime,
    endsAt: dateTime,
    modality: z.object({ id: z.uuid(), name: z.string(), aeTitle: z.string() }),
  })
  .openapi('Slot');

const AvailabilitySchema = z
  .object({
    examType: z.object({ id: z.uuid(), label: z.string(), durationMinutes: z.number() }),
    slots: z.array(SlotSchema),
  })
  .openapi('Availability');

const ScheduledAppointmentSchema = z
  .object({
    id: z.uuid(),
    startsAt: dateTime,
    endsAt: dateTime,
    late: z.boolean().openapi({ description: 'Still expected (scheduled) while its start time has passed' }),
    modality: z.object({ id: z.uuid(), name: z.string(), aeTitle: z.string() }),
    exam: z.object({
      id: z.uuid(),
      status: z.string(),
      label: z.string(),
      examTypeId: z.uuid().nullable(),
      stepId: z.string(),
    }),
    order: z.object({
      id: z.uuid(),
      accessionNumber: z.string(),
      patientId: z.uuid(),
      urgency: z.string(),
      clinicalInfo: z.string().nullable(),
    }),
    patient: PatientDisplaySchema,
  })
  .openapi('ScheduledAppointment');

const RoomSchema = z.object({ id: z.uuid(), siteId: z.uuid(), name: z.string() }).openapi('Room');
const ModalitySchema = z
  .object({
    id: z.uuid(),
    roomId: z.uuid(),
    name: z.string(),
    type: z.string().openapi({ example: 'CT' }),
    aeTitle: z.string(),
    openingHours: z
      .record(z.string(), z.array(z.tuple([z.string(), z.string()])))
      .openapi({ description: 'ISO weekday (1 = Monday) → intervals ["HH:MM", "HH:MM"], Europe/Paris' }),
    retiredAt: z.iso
      .datetime()
      .nullable()
      .openapi({ description: 'A retired modality takes no booking; null when in service' }),
  })
  .openapi('Modality');
const ExamTypeSchema = z
  .object({
    id: z.uuid(),
    label: z.string(),
    ccamCode: z.string().nullable(),
    loinc: z
      .object({ code: z.string(), label: z.string() })
      .nullable()
      .openapi({ description: 'The exam code of JDV_CodesDocumentImagerie_CISIS (LOINC)' }),
    modalityType: z.string(),
    durationMinutes: z.number(),
    preparation: z.string().nullable(),
  })
  .openapi('ExamType');
const ReferrerSchema = z
  .object({
    id: z.uuid(),
    rpps: z.string().nullable(),
    adeli: z.string().nullable(),
    familyName: z.string(),
    givenName: z.string().nullable(),
    specialty: z.string().nullable(),
    mssanteAddress: z.string().nullable(),
  })
  .openapi('Referrer');

const availability = createRoute({
  method: 'get',
  path: '/availability',
  tags: ['scheduling'],
  summary:
    'Free slots for an exam type on the modalities of its type, first ones first, inside opening hours (at most 31 days, never in the past)',
  security,
  middleware: [apiKey('orders:read')] as const,
  request: { query: availabilityInput },
  responses: { 200: { description: 'The free slots', ...json(AvailabilitySchema) }, ...errors, ...notFound },
});

const appointments = createRoute({
  method: 'get',
  path: '/appointments',
  tags: ['scheduling'],
  summary: 'Active appointments starting in [from, to), with their patient, exam and order',
  security,
  middleware: [apiKey('orders:read')] as const,
  request: { query: appointmentsInput },
  responses: {
    200: { description: 'The appointments', ...list(ScheduledAppointmentSchema) },
    ...errors,
  },
});

const catalogueRoute = (path: string, summary: string, schema: z.ZodType) =>
  createRoute({
    method: 'get',
    path,
    tags: ['scheduling'],
    summary,
    security,
    middleware: [apiKey('orders:read')] as const,
    responses: { 200: { description: summary, ...list(schema) }, ...errors },
  });

const rooms = catalogueRoute('/rooms', 'The rooms of the practice', RoomSchema);
const modalities = catalogueRoute('/modalities', 'The modalities and their opening hours', ModalitySchema);
const examTypes = catalogueRoute('/exam-types', 'The exam catalogue', ExamTypeSchema);
const referrers = catalogueRoute('/referrers', 'The referring professionals', ReferrerSchema);

const createReferrer = createRoute({
  method: 'post',
  path: '/referrers',
  tags: ['scheduling'],
  summary:
    'Add a referring professional, by RPPS, ADELI or name only (409 when the RPPS or ADELI number is known)',
  security,
  middleware: [apiKey('orders:write')] as const,
  request: { body: { required: true, ...json(referrerInput) } },
  responses: { 201: { description: 'Created', ...json(ReferrerSchema) }, ...errors, ...conflictResponse },
});

const updateReferrer = createRoute({
  method: 'put',
  path: '/referrers/{id}',
  tags: ['scheduling'],
  summary:
    "Replace a referring professional's details: RPPS, ADELI, names, specialty, MSSanté address (fields left out are cleared; 409 when another referrer has the RPPS or ADELI)",
  security,
  middleware: [apiKey('orders:write')] as const,
  request: {
    params: z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }),
    body: { required: true, ...json(updateReferrerInput.omit({ id: true })) },
  },
  responses: {
    200: { description: 'Updated', ...json(ReferrerSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

export function registerSchedulingRoutes(app: OpenAPIHono<RestEnv>, { scheduling }: Services) {
  app.openapi(availability, async (c) => {
    const q = c.req.valid('query');
    return c.json(
      await scheduling.availability(useCaseContext(), {
        examTypeId: q.examTypeId,
        from: new Date(q.from),
        to: new Date(q.to),
        modalityId: q.modalityId,
        stepMinutes: q.step,
        limit: q.limit,
        excludeExamId: q.excludeExamId,
      }),
      200,
    );
  });
  app.openapi(appointments, async (c) => {
    const q = c.req.valid('query');
    const data = await scheduling.appointments(useCaseContext(), {
      from: new Date(q.from),
      to: new Date(q.to),
      modalityId: q.modalityId,
    });
    return c.json({ data: data.map(({ active: _active, ...a }) => a) }, 200);
  });
  app.openapi(rooms, async (c) =>
    c.json(
      {
        data: (await scheduling.listRooms(useCaseContext())).map(({ id, siteId, name }) => ({
          id,
          siteId,
          name,
        })),
      },
      200,
    ),
  );
  app.openapi(modalities, async (c) =>
    c.json(
      {
        data: (await scheduling.listModalities(useCaseContext())).map(
          ({ id, roomId, name, type, aeTitle, openingHours, retiredAt }) => ({
            id,
            roomId,
            name,
            type,
            aeTitle,
            openingHours,
            retiredAt: retiredAt ? retiredAt.toISOString() : null,
          }),
        ),
      },
      200,
    ),
  );
  app.openapi(examTypes, async (c) =>
    c.json(
      {
        data: (await scheduling.listExamTypes(useCaseContext())).map(
          ({ id, label, ccamCode, loincCode, loincLabel, modalityType, durationMinutes, preparation }) => ({
            id,
            label,
            ccamCode,
            loinc: loincCode ? { code: loincCode, label: loincLabel ?? label } : null,
            modalityType,
            durationMinutes,
            preparation,
          }),
        ),
      },
      200,
    ),
  );
  app.openapi(referrers, async (c) =>
    c.json({ data: (await scheduling.listReferrers(useCaseContext())).map(referrerJson) }, 200),
  );
  app.openapi(createReferrer, async (c) =>
    c.json(referrerJson(await scheduling.createReferrer(useCaseContext(), c.req.valid('json'))), 201),
  );
  app.openapi(updateReferrer, async (c) =>
    c.json(
      referrerJson(
        await scheduling.updateReferrer(useCaseContext(), c.req.valid('param').id, c.req.valid('json')),
      ),
      200,
    ),
  );
}

const referrerJson = (r: Awaited<ReturnType<Services['scheduling']['createReferrer']>>) => ({
  id: r.id,
  rpps: r.rpps,
  adeli: r.adeli,
  familyName: r.familyName,
  givenName: r.givenName,
  specialty: r.specialty,
  mssanteAddress: r.mssanteAddress,
});
