/**
 * What an identity feed message (IHE PAM France, HL7 v2.5 ADT) does to the practice's patients.
 * The source's identity is taken as it states it, by the rules of identityFromSource in
 * @rayon/domain: a field the PID leaves out keeps the stored value, the HL7 null `""` erases it
 * as the RNIV allows, and no message lowers a status except by those rules.
 */
import {
  findPatientByIdentifier,
  findPatientByIns,
  replaceIdentifier,
  type PatientRow,
  type TenantTx,
} from '@rayon/db';
import { mergePatients } from './merge.ts';
import { addIdentifiers, changeIdentity, insertIdentity, type IdentityContext } from './patient-identity.ts';
import {
  AppError,
  identityFromSource,
  type Ins,
  type LocalIdentifier,
  type SourceIdentity,
  type SourceNote,
} from '@rayon/domain';
import { Hl7Error, type AckError, type AdtEvent, type AdtPatient } from '@rayon/hl7';

async function findByIds(tx: TenantTx, ids: { localIdentifiers: LocalIdentifier[]; ins: Ins | null }) {
  for (const id of ids.localIdentifiers) {
    const found = await findPatientByIdentifier(tx, id.authority, id.value);
    if (found) return found.mergedInto ? undefined : found;
  }
  return ids.ins ? findPatientByIns(tx, ids.ins.matricule, ids.ins.oid) : undefined;
}

/** The PID as the domain reads it: `undefined` left out (kept), `null` erased (HL7 `""`). */
function sourceOf(p: AdtPatient): SourceIdentity {
  const stated = <T>(field: keyof AdtPatient['omitted'], value: T): T | null | undefined =>
    p.omitted[field] === 'absent' ? undefined : p.omitted[field] === 'erased' ? null : value;
  return {
    traits: {
      birthFamilyName: p.traits.birthFamilyName,
      firstBirthForename: p.traits.firstBirthForename,
      birthForenames: stated('birthForenames', p.traits.birthForenames),
      birthDate: p.traits.birthDate,
      sex: stated('sex', p.traits.sex) ?? undefined,
      birthPlaceCode: stated('birthPlaceCode', p.traits.birthPlaceCode),
    },
    complementary: {
      usedFamilyName: stated('usedFamilyName', p.complementary.usedFamilyName),
      usedForename: stated('usedForename', p.complementary.usedForename),
    },
    ins: stated('ins', p.ins),
    reliabilityCodes: stated('reliabilityCodes', p.reliabilityCodes),
  };
}

/** Where a note points in the PID (ERR-2). */
const NOTE_FIELDS: Record<string, { field: number; component?: number }> = {
  'traits.birthPlaceCode': { field: 11 },
  'traits.birthForenames': { field: 5, component: 3 },
  status: { field: 32 },
};

/** A note as an ACK warning (ERR severity W, 0 "message accepted"): the sender learns it. */
function warningOf(note: SourceNote): AckError {
  return {
    segment: 'PID',
    sequence: 1,
    ...(NOTE_FIELDS[note.field] ?? { field: 3 }),
    hl7ErrorCode: '0',
    severity: 'W',
    text: `${note.field} not applied: ${note.reason}`,
  };
}

/** What the message stated and was not applied, for the identity history (field names only). */
function noteOf(notes: SourceNote[]): string | null {
  return notes.length === 0
    ? null
    : `not applied: ${notes.map((n) => `${n.field} (${n.reason})`).join('; ')}`;
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
async function upsert(
  tx: TenantTx,
  p: AdtPatient,
  ctx: IdentityContext,
  warnings: AckError[],
): Promise<PatientRow> {
  const existing = await findByIds(tx, p);
  if (!existing) return create(tx, p, ctx);
  return update(tx, existing.id, p, ctx, warnings);
}

/** Applies the PID to a known patient; adds the identifiers it does not have yet. */
async function update(
  tx: TenantTx,
  patientId: string,
  p: AdtPatient,
  ctx: IdentityContext,
  warnings: AckError[],
) {
  // The note is read when the history entry is written, after the rule ran.
  const withNote: IdentityContext = { ...ctx };
  const { row } = await changeIdentity(
    tx,
    patientId,
    undefined,
    'updated',
    (identity) => {
      const result = identityFromSource(identity, sourceOf(p), ctx.now);
      const note = noteOf(result.notes);
      if (note) withNote.note = ctx.note ? `${ctx.note}; ${note}` : note;
      warnings.push(...result.notes.map(warningOf));
      return result;
    },
    withNote,
  );
  const missing: LocalIdentifier[] = [];
  for (const id of p.localIdentifiers) {
    if (!(await findPatientByIdentifier(tx, id.authority, id.value))) missing.push(id);
  }
  await addIdentifiers(tx, row.id, missing, ctx);
  return row;
}

/**
 * Applies one ADT event in the caller's transaction; returns the patient it concerns. What the
 * message got wrong without preventing it, and what it stated that was not applied, are added
 * to `warnings` (ERR severity W of the AA acknowledgement).
 */
export async function applyAdt(
  tx: TenantTx,
  event: AdtEvent,
  ctx: IdentityContext,
  warnings: AckError[] = [],
): Promise<string> {
  warnings.push(
    ...event.warnings.map((w) => ({
      ...w.location,
      hl7ErrorCode: w.hl7ErrorCode,
      severity: 'W' as const,
      text: w.text,
    })),
  );
  switch (event.trigger) {
    case 'A40': {
      // The surviving identity keeps its INS and traits: the PID updates it like an A31 (what it
      // leaves out stays), after the merge, so that it may state the INS the absorbed record held.
      const absorbed = event.merged ? await findByIds(tx, event.merged) : undefined;
      const survivor = await findByIds(tx, event.patient);
      if (!survivor) {
        const created = await create(tx, event.patient, ctx);
        if (absorbed) await mergePatients(tx, created.id, absorbed.id, ctx);
        return created.id;
      }
      if (absorbed && absorbed.id !== survivor.id) await mergePatients(tx, survivor.id, absorbed.id, ctx);
      return (await update(tx, survivor.id, event.patient, ctx, warnings)).id;
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
      return (await upsert(tx, event.patient, ctx, warnings)).id;
  }
}
