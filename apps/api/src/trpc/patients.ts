import type { TenantRole } from '@rayon/domain';
import { DOCUMENT_CONTENT_TYPES } from '../services/identity-documents.ts';
import { z } from 'zod';
import {
  complementaryInput,
  createPatientInput,
  documentType,
  idVersion,
  mergeInput,
  searchInput,
  traitsInput,
} from '@rayon/schemas/identity';
import { router, tenantProcedure } from './init.ts';

const READERS: TenantRole[] = ['practice_admin', 'secretary', 'radiologist', 'resident', 'technologist'];
const IDENTITY_DESK: TenantRole[] = ['practice_admin', 'secretary'];

export const patientsRouter = router({
  search: tenantProcedure(READERS)
    .input(searchInput)
    .query(({ ctx, input }) => ctx.services.patients.search(input)),
  get: tenantProcedure(READERS)
    .input(z.strictObject({ id: z.uuid() }))
    .query(({ ctx, input }) => ctx.services.patients.get(input.id)),
  history: tenantProcedure(READERS)
    .input(z.strictObject({ id: z.uuid() }))
    .query(({ ctx, input }) => ctx.services.patients.history(input.id)),
  create: tenantProcedure(IDENTITY_DESK)
    .input(createPatientInput)
    .mutation(({ ctx, input }) => ctx.services.patients.create(input)),
  changeTraits: tenantProcedure(IDENTITY_DESK)
    .input(z.strictObject({ ...idVersion, traits: traitsInput, documentChecked: documentType.optional() }))
    .mutation(({ ctx, input }) =>
      ctx.services.patients.changeTraits(input.id, input.version, input.traits, input.documentChecked),
    ),
  changeComplementary: tenantProcedure(IDENTITY_DESK)
    .input(z.strictObject({ ...idVersion, complementary: complementaryInput }))
    .mutation(({ ctx, input }) =>
      ctx.services.patients.changeComplementary(input.id, input.version, input.complementary),
    ),
  recordDocument: tenantProcedure(IDENTITY_DESK)
    .input(
      z.strictObject({ ...idVersion, type: documentType, guardianDocumentChecked: z.boolean().optional() }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.patients.recordDocument(
        input.id,
        input.version,
        input.type,
        input.guardianDocumentChecked,
      ),
    ),
  setAttributes: tenantProcedure(IDENTITY_DESK)
    .input(
      z.strictObject({
        ...idVersion,
        attributes: z.strictObject({
          douteuse: z.boolean().optional(),
          fictive: z.boolean().optional(),
          homonyme: z.boolean().optional(),
        }),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.services.patients.setAttributes(input.id, input.version, input.attributes),
    ),
  callInsi: tenantProcedure(IDENTITY_DESK)
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.patients.callInsi(input.id)),
  documentCopies: router({
    settings: tenantProcedure(READERS).query(({ ctx }) => ctx.services.identityDocuments.settings()),
    setKeepCopies: tenantProcedure(['practice_admin'])
      .input(z.strictObject({ keepCopies: z.boolean() }))
      .mutation(({ ctx, input }) => ctx.services.identityDocuments.setKeepCopies(input.keepCopies)),
    add: tenantProcedure(IDENTITY_DESK)
      .input(
        z.strictObject({
          patientId: z.uuid(),
          type: documentType,
          contentType: z.enum(DOCUMENT_CONTENT_TYPES),
          // Under the 1 MiB request limit once in base64.
          contentBase64: z.base64('the document in base64').max(700_000, 'at most 500 kB'),
        }),
      )
      .mutation(({ ctx, input }) => ctx.services.identityDocuments.add(input)),
    list: tenantProcedure(IDENTITY_DESK)
      .input(z.strictObject({ patientId: z.uuid() }))
      .query(({ ctx, input }) => ctx.services.identityDocuments.list(input.patientId)),
    view: tenantProcedure(IDENTITY_DESK)
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.identityDocuments.view(input.id)),
  }),
  merge: tenantProcedure(IDENTITY_DESK)
    .input(mergeInput)
    .mutation(({ ctx, input }) => ctx.services.patients.merge(input.survivorId, input.absorbedId)),
});
