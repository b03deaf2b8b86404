import { audit, insertExamType, listExamTypes, type UseCaseContext } from '@rayon/db';
import type { ModalityType } from '@rayon/domain';
import type { SchedulingDeps } from './deps.ts';

/** The exam catalogue: what can be ordered, booked and reported, with its duration and codes. */
export function catalogueUseCases({ db }: SchedulingDeps) {
  return {
    listExamTypes: (ctx: UseCaseContext) => db.withTenant(ctx.tenant, listExamTypes),
    createExamType: (
      ctx: UseCaseContext,
      input: {
        label: string;
        ccamCode?: string | null;
        loinc?: { code: string; label: string } | null;
        modalityType: ModalityType;
        durationMinutes: number;
        preparation?: string | null;
      },
    ) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const { loinc, ...fields } = input;
        const row = await insertExamType(tx, {
          ...fields,
          ccamCode: input.ccamCode ?? null,
          loincCode: loinc?.code ?? null,
          loincLabel: loinc?.label ?? null,
          preparation: input.preparation ?? null,
        });
        await audit(ctx, tx, 'exam-type.created', row.id);
        return row;
      }),
  };
}
