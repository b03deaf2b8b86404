/**
 * The DMP send of one report version, by action: TD0.2 before the first publication for a
 * patient, then ITI-41 (RPLC for a replacement) with the visibility chosen at validation; ITI-57
 * to make an entry visible once the announcement is recorded; ITI-57 deletion for a withdrawal.
 * Runs outside any transaction (the delivery engine's contract): reads through `ctx.read`, the
 * states learnt from the DMP written with the outcome through `ctx.onRecord`.
 */
import type { OrganisationCertificate } from '@rayon/connectors/certificates';
import {
  DeliveryError,
  reportPatientExistence,
  sendReportToDmp,
  updateReportVisibility,
  withdrawReportFromDmp,
  type DmpSoftware,
} from '@rayon/connectors/dmp';
import {
  findOrder,
  findReport,
  listReportDeliveries,
  patientDmpStatus,
  recordDmpStatus,
  traceDmpIdentityDifference,
  type DeliveryRow,
  type TenantTx,
} from '@rayon/db';
import { dmpExistenceOutcome, needsDmpExistenceCheck } from '@rayon/domain';
import type { DeliveryContext, DeliveryResult } from './deliveries.ts';

/** A visibility update with nothing to update: the publication did not reach the DMP. */
export const DMP_VISIBILITY_NOTHING_TO_UPDATE =
  "Le compte rendu n'a pas été publié au DMP : il n'y a pas de visibilité à mettre à jour";

export interface DmpEndpoint {
  endpoint: string;
  ca?: string[] | undefined;
  software: DmpSoftware;
  timeoutMs?: number | undefined;
}

/** What TD0.2 depends on: the send's patient and what the DMP said of it last (publications only). */
export interface DmpPatientState {
  patientId: string;
  status: string | null;
}

/** The send's patient (the row knows it; older rows through their report) and its DMP status. */
export async function dmpPatientState(
  tx: TenantTx,
  delivery: DeliveryRow,
): Promise<DmpPatientState | undefined> {
  if (delivery.action !== 'publish' && delivery.action !== 'replace') return undefined;
  let patientId = delivery.patientId;
  if (!patientId) {
    const report = (await findReport(tx, delivery.reportId))!;
    patientId = (await findOrder(tx, report.orderId))!.patientId;
  }
  return { patientId, status: (await patientDmpStatus(tx, patientId))?.status ?? null };
}

export async function dmpSend(
  ctx: DeliveryContext,
  certificate: OrganisationCertificate,
  dmp: DmpEndpoint,
  /** Read with the claim (publications); else read now. */
  patient?: DmpPatientState | undefined,
): Promise<DeliveryResult> {
  const connection = {
    endpoint: dmp.endpoint,
    ca: dmp.ca,
    certificate,
    software: dmp.software,
    description: ctx.description,
    ...(dmp.timeoutMs ? { timeoutMs: dmp.timeoutMs } : {}),
  };
  const v = ctx.version;
  // The version's visibility (chosen at validation), INVISIBLE_PATIENT while the announcement is
  // pending (read when the send goes: announced meanwhile, it goes visible).
  const confidentiality = {
    masquePs: v.maskedFromProfessionals,
    invisiblePatient: ctx.hiddenFromPatient,
    invisibleRepresentantsLegaux: v.hiddenFromLegalRepresentatives,
  };
  const action = ctx.delivery.action;
  if (action === 'withdraw') {
    const r = await withdrawReportFromDmp(connection);
    if (r.status !== 'success') throw new DeliveryError({ retryable: false, reason: r.reason });
    return {
      remoteId: ctx.description.document.id,
      detail: r.alreadyWithdrawn ? 'already withdrawn' : 'ITI-57 ok',
    };
  }
  if (action === 'visibility') {
    // Only an entry that reached the DMP is updated: a publication kept back (« Pas de DMP »),
    // failed or cancelled leaves nothing to update — it goes visible if it is sent later.
    const published = await ctx.read(async (tx) =>
      (await listReportDeliveries(tx, ctx.delivery.reportId)).some(
        (d) =>
          d.versionId === ctx.delivery.versionId &&
          d.destination === 'dmp' &&
          (d.action === 'publish' || d.action === 'replace') &&
          d.status === 'delivered',
      ),
    );
    if (!published) {
      return {
        remoteId: null,
        detail: 'no publication at the DMP',
        notSent: DMP_VISIBILITY_NOTHING_TO_UPDATE,
      };
    }
    const r = await updateReportVisibility({
      ...connection,
      cda: ctx.cda,
      confidentiality,
      secretConnection: v.secretConnection,
    });
    if (r.status !== 'success') throw new DeliveryError({ retryable: false, reason: r.reason });
    return {
      remoteId: ctx.description.document.id,
      detail: r.alreadyDone
        ? 'visibility already as asked: nothing sent'
        : `ITI-57 metadata update ok (entry version ${r.version})`,
    };
  }
  // TD0.2 before the first publication for this patient (SC.DMP/CONF.01).
  const { patientId, status } = patient ?? (await ctx.read((tx) => dmpPatientState(tx, ctx.delivery)))!;
  if (needsDmpExistenceCheck(action, status)) {
    const answer = await reportPatientExistence(connection);
    if (answer.status === 'not-eligible') {
      throw new DeliveryError({ retryable: false, reason: answer.reason });
    }
    const outcome = dmpExistenceOutcome(
      answer.status === 'exists'
        ? { status: 'exists', insDifference: answer.reportedIns !== undefined }
        : { status: answer.status },
    );
    if ('record' in outcome) {
      const status = outcome.record;
      ctx.onRecord((tx) => recordDmpStatus(tx, patientId, status, ctx.now));
    }
    if ('notSent' in outcome) {
      return { remoteId: null, detail: `TD0.2: ${answer.status}`, notSent: outcome.notSent };
    }
    if ('failed' in outcome) {
      const reported = answer.status === 'exists' ? answer.reportedIns : undefined;
      ctx.onRecord((tx) =>
        traceDmpIdentityDifference(tx, {
          patientId,
          deliveryId: ctx.delivery.id,
          localIns: ctx.description.patient.ins?.matricule ?? '',
          reportedIns: reported?.matricule ?? '',
          at: ctx.now,
        }),
      );
      throw new DeliveryError({
        retryable: false,
        reason: outcome.failed,
        remote: 'TD0.2: the DMP holds the patient under another INS',
      });
    }
  }
  const r = await sendReportToDmp({
    ...connection,
    cda: ctx.cda,
    confidentiality,
    secretConnection: v.secretConnection,
  });
  if (r.status !== 'success') throw new DeliveryError({ retryable: false, reason: r.reason });
  return { remoteId: r.uniqueId, detail: r.alreadyPresent ? 'already present' : 'ITI-41 ok' };
}
