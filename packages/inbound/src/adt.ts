/**
 * What an identity feed message (IHE PAM France, HL7 v2.5 ADT) does to the practice's patients.
 * The source's identity is taken as it states it (see identityFromSource in @rayon/domain).
 */
import {
  addIdentifiers,
  changeIdentity,
  findPatientByIdentifier,
  findPatientByIns,
  insertIdentity,
  mergePatients,
  replaceIdentifier,
  type IdentityContext,
  type PatientRow,
  type TenantTx,
} from '@rayon/db';
import { AppError, identityFromSource, type Ins, type LocalIdentifier } from '@rayon/domain';
import { Hl7Error, type AdtEvent, type AdtPatient } from '@rayon/hl7';

async function findByIds(tx: TenantTx, ids: { localIdentifiers: LocalIdentifier[]; ins: Ins | null }) {
  for (const id of ids.localIdentifiers) {
    const found = await findPatientByIdentifier(tx, id.authority, id.value);
    if (found) return found.mergedInto ? undefined : found;
  }
  return ids.ins ? findPatientByIns(tx, ids.ins.matricule, ids.ins.oid) : undefined;
}

function sourceOf(p: AdtPatient) {
  return {
    traits: p.traits,
    complementary: p.complementary,
    ins: p.ins,
    reliabilityCodes: p.reliabilityCodes,
  };
}

function create(tx: TenantTx, p: AdtPatient, ctx: IdentityContext): Promise<PatientRow> {
  const { identity, changes } = identityFromSource(null, sourceOf(p), ctx.now);
  return insertIdentity(tx, identity, changes, p.localIdentifiers, ctx);
}

/** The patient an order names: found by its identifiers or INS (left as it is), else created. */
export async function findOrCreatePatient(
  tx: TenantTx,
  p: AdtPatient,
  ctx: IdentityContext,
): Promise<PatientRow> {
  return (await findByIds(tx, p)) ?? create(tx, p, ctx);
}

/** Creates or updates the patient the message describes; returns it. */
async function upsert(tx: TenantTx, p: AdtPatient, ctx: IdentityContext): Promise<PatientRow> {
  const existing = await findByIds(tx, p);
  if (!existing) return create(tx, p, ctx);
  const { row } = await changeIdentity(
    tx,
    existing.id,
    undefined,
    'updated',
    (identity) => identityFromSource(identity, sourceOf(p), ctx.now),
    ctx,
  );
  const missing: LocalIdentifier[] = [];
  for (const id of p.localIdentifiers) {
    if (!(await findPatientByIdentifier(tx, id.authority, id.value))) missing.push(id);
  }
  await addIdentifiers(tx, row.id, missing, ctx);
  return row;
}

/** Applies one ADT event in the caller's transaction; returns the patient it concerns. */
export async function applyAdt(tx: TenantTx, event: AdtEvent, ctx: IdentityContext): Promise<string> {
  switch (event.trigger) {
    case 'A40': {
      const survivor = await upsert(tx, event.patient, ctx);
      const absorbed = event.merged ? await findByIds(tx, event.merged) : undefined;
      if (absorbed && absorbed.id !== survivor.id) await mergePatients(tx, survivor.id, absorbed.id, ctx);
      return survivor.id;
    }
    case 'A47': {
      const newIds = event.patient.localIdentifiers;
      for (const prior of event.priorIdentifiers ?? []) {
        const next = newIds.find((n) => n.authority === prior.authority);
        if (!next) {
          throw new Hl7Error('content', '101', `no new identifier of ${prior.authority} in PID-3`, {
            location: { segment: 'PID', sequence: 1, field: 3 },
          });
        }
        if (!(await replaceIdentifier(tx, prior.authority, prior.value, next.value))) {
          throw new Hl7Error(
            'content',
            '204',
            `unknown prior identifier ${prior.value} of ${prior.authority}`,
            {
              location: { segment: 'MRG', sequence: 1, field: 1 },
            },
          );
        }
      }
      const patient = await findByIds(tx, event.patient);
      if (!patient) throw new AppError('NOT_FOUND', 'patient not found after the identifier change');
      return patient.id;
    }
    default:
      return (await upsert(tx, event.patient, ctx)).id;
  }
}
