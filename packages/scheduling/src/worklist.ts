import {
  audit,
  getSetting,
  identityOf,
  listWorklistSteps,
  putSetting,
  type TenantTx,
  type UseCaseContext,
} from '@rayon/db';
import type { OtherPatientId, PersonName, WorklistItem, WorklistMatching } from '@rayon/dicom';
import {
  DEFAULT_WORKLIST_MATCHING,
  dicomDateTime,
  insForExchange,
  insNamespace,
  WORKLIST_MATCHING_SETTING,
  type WorklistMatchingSetting,
} from '@rayon/domain';
import type { SchedulingDeps } from './deps.ts';

/** How the practice's worklist matches patient names (accents significant by default). */
const matchingOf = async (tx: TenantTx) => ({
  ...DEFAULT_WORKLIST_MATCHING,
  ...(await getSetting(tx, WORKLIST_MATCHING_SETTING)),
});

const person = (family: string, given?: string | null): PersonName => ({
  family,
  ...(given ? { given } : {}),
});

/**
 * The INS of a qualified identity as Other Patient IDs Sequence carries it, written like the
 * DRIMbox KOS (conformance/dicom/kos-drimbox): Issuer of Patient ID `ASIP-SANTE-INS-NIR`
 * (`ASIP-SANTE-INS-NIA` for the NIA OID, as the HL7 PID-3 namespace), the INS OID as Universal
 * Entity ID (ISO). Any other identity carries no INS.
 * Hypothesis: no French text fixes these attributes for the worklist; the DRIMbox KOS (the
 * object the images are matched against) is the safest model, and its NIA naming follows PID-3.
 */
function insOf(patient: Parameters<typeof identityOf>[0]): OtherPatientId[] {
  const ins = insForExchange(identityOf(patient));
  if (!ins) return [];
  return [{ id: ins.matricule, issuer: insNamespace(ins.oid), issuerOid: ins.oid }];
}

/** How the practice's DICOM worklist matches patient names, and what its modalities find in it. */
export function worklistUseCases({ db }: SchedulingDeps) {
  return {
    /** How the practice's worklist matches patient names (accents significant by default). */
    worklistMatching: (ctx: UseCaseContext) => db.withTenant(ctx.tenant, matchingOf),

    /** The practice chooses whether `NOEL*` finds NOËL on its modalities' worklist. */
    setWorklistMatching: (ctx: UseCaseContext, input: WorklistMatchingSetting) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const value: WorklistMatchingSetting = { accentInsensitiveNames: input.accentInsensitiveNames };
        await putSetting(tx, WORKLIST_MATCHING_SETTING, value);
        await audit(ctx, tx, 'worklist.matching.changed', WORKLIST_MATCHING_SETTING, { ...value });
        return value;
      }),

    /**
     * The Modality Worklist's candidate items of the practice whose appointments start in the
     * window (the DICOM query's scheduled start date, widened by the gateway), and how the
     * practice matches names; the DICOM matching itself is `@rayon/dicom`'s.
     */
    modalityWorklist: async (
      ctx: UseCaseContext,
      window: { from?: Date; to?: Date },
    ): Promise<{ items: WorklistItem[]; matching: WorklistMatching }> => {
      const { rows, matching } = await db.withTenant(ctx.tenant, async (tx) => ({
        rows: await listWorklistSteps(tx, window),
        matching: await matchingOf(tx),
      }));
      const items = rows.map((r): WorklistItem => {
        const start = dicomDateTime(r.appointment.startsAt);
        return {
          patient: {
            name: person(r.patient.birthFamilyName, r.patient.firstBirthForename),
            id: r.ipp ?? r.patient.id,
            issuer: r.ippAuthority ?? 'RAYON',
            birthDate: r.patient.birthDate.replaceAll('-', ''),
            sex: r.patient.sex === 'M' || r.patient.sex === 'F' ? r.patient.sex : 'O',
            otherIds: insOf(r.patient),
          },
          study: {
            accessionNumber: r.order.accessionNumber,
            studyInstanceUid: r.order.studyInstanceUid,
            requestedProcedureId: r.exam.stepId,
            requestedProcedureDescription: r.examType.label,
            ...(r.referrer
              ? { referringPhysicianName: person(r.referrer.familyName, r.referrer.givenName) }
              : {}),
          },
          step: {
            stepId: r.exam.stepId,
            modality: r.modality.type,
            stationAeTitle: r.modality.aeTitle,
            stationName: r.modality.name,
            startDate: start.date,
            startTime: start.time,
            description: r.examType.label,
          },
        };
      });
      return { items, matching: { accentInsensitiveNames: matching.accentInsensitiveNames === true } };
    },
  };
}
