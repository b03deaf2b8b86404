import type { TenantRole } from '@rayon/domain';
import { z } from 'zod';
import {
  createReportInput,
  receivedCdaInput,
  reportBodyInput,
  reportListInput,
  revisionInput,
  validateInput,
  withdrawInput,
} from '@rayon/schemas/reporting';
import { router, tenantProcedure } from './init.ts';

const READERS: TenantRole[] = ['practice_admin', 'radiologist', 'resident', 'secretary'];
/** A resident (Interne) writes; validation then needs a radiologist allowed to sign (second reading). */
const WRITERS: TenantRole[] = ['radiologist', 'resident'];

const id = z.strictObject({ id: z.uuid() });
const versioned = revisionInput.extend({ id: z.uuid() });

export const reportingRouter = router({
  create: tenantProcedure(WRITERS)
    .input(createReportInput)
    .mutation(({ ctx, input }) => ctx.services.reporting.create(ctx.uc, input)),
  toWrite: tenantProcedure(READERS).query(({ ctx }) => ctx.services.reporting.toWrite(ctx.uc)),
  list: tenantProcedure(READERS)
    .input(reportListInput)
    .query(({ ctx, input }) => ctx.services.reporting.list(ctx.uc, input)),
  get: tenantProcedure(READERS)
    .input(id)
    .query(({ ctx, input }) => ctx.services.reporting.get(ctx.uc, input.id)),
  lock: tenantProcedure(WRITERS)
    .input(id)
    .mutation(({ ctx, input }) => ctx.services.reporting.lock(ctx.uc, input.id)),
  save: tenantProcedure(WRITERS)
    .input(reportBodyInput.extend({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.reporting.save(ctx.uc, input)),
  setProvisional: tenantProcedure(WRITERS)
    .input(versioned)
    .mutation(({ ctx, input }) => ctx.services.reporting.setProvisional(ctx.uc, input)),
  validate: tenantProcedure(WRITERS)
    .input(validateInput.extend({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.reporting.validate(ctx.uc, input)),
  correct: tenantProcedure(WRITERS)
    .input(id)
    .mutation(({ ctx, input }) => ctx.services.reporting.correct(ctx.uc, input.id)),
  withdraw: tenantProcedure(WRITERS)
    .input(withdrawInput.extend({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.reporting.withdraw(ctx.uc, input)),
  announce: tenantProcedure(WRITERS)
    .input(id)
    .mutation(({ ctx, input }) => ctx.services.reporting.announce(ctx.uc, input.id)),
  /** A generated document (PDF/A or CDA), base64; each viewing is audited. */
  document: tenantProcedure(READERS)
    .input(id)
    .query(async ({ ctx, input }) => {
      const doc = await ctx.services.reporting.document(ctx.uc, input.id);
      return {
        kind: doc.kind,
        mediaType: doc.mediaType,
        sha256: doc.sha256,
        base64: doc.content.toString('base64'),
      };
    }),
  /** A generated CDA read for the viewer: header and PDF (base64); each viewing is audited. */
  readDocument: tenantProcedure(READERS)
    .input(id)
    .query(({ ctx, input }) => ctx.services.reporting.readDocument(ctx.uc, input.id)),
  /** A CDA received from elsewhere, read for the viewer (a mutation: its body is large); not stored. */
  readReceivedCda: tenantProcedure(READERS)
    .input(receivedCdaInput)
    .mutation(({ ctx, input }) =>
      ctx.services.reporting.readReceivedCda(ctx.uc, Buffer.from(input.base64, 'base64')),
    ),
  settings: router({
    get: tenantProcedure(READERS).query(({ ctx }) => ctx.services.reporting.settings(ctx.uc)),
    setRgpdNotice: tenantProcedure(['practice_admin'])
      .input(z.strictObject({ rgpdNotice: z.string().max(2000).nullable() }))
      .mutation(({ ctx, input }) =>
        ctx.services.reporting.setRgpdNotice(ctx.uc, input.rgpdNotice?.trim() || null),
      ),
  }),
  templates: router({
    list: tenantProcedure(READERS).query(({ ctx }) => ctx.services.reporting.listTemplates(ctx.uc)),
    create: tenantProcedure(['practice_admin', 'radiologist'])
      .input(
        z.strictObject({
          examTypeId: z.uuid().nullish(),
          name: z.string().trim().min(1, 'required').max(200),
          body: z.string().max(100_000),
        }),
      )
      .mutation(({ ctx, input }) => ctx.services.reporting.createTemplate(ctx.uc, input)),
  }),
  notifications: tenantProcedure().query(({ ctx }) => ctx.services.reporting.notifications(ctx.uc)),
});
