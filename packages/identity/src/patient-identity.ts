/**
 * The identity business area on top of the domain rules: every change of a patient's identity
 * is one transaction that applies a pure rule of `@rayon/domain`, writes the new state and its
 * history entry (who, when, from what source, what changed) and an audit event.
 */
import {
  attachIdentifier,
  findPatient,
  findPatientByIns,
  identityOf,
  insertIdentityEvent,
  insertPatient,
  patientColumnsOf,
  recordAudit,
  updatePatient,
  type Actor,
  type PatientRow,
  type TenantTx,
} from '@rayon/db';
import {
  AppError,
  newIdentity,
  type CreateIdentityInput,
  type IdentityChange,
  type IdentityEventAction,
  type IdentitySource,
  type IdentityUpdate,
  type LocalIdentifier,
  type PatientIdentity,
} from '@rayon/domain';

export interface IdentityContext {
  actor: Actor;
  source: IdentitySource;
  requestId?: string | null;
  hl7MessageId?: string | null;
  now: Date;
  note?: string | null;
}

async function recordChange(
  tx: TenantTx,
  patientId: string,
  action: IdentityEventAction,
  changes: IdentityChange[],
  ctx: IdentityContext,
): Promise<void> {
  // Both sent at once (one round trip): the history entry, then the audit event.
  await Promise.all([
    insertIdentityEvent(tx, {
      patientId,
      at: ctx.now,
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      source: ctx.source,
      action,
      changes,
      hl7MessageId: ctx.hl7MessageId ?? null,
      note: ctx.note ?? null,
    }),
    // Ids only: the audit trail never holds patient data.
    recordAudit(tx, {
      actor: ctx.actor,
      action: `patient.${action}`,
      target: patientId,
      requestId: ctx.requestId ?? null,
      details: { source: ctx.source, fields: changes.map((c) => c.field) },
    }),
  ]);
}

/**
 * One INS, one active patient: an INS already held by another patient means a probable
 * duplicate, to be merged by a person (never silently).
 */
async function assertInsFree(tx: TenantTx, identity: PatientIdentity, patientId: string | null) {
  if (!identity.ins) return;
  const holder = await findPatientByIns(tx, identity.ins.matricule, identity.ins.oid);
  if (holder && holder.id !== patientId) {
    throw new AppError(
      'CONFLICT',
      `this INS already belongs to patient ${holder.id}: probable duplicate, merge the two records`,
      { field: 'ins' },
    );
  }
}

/** Attaches local identifiers; one held by another patient is refused (CONFLICT naming it). */
async function attachIdentifiers(tx: TenantTx, patientId: string, identifiers: LocalIdentifier[]) {
  const added: IdentityChange[] = [];
  for (const id of identifiers) {
    const result = await attachIdentifier(tx, patientId, id.authority, id.value);
    if (!result.attached) {
      throw new AppError(
        'CONFLICT',
        `identifier ${id.value} of ${id.authority} already belongs to another patient`,
        {
          field: 'identifiers',
          reason: 'identity.ipp.taken',
          params: { value: id.value, authority: id.authority },
        },
      );
    }
    added.push({ field: `identifier.${id.authority}`, from: null, to: id.value });
  }
  return added;
}

export async function createPatient(
  tx: TenantTx,
  input: CreateIdentityInput & { identifiers?: LocalIdentifier[] },
  ctx: IdentityContext,
): Promise<PatientRow> {
  const { identity, changes } = newIdentity(input, ctx.now);
  return insertIdentity(tx, identity, changes, input.identifiers ?? [], ctx);
}

/** Stores an identity built elsewhere (e.g. from an identity feed), with its history entry. */
export async function insertIdentity(
  tx: TenantTx,
  identity: PatientIdentity,
  changes: IdentityChange[],
  identifiers: LocalIdentifier[],
  ctx: IdentityContext,
): Promise<PatientRow> {
  await assertInsFree(tx, identity, null);
  const row = await insertPatient(tx, { ...patientColumnsOf(identity), mergedInto: null });
  const added = await attachIdentifiers(tx, row.id, identifiers);
  await recordChange(tx, row.id, 'created', [...changes, ...added], ctx);
  return row;
}

/**
 * Applies a rule to a patient's identity: locks the row, checks the version the person saw
 * (when given), writes the new state and the history. Nothing is written when nothing changed.
 */
export async function changeIdentity<T extends IdentityUpdate>(
  tx: TenantTx,
  patientId: string,
  expectedVersion: number | undefined,
  action: IdentityEventAction,
  rule: (identity: PatientIdentity, row: PatientRow) => T,
  ctx: IdentityContext,
): Promise<{ row: PatientRow; result: T }> {
  const row = await findPatient(tx, patientId, { forUpdate: true });
  if (!row) throw new AppError('NOT_FOUND', 'patient not found', { reason: 'identity.patient.not_found' });
  if (row.mergedInto) {
    throw new AppError('CONFLICT', `this patient was merged into patient ${row.mergedInto}`, {
      field: 'id',
      reason: 'identity.patient.merged',
    });
  }
  if (expectedVersion !== undefined && expectedVersion !== row.version) {
    throw new AppError('CONFLICT', 'the identity was changed by someone else meanwhile: reload it', {
      field: 'version',
      reason: 'identity.version.changed_by_other',
    });
  }
  const result = rule(identityOf(row), row);
  if (result.changes.length === 0) return { row, result };
  await assertInsFree(tx, result.identity, patientId);
  const updated = await updatePatient(tx, patientId, row.version, patientColumnsOf(result.identity));
  if (!updated)
    throw new AppError('CONFLICT', 'the identity was changed meanwhile: try again', {
      field: 'version',
      reason: 'identity.version.changed',
    });
  await recordChange(tx, patientId, action, result.changes, ctx);
  return { row: updated, result };
}

/** Adds local identifiers to an existing patient, with its history entry. */
export async function addIdentifiers(
  tx: TenantTx,
  patientId: string,
  identifiers: LocalIdentifier[],
  ctx: IdentityContext,
): Promise<void> {
  const added = await attachIdentifiers(tx, patientId, identifiers);
  if (added.length) await recordChange(tx, patientId, 'identifiers-added', added, ctx);
}
