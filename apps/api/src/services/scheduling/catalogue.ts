import { insertExamType, listExamTypes } from '@rayon/db';
import type { ModalityType } from '@rayon/domain';
import { audit } from '../deps.ts';
import type { SchedulingScope } from './scope.ts';

/** The exam catalogue: what can be ordered, booked and reported, with its duration and codes. */
export function catalogueService({ inTenant }: SchedulingScope) {
  return {
    listExamTypes: () => inTenant(listExamTypes),
    createExamType: (input: {
      label: string;
      ccamCode?: string | null;
      loinc?: { code: string; label: string } | null;
      modalityType: ModalityType;
      durationMinutes: number;
      preparation?: string | null;
    }) =>
      inTenant(async (tx) => {
        const { loinc, ...fields } = input;
        const row = await insertExamType(tx, {
          ...fields,
          ccamCode: input.ccamCode ?? null,
          loincCode: loinc?.code ?? null,
          loincLabel: loinc?.label ?? null,
          preparation: input.preparation ?? null,
        });
        await audit(tx, 'exam-type.created', row.id);
        return row;
      }),
  };
}
