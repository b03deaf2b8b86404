import type { TenantRole } from '@rayon/domain';
import { cancelDeliveryInput, distributionSettingsInput } from '@rayon/schemas/delivery';
import { z } from 'zod';
import { router, tenantProcedure } from './init.ts';

const READERS: TenantRole[] = ['practice_admin', 'radiologist', 'secretary'];
const id = z.strictObject({ id: z.uuid() });

export const deliveryRouter = router({
  forReport: tenantProcedure(READERS)
    .input(z.strictObject({ reportId: z.uuid() }))
    .query(({ ctx, input }) => ctx.services.delivery.forReport(ctx.uc, input.reportId)),
  failed: tenantProcedure(READERS).query(({ ctx }) => ctx.services.delivery.failed(ctx.uc)),
  attempts: tenantProcedure(READERS)
    .input(id)
    .query(({ ctx, input }) => ctx.services.delivery.attempts(ctx.uc, input.id)),
  retry: tenantProcedure(['practice_admin', 'secretary', 'radiologist'])
    .input(id)
    .mutation(({ ctx, input }) => ctx.services.delivery.retry(ctx.uc, input.id)),
  /** « Annuler l'envoi » of one pending send, with an optional reason. */
  cancel: tenantProcedure(['practice_admin', 'secretary', 'radiologist'])
    .input(cancelDeliveryInput.extend({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.delivery.cancel(ctx.uc, input.id, input.reason)),
  settings: router({
    get: tenantProcedure(READERS).query(({ ctx }) => ctx.services.delivery.settings(ctx.uc)),
    set: tenantProcedure(['practice_admin'])
      .input(distributionSettingsInput)
      .mutation(({ ctx, input }) => ctx.services.delivery.setSettings(ctx.uc, input)),
  }),
});
