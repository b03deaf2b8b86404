import type { TenantRole } from '@rayon/domain';
import { cancelDeliveryInput, distributionSettingsInput } from '@rayon/schemas/delivery';
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
    .input(cancelDeliveryInput.extend({ id: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.services.deliveries.cancel(input.id, input.reason)),
  settings: router({
    get: tenantProcedure(READERS).query(({ ctx }) => ctx.services.deliveries.settings()),
    set: tenantProcedure(['practice_admin'])
      .input(distributionSettingsInput)
      .mutation(({ ctx, input }) => ctx.services.deliveries.setSettings(input)),
  }),
});
