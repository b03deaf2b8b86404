import {
  findPatient,
  insertIdentityEvent,
  listIdentifiers,
  markPatientMerged,
  moveIdentifiers,
  moveIdentityDocuments,
  recordAudit,
  type PatientRow,
  type TenantTx,
} from '@rayon/db';
import { AppError } from '@rayon/domain';
import type { IdentityContext } from './patient-identity.ts';

/**
 * Merges a duplicate (absorbed) into the surviving patient: the survivor keeps its identity;
 * the absorbed patient's identifiers and documents move to it and the absorbed record is kept,
 * marked merged, for the history. Every table holding patient data must be moved here too
 * (orders and exams when they exist).
 */
export async function mergePatients(
  tx: TenantTx,
  survivorId: string,
  absorbedId: string,
  ctx: IdentityContext,
) {
  if (survivorId === absorbedId)
    throw new AppError('BAD_INPUT', 'a patient cannot be merged into itself', {
      field: 'absorbedId',
      reason: 'identity.merge.self',
    });
  // Lock both in a stable order (no deadlock between two opposite merges).
  const locked = new Map<string, PatientRow | undefined>();
  for (const id of [survivorId, absorbedId].sort())
    locked.set(id, await findPatient(tx, id, { forUpdate: true }));
  const survivor = locked.get(survivorId);
  const absorbed = locked.get(absorbedId);
  if (!survivor) {
    throw new AppError('NOT_FOUND', 'surviving patient not found', {
      reason: 'identity.merge.survivor_not_found',
    });
  }
  if (!absorbed) {
    throw new AppError('NOT_FOUND', 'patient to merge not found', {
      reason: 'identity.merge.absorbed_not_found',
    });
  }
  if (survivor.mergedInto) {
    throw new AppError('CONFLICT', 'the surviving patient was itself merged', {
      field: 'survivorId',
      reason: 'identity.merge.survivor_merged',
    });
  }
  if (absorbed.mergedInto) {
    throw new AppError('CONFLICT', 'this patient was already merged', {
      field: 'absorbedId',
      reason: 'identity.merge.already_merged',
    });
  }

  const identifiers = await listIdentifiers(tx, absorbedId);
  await moveIdentifiers(tx, absorbedId, survivorId);
  await moveIdentityDocuments(tx, absorbedId, survivorId);
  await markPatientMerged(tx, absorbedId, survivorId);

  const moved = identifiers.map((i) => ({ field: `identifier.${i.authority}`, from: null, to: i.value }));
  const event = {
    at: ctx.now,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    source: ctx.source,
    hl7MessageId: ctx.hl7MessageId ?? null,
    note: ctx.note ?? null,
  };
  await insertIdentityEvent(tx, {
    ...event,
    patientId: absorbedId,
    action: 'merged',
    changes: [{ field: 'mergedInto', from: null, to: survivorId }],
  });
  await insertIdentityEvent(tx, {
    ...event,
    patientId: survivorId,
    action: 'absorbed',
    changes: [{ field: 'absorbed', from: null, to: absorbedId }, ...moved],
  });
  await recordAudit(tx, {
    actor: ctx.actor,
    action: 'patient.merged',
    target: survivorId,
    requestId: ctx.requestId ?? null,
    details: { absorbed: absorbedId, source: ctx.source },
  });
  return { survivorId, absorbedId, movedIdentifiers: identifiers.length };
}
