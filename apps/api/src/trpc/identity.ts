import { IDENTITY_DOCUMENT_CONTENT_TYPES, type TenantRole } from '@rayon/domain';
import { z } from 'zod';
import {
  complementaryInput,
  createPatientInput,
  documentType,
  idVersion,
  mergeInput,
  recordDocumentInput,
  searchInput,
  traitsInput,
} from '@rayon/schemas/identity';
import { router, tenantProcedure } from './init.ts';

const READERS: TenantRole[] = ['practice_admin', 'secretary', 'radiologist', 'resident', 'technologist'];
const IDENTITY_DESK: TenantRole[] = ['practice_admin', 'secretary'];

export const identityRouter = router({
  search: tenantProcedure(READERS)
    .input(searchInput)
    .query(({ ctx, input }) => ctx.services.identity.search(ctx.uc, input)),
  get: tenantProcedure(READERS)
    .input(z.strictObject({ id: z.uuid() }))
    .query(({ ctx, input }) => ctx.services.identity.get(ctx.uc, input.id)),
  history: tenantProcedure(READERS)
    .input(z.strictObject({ id: z.uuid() }))
    .query(({ ctx, input }) => ctx.services.identity.history(ctx.uc, input.id)),
  create: tenantProcedure(IDENTITY_DESK)
    .input(createPatientInput)
    .mutation(({ ctx, input }) => ctx.services.identity.create(ctx.uc, input)),
  changeTraits: tenantProcedure(IDENTITY_DESK)
    .input(z.strictObject({ ...idVersion, traits: traitsInput, documentChecked: documentType.optional() }))
    .mutation(({ ctx, input }) =>
      ctx.services.identity.changeTraits(
        ctx.uc,
        input.id,
        input.version,
        input.traits,
        input.documentChecked,
      ),
    ),
  changeComplementary: tenantProcedure(IDENTITY_DESK)
    .input(z.strictObject({ ...idVersion, complementary: complementaryInput }))
    .mutation(({ ctx, input }) =>
      ctx.services.identity.changeComplementary(ctx.uc, input.id, input.version, input.complementary),
    ),
  recordDocument: tenantProcedure(IDENTITY_DESK)
    .input(recordDocumentInput)
    .mutation(({ ctx, input }) =>
      ctx.services.identity.recordDocument(
        ctx.uc,
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
      ctx.services.identity.setAttributes(ctx.uc, input.id, input.version, input.attributes),
    ),
  callInsi: tenantProcedure(IDENTITY_DESK)
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.identity.callInsi(ctx.uc, input.id)),
  documentCopies: router({
    settings: tenantProcedure(READERS).query(({ ctx }) =>
      ctx.services.identity.documentCopiesSettings(ctx.uc),
    ),
    setKeepCopies: tenantProcedure(['practice_admin'])
      .input(z.strictObject({ keepCopies: z.boolean() }))
      .mutation(({ ctx, input }) => ctx.services.identity.setKeepDocumentCopies(ctx.uc, input.keepCopies)),
    add: tenantProcedure(IDENTITY_DESK)
      .input(
        z.strictObject({
          patientId: z.uuid(),
          type: documentType,
          contentType: z.enum(IDENTITY_DOCUMENT_CONTENT_TYPES),
          // Under the 1 MiB request limit once in base64.
          contentBase64: z.base64('the document in base64').max(700_000, 'at most 500 kB'),
        }),
      )
      .mutation(({ ctx, input }) => ctx.services.identity.addDocumentCopy(ctx.uc, input)),
    list: tenantProcedure(IDENTITY_DESK)
      .input(z.strictObject({ patientId: z.uuid() }))
      .query(({ ctx, input }) => ctx.services.identity.listDocumentCopies(ctx.uc, input.patientId)),
    view: tenantProcedure(IDENTITY_DESK)
      .input(z.strictObject({ id: z.uuid() }))
      .mutation(({ ctx, input }) => ctx.services.identity.viewDocumentCopy(ctx.uc, input.id)),
  }),
  merge: tenantProcedure(IDENTITY_DESK)
    .input(mergeInput)
    .mutation(({ ctx, input }) => ctx.services.identity.merge(ctx.uc, input.survivorId, input.absorbedId)),
});
