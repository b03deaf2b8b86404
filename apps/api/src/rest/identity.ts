import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { IDENTITY_STATUSES } from '@rayon/domain';
import {
  complementaryInput,
  createPatientInput,
  documentType,
  recordDocumentInput,
  searchInput,
  traitsInput,
} from '@rayon/schemas/identity';
import { publicPatient } from '@rayon/identity';
import { useCaseContext } from '../context.ts';
import { apiKey, conflictResponse, errors, notFound, security, type RestEnv } from './common.ts';

const InsSchema = z.object({ matricule: z.string(), oid: z.string() }).openapi('Ins');

const PatientSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int().openapi({ description: 'Send it back with a change (optimistic locking)' }),
    traits: z.object({
      birthFamilyName: z.string(),
      firstBirthForename: z.string(),
      birthForenames: z.string(),
      birthDate: z.string().openapi({ format: 'date' }),
      sex: z.enum(['M', 'F', 'U']),
      birthPlaceCode: z.string().nullable().openapi({ description: 'COG (INSEE) of the birth place' }),
    }),
    complementary: z.object({ usedFamilyName: z.string().nullish(), usedForename: z.string().nullish() }),
    status: z.enum(IDENTITY_STATUSES).openapi({ description: 'Statut de confiance (RNIV)' }),
    attributes: z.object({ douteuse: z.boolean(), fictive: z.boolean(), homonyme: z.boolean() }),
    ins: InsSchema.nullable().openapi({ description: 'Present only for a qualified identity' }),
    insRetrievedAt: z.string().nullable(),
    identityDocument: z.object({ type: z.string(), checkedAt: z.string() }).nullable(),
    reliabilityCodes: z.array(z.string()).openapi({ description: 'HL7 PID-32 / FR Core 0445 codes' }),
    identifiers: z.array(z.object({ authority: z.string(), value: z.string() })),
    mergedInto: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Patient');

const HistoryEntrySchema = z
  .object({
    id: z.number(),
    at: z.string(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    actorName: z.string().nullable(),
    source: z.string(),
    action: z.string(),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    hl7MessageId: z.string().nullable(),
    note: z.string().nullable(),
  })
  .openapi('IdentityHistoryEntry');

const idParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, ...json(schema) });
const version = z.number().int().min(1);

const search = createRoute({
  method: 'get',
  path: '/patients',
  tags: ['patients'],
  summary: 'Search patients by name (with or without accents), birth date, INS or local identifier (IPP)',
  security,
  middleware: [apiKey('patients:read')] as const,
  request: { query: searchInput },
  responses: {
    200: { description: 'Matching patients', ...json(z.object({ data: z.array(PatientSchema) })) },
    ...errors,
  },
});

const create = createRoute({
  method: 'post',
  path: '/patients',
  tags: ['patients'],
  summary: 'Create a patient identity (only the strict traits are required); it starts provisoire',
  security,
  middleware: [apiKey('patients:write')] as const,
  request: { body: body(createPatientInput) },
  responses: { 201: { description: 'Created', ...json(PatientSchema) }, ...errors, ...conflictResponse },
});

const get = createRoute({
  method: 'get',
  path: '/patients/{id}',
  tags: ['patients'],
  summary: 'One patient',
  security,
  middleware: [apiKey('patients:read')] as const,
  request: { params: idParam },
  responses: { 200: { description: 'The patient', ...json(PatientSchema) }, ...errors, ...notFound },
});

const history = createRoute({
  method: 'get',
  path: '/patients/{id}/history',
  tags: ['patients'],
  summary: 'Every change of the identity: who, when, from what source, what changed',
  security,
  middleware: [apiKey('patients:read')] as const,
  request: { params: idParam },
  responses: {
    200: { description: 'History, newest first', ...json(z.object({ data: z.array(HistoryEntrySchema) })) },
    ...errors,
    ...notFound,
  },
});

const changeTraits = createRoute({
  method: 'put',
  path: '/patients/{id}/traits',
  tags: ['patients'],
  summary: 'Correct the strict traits (RNIV: the INS is no longer carried; the status may go back)',
  security,
  middleware: [apiKey('patients:write')] as const,
  request: {
    params: idParam,
    body: body(z.strictObject({ version, traits: traitsInput, documentChecked: documentType.optional() })),
  },
  responses: {
    200: { description: 'Updated', ...json(PatientSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

const changeComplementary = createRoute({
  method: 'put',
  path: '/patients/{id}/complementary',
  tags: ['patients'],
  summary: 'Change the used name and forename (never affects the status)',
  security,
  middleware: [apiKey('patients:write')] as const,
  request: { params: idParam, body: body(z.strictObject({ version, complementary: complementaryInput })) },
  responses: {
    200: { description: 'Updated', ...json(PatientSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

const recordDocument = createRoute({
  method: 'post',
  path: '/patients/{id}/identity-document',
  tags: ['patients'],
  summary: 'Record the high-trust identity document checked (validates or qualifies the identity)',
  security,
  middleware: [apiKey('patients:write')] as const,
  request: {
    params: idParam,
    body: body(recordDocumentInput.omit({ id: true })),
  },
  responses: {
    200: { description: 'Updated', ...json(PatientSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

const setAttributes = createRoute({
  method: 'patch',
  path: '/patients/{id}/attributes',
  tags: ['patients'],
  summary: 'Set the attributes douteuse / fictive / homonyme',
  security,
  middleware: [apiKey('patients:write')] as const,
  request: {
    params: idParam,
    body: body(
      z.strictObject({
        version,
        attributes: z.strictObject({
          douteuse: z.boolean().optional(),
          fictive: z.boolean().optional(),
          homonyme: z.boolean().optional(),
        }),
      }),
    ),
  },
  responses: {
    200: { description: 'Updated', ...json(PatientSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

const merge = createRoute({
  method: 'post',
  path: '/patients/{id}/merge',
  tags: ['patients'],
  summary: 'Merge a duplicate into this patient (the duplicate is kept, marked merged)',
  security,
  middleware: [apiKey('patients:write')] as const,
  request: {
    params: idParam,
    body: body(
      z.strictObject({
        absorbedId: z.uuid(),
        confirm: z.literal(true, { message: 'a merge must be confirmed' }),
      }),
    ),
  },
  responses: {
    200: { description: 'The surviving patient', ...json(PatientSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

const callInsi = createRoute({
  method: 'post',
  path: '/patients/{id}/insi',
  tags: ['patients'],
  summary: 'Call INSi (traits search) with the practice INSI-MANU certificate and apply its answer',
  security,
  middleware: [apiKey('patients:write')] as const,
  request: { params: idParam },
  responses: {
    200: {
      description: 'The INSi code (00 one identity, 01 none, 02 several), what was done, and the patient',
      ...json(
        z.object({
          code: z.enum(['00', '01', '02']),
          outcome: z.enum(['applied', 'not_found', 'several', 'rejected']),
          reason: z.string().nullable(),
          changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
          patient: PatientSchema,
        }),
      ),
    },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});

export function registerIdentityRoutes(app: OpenAPIHono<RestEnv>) {
  app.openapi(search, async (c) =>
    c.json(
      {
        data: (await c.get('services').identity.search(useCaseContext(), c.req.valid('query'))).map(
          publicPatient,
        ),
      },
      200,
    ),
  );
  app.openapi(create, async (c) =>
    c.json(
      publicPatient(await c.get('services').identity.create(useCaseContext(), c.req.valid('json'))),
      201,
    ),
  );
  app.openapi(get, async (c) =>
    c.json(
      publicPatient(await c.get('services').identity.get(useCaseContext(), c.req.valid('param').id)),
      200,
    ),
  );
  app.openapi(history, async (c) =>
    c.json(
      { data: await c.get('services').identity.history(useCaseContext(), c.req.valid('param').id) },
      200,
    ),
  );
  app.openapi(changeTraits, async (c) => {
    const b = c.req.valid('json');
    return c.json(
      publicPatient(
        await c
          .get('services')
          .identity.changeTraits(
            useCaseContext(),
            c.req.valid('param').id,
            b.version,
            b.traits,
            b.documentChecked,
          ),
      ),
      200,
    );
  });
  app.openapi(changeComplementary, async (c) => {
    const b = c.req.valid('json');
    return c.json(
      publicPatient(
        await c
          .get('services')
          .identity.changeComplementary(
            useCaseContext(),
            c.req.valid('param').id,
            b.version,
            b.complementary,
          ),
      ),
      200,
    );
  });
  app.openapi(recordDocument, async (c) => {
    const b = c.req.valid('json');
    return c.json(
      publicPatient(
        await c
          .get('services')
          .identity.recordDocument(
            useCaseContext(),
            c.req.valid('param').id,
            b.version,
            b.type,
            b.guardianDocumentChecked,
          ),
      ),
      200,
    );
  });
  app.openapi(setAttributes, async (c) => {
    const b = c.req.valid('json');
    return c.json(
      publicPatient(
        await c
          .get('services')
          .identity.setAttributes(useCaseContext(), c.req.valid('param').id, b.version, b.attributes),
      ),
      200,
    );
  });
  app.openapi(callInsi, async (c) => {
    const result = await c.get('services').identity.callInsi(useCaseContext(), c.req.valid('param').id);
    return c.json({ ...result, patient: publicPatient(result.patient) }, 200);
  });
  app.openapi(merge, async (c) => {
    const b = c.req.valid('json');
    return c.json(
      publicPatient(
        await c.get('services').identity.merge(useCaseContext(), c.req.valid('param').id, b.absorbedId),
      ),
      200,
    );
  });
}
