import {
  audit,
  findReferrer,
  insertReferrer,
  listReferrers,
  updateReferrer,
  type UseCaseContext,
} from '@rayon/db';
import { AppError } from '@rayon/domain';
import type { SchedulingDeps } from './deps.ts';

/** What the practice records about a referrer (RPPS, ADELI, both or neither). */
interface ReferrerDetails {
  rpps?: string | null;
  adeli?: string | null;
  familyName: string;
  givenName?: string | null;
  specialty?: string | null;
  mssanteAddress?: string | null;
}

const referrerValues = (input: ReferrerDetails) => ({
  rpps: input.rpps ?? null,
  adeli: input.adeli ?? null,
  familyName: input.familyName,
  givenName: input.givenName ?? null,
  specialty: input.specialty ?? null,
  mssanteAddress: input.mssanteAddress ?? null,
});

/** Referring professionals (RPPS, ADELI, MSSanté address). */
export function referrerUseCases({ db }: SchedulingDeps) {
  return {
    listReferrers: (ctx: UseCaseContext) => db.withTenant(ctx.tenant, listReferrers),
    createReferrer: (ctx: UseCaseContext, input: ReferrerDetails) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const row = await insertReferrer(tx, referrerValues(input));
        await audit(ctx, tx, 'referrer.created', row.id);
        return row;
      }),
    getReferrer: (ctx: UseCaseContext, id: string) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const row = await findReferrer(tx, id);
        if (!row)
          throw new AppError('NOT_FOUND', 'referrer not found', { reason: 'scheduling.referrer.not_found' });
        return row;
      }),
    /** Replaces a referrer's details (RPPS, ADELI, names, specialty, MSSanté address). */
    updateReferrer: (ctx: UseCaseContext, id: string, input: ReferrerDetails) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const row = await updateReferrer(tx, id, referrerValues(input));
        if (!row)
          throw new AppError('NOT_FOUND', 'referrer not found', { reason: 'scheduling.referrer.not_found' });
        await audit(ctx, tx, 'referrer.updated', row.id);
        return row;
      }),
  };
}
