import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { cdaHeaderSchema } from '@rayon/documents';
import {
  createReportInput,
  reportBodyInput,
  reportListInput,
  revisionInput,
  signerInput,
  validateInput,
  withdrawInput,
} from '@rayon/schemas/reporting';
import { useCaseContext } from '../context.ts';
import type { Services } from '../services/index.ts';
import { conflictResponse, errors, notFound, routeBase, type RestEnv } from './common.ts';

const idParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

const ReportSchema = z
  .object({
    id: z.uuid(),
    orderId: z.uuid(),
    status: z.string().openapi({ example: 'validated' }),
    currentVersion: z.number(),
    setId: z.uuid(),
    announcement: z.object({
      required: z.boolean(),
      announcedAt: z.string().nullable(),
      announcedBy: z.string().nullable(),
      visibleToPatient: z.boolean(),
    }),
    exams: z.array(z.object({ id: z.uuid(), status: z.string(), label: z.string() })),
    versions: z.array(
      z.object({
        id: z.uuid().openapi({ description: 'Also the CDA document id of this version' }),
        version: z.number(),
        status: z.string(),
        body: z.string(),
        revision: z.number().openapi({ description: 'Send it back with each change (optimistic locking)' }),
        author: z.string(),
        provisionalAt: z.string().nullable(),
        validatedBy: z.string().nullable(),
        validatedAt: z.string().nullable(),
        lockedBy: z.string().nullable(),
        lockedByMe: z.boolean(),
        visibility: z
          .object({
            maskedFromProfessionals: z.boolean(),
            hiddenFromLegalRepresentatives: z.boolean(),
            secretConnection: z.boolean(),
          })
          .openapi({ description: 'Who may see the version, as chosen at its validation' }),
        documents: z.array(
          z.object({
            id: z.uuid(),
            kind: z.string().openapi({ example: 'cda' }),
            mediaType: z.string(),
            sha256: z.string(),
            size: z.number(),
          }),
        ),
      }),
    ),
  })
  .openapi('Report');

const ReportSummarySchema = z
  .object({
    id: z.uuid(),
    status: z.string(),
    currentVersion: z.number(),
    accessionNumber: z.string(),
    patientId: z.uuid(),
    birthFamilyName: z.string(),
    usedFamilyName: z.string().nullable(),
    firstBirthForename: z.string(),
    birthDate: z.string(),
    announcementPending: z.boolean(),
    updatedAt: z.string(),
  })
  .openapi('ReportSummary');

const ExamToReportSchema = z
  .object({
    examId: z.uuid(),
    orderId: z.uuid(),
    accessionNumber: z.string(),
    urgency: z.string(),
    status: z.string(),
    label: z.string(),
    modalityType: z.string(),
    patientId: z.uuid(),
    birthFamilyName: z.string(),
    usedFamilyName: z.string().nullable(),
    firstBirthForename: z.string(),
    birthDate: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ExamToReport');

const reportResponse = (description: string) => ({
  200: { description, ...json(ReportSchema) },
  ...errors,
  ...notFound,
  ...conflictResponse,
});

const route = <P extends string>(o: Parameters<typeof routeBase<P>>[1]) => routeBase('reports', o);

const list = createRoute({
  ...route({
    method: 'get',
    path: '/reports',
    summary: 'Reports, last changed first',
    scope: 'reports:read',
  }),
  request: { query: reportListInput },
  responses: {
    200: { description: 'Reports', ...json(z.object({ data: z.array(ReportSummarySchema) })) },
    ...errors,
  },
});
const toWrite = createRoute({
  ...route({
    method: 'get',
    path: '/reports/to-write',
    summary: 'Acquired exams waiting for their report, urgent first',
    scope: 'reports:read',
  }),
  responses: {
    200: { description: 'Exams', ...json(z.object({ data: z.array(ExamToReportSchema) })) },
    ...errors,
  },
});
const create = createRoute({
  ...route({
    method: 'post',
    path: '/reports',
    summary: 'Start the report of acquired exams of one order',
    scope: 'reports:write',
  }),
  request: { body: { required: true, ...json(createReportInput) } },
  responses: {
    201: { description: 'Created (version 1, draft)', ...json(ReportSchema) },
    ...errors,
    ...notFound,
    ...conflictResponse,
  },
});
const get = createRoute({
  ...route({
    method: 'get',
    path: '/reports/{id}',
    summary: 'A report with its versions and documents',
    scope: 'reports:read',
  }),
  request: { params: idParam },
  responses: reportResponse('The report'),
});
const save = createRoute({
  ...route({
    method: 'put',
    path: '/reports/{id}/body',
    summary: 'Save the text of the current version (409 when changed meanwhile or edited by someone else)',
    scope: 'reports:write',
  }),
  request: { params: idParam, body: { required: true, ...json(reportBodyInput) } },
  responses: reportResponse('Saved'),
});
const provisional = createRoute({
  ...route({
    method: 'post',
    path: '/reports/{id}/provisional',
    summary: 'Make the current version préliminaire',
    scope: 'reports:write',
  }),
  request: { params: idParam, body: { required: true, ...json(revisionInput) } },
  responses: reportResponse('Préliminaire'),
});
const validate = createRoute({
  ...route({
    method: 'post',
    path: '/reports/{id}/validate',
    summary: 'Validate (sign) the current version, naming the signing radiologist; documents follow',
    scope: 'reports:write',
  }),
  request: {
    params: idParam,
    body: { required: true, ...json(validateInput.extend({ signer: signerInput })) },
  },
  responses: reportResponse('Validated'),
});
const correct = createRoute({
  ...route({
    method: 'post',
    path: '/reports/{id}/correct',
    summary: 'Start a correction: a new version that replaces the validated one once validated',
    scope: 'reports:write',
  }),
  request: { params: idParam },
  responses: reportResponse('New draft version'),
});
const withdraw = createRoute({
  ...route({
    method: 'post',
    path: '/reports/{id}/withdraw',
    summary: 'Withdraw a validated report',
    scope: 'reports:write',
  }),
  request: { params: idParam, body: { required: true, ...json(withdrawInput) } },
  responses: reportResponse('Withdrawn'),
});
const announce = createRoute({
  ...route({
    method: 'post',
    path: '/reports/{id}/announcement',
    summary: 'Record the announcement: the report may now reach the patient',
    scope: 'reports:write',
  }),
  request: { params: idParam },
  responses: reportResponse('Announced'),
});
const document = createRoute({
  ...route({
    method: 'get',
    path: '/reports/documents/{id}',
    summary: 'A generated document: the PDF/A (application/pdf) or the CDA R2 N1 (text/xml)',
    scope: 'reports:read',
  }),
  request: { params: idParam },
  responses: {
    200: {
      description: 'The document; its SHA-256 in the X-Content-SHA256 header',
      content: {
        'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
        'text/xml': { schema: z.string() },
      },
    },
    ...errors,
    ...notFound,
  },
});

const documentHeader = createRoute({
  ...route({
    method: 'get',
    path: '/reports/documents/{id}/header',
    summary:
      'The header of a generated CDA R2 N1, read: document, patient (INS when carried), author, signer, orders, exams',
    scope: 'reports:read',
  }),
  request: { params: idParam },
  responses: {
    200: {
      description: 'The CDA header; a PDF/A document is refused (400, reason documents.cda.not_cda)',
      ...json(z.object({ sha256: z.string(), size: z.number(), header: cdaHeaderSchema })),
    },
    ...errors,
    ...notFound,
  },
});

/** /api/v1/reports: the report lifecycle for teleradiology platforms. */
export function registerReportingRoutes(app: OpenAPIHono<RestEnv>, { reporting }: Services) {
  app.openapi(list, async (c) =>
    c.json({ data: await reporting.list(useCaseContext(), c.req.valid('query')) }, 200),
  );
  // Before /reports/{id}: the first matching route answers.
  app.openapi(toWrite, async (c) => c.json({ data: await reporting.toWrite(useCaseContext()) }, 200));
  app.openapi(create, async (c) =>
    c.json(await reporting.create(useCaseContext(), c.req.valid('json')), 201),
  );
  app.openapi(document, async (c) => {
    const doc = await reporting.document(useCaseContext(), c.req.valid('param').id);
    return c.body(new Uint8Array(doc.content), 200, {
      'content-type': doc.mediaType,
      'x-content-sha256': doc.sha256,
    });
  });
  app.openapi(documentHeader, async (c) => {
    const { sha256, size, header } = await reporting.readDocument(useCaseContext(), c.req.valid('param').id);
    return c.json({ sha256, size, header }, 200);
  });
  app.openapi(get, async (c) => c.json(await reporting.get(useCaseContext(), c.req.valid('param').id), 200));
  app.openapi(save, async (c) =>
    c.json(
      await reporting.save(useCaseContext(), { id: c.req.valid('param').id, ...c.req.valid('json') }),
      200,
    ),
  );
  app.openapi(provisional, async (c) =>
    c.json(
      await reporting.setProvisional(useCaseContext(), {
        id: c.req.valid('param').id,
        ...c.req.valid('json'),
      }),
      200,
    ),
  );
  app.openapi(validate, async (c) =>
    c.json(
      await reporting.validate(useCaseContext(), { id: c.req.valid('param').id, ...c.req.valid('json') }),
      200,
    ),
  );
  app.openapi(correct, async (c) =>
    c.json(await reporting.correct(useCaseContext(), c.req.valid('param').id), 200),
  );
  app.openapi(withdraw, async (c) =>
    c.json(
      await reporting.withdraw(useCaseContext(), { id: c.req.valid('param').id, ...c.req.valid('json') }),
      200,
    ),
  );
  app.openapi(announce, async (c) =>
    c.json(await reporting.announce(useCaseContext(), c.req.valid('param').id), 200),
  );
}
