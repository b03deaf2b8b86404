import { PFI_PROFILES, type TenantRole } from '@rayon/domain';
import { z } from 'zod';
import { router, tenantProcedure } from './init.ts';

const READERS: TenantRole[] = ['practice_admin', 'radiologist', 'secretary'];
const id = z.strictObject({ id: z.uuid() });

export const deliveriesRouter = router({
  forReport: tenantProcedure(READERS)
    .input(z.strictObject({ reportId: z.uuid() }))
    .query(({ ctx, input }) => ctx.services.deliveries.forReport(input.reportId)),
  failed: tenantProcedure(READERS).query(({ ctx }) => ctx.services.deliveries.failed()),
  attempts: tenantProcedure(READERS)
    .input(id)
    .query(({ ctx, input }) => ctx.services.deliveries.attempts(input.id)),
  retry: tenantProcedure(['practice_admin', 'secretary', 'radiologist'])
    .input(id)
    .mutation(({ ctx, input }) => ctx.services.deliveries.retry(input.id)),
  /** « Annuler l'envoi » of one pending send, with an optional reason. */
  cancel: tenantProcedure(['practice_admin', 'secretary', 'radiologist'])
    .input(z.strictObject({ id: z.uuid(), reason: z.string().trim().max(500).optional() }))
    .mutation(({ ctx, input }) => ctx.services.deliveries.cancel(input.id, input.reason)),
  settings: router({
    get: tenantProcedure(READERS).query(({ ctx }) => ctx.services.deliveries.settings()),
    set: tenantProcedure(['practice_admin'])
      .input(
        z.strictObject({
          dmp: z.boolean(),
          mssante: z.strictObject({
            enabled: z.boolean(),
            patient: z.boolean(),
            mailbox: z.email('an e-mail address').nullish(),
          }),
          pfi: z
            .strictObject({
              host: z.string().trim().min(1, 'required').max(253),
              port: z.number().int().min(1).max(65535),
              receivingApplication: z.string().trim().min(1, 'required').max(180),
              receivingFacility: z.string().trim().min(1, 'required').max(180),
              profile: z.enum(PFI_PROFILES).default('MDM'),
            })
            .nullable(),
        }),
      )
      .mutation(({ ctx, input }) => ctx.services.deliveries.setSettings(input)),
  }),
});
