/**
 * Identities received from the establishment's identity source (the hospital's GAM, over IHE
 * PAM / HL7 ADT). Within an identification domain the RIS is a consumer: it takes the identity as
 * the source states it (PID-32, FR Core table 0445: PROV, RECUP, VALI, QUAL, plus attributes
 * DOUT, FICT, HOMA/HOMD), within the RNIV's safeguards.
 *
 * What a message leaves out is not what it erases (HL7 v2.5 §2.5.3 "null values in fields": an
 * empty field does not overwrite the stored value, the null `""` does). Here `undefined` is a
 * field the message left out (the stored value stays) and `null` is the HL7 null (the sender
 * erases it); a value is taken as stated. Per field, for an identity already known:
 *
 * | field | left out | `""` | value |
 * | --- | --- | --- | --- |
 * | birth name, first birth forename, birth date | (required) | refused by the reader | taken |
 * | sex | kept | refused by the reader | taken |
 * | list of birth forenames, birth place | kept | erased only while the identity is provisoire (else kept, noted) | taken |
 * | used name, used forename | kept | erased | taken |
 * | INS | kept | erased | taken |
 * | PID-32 codes | kept (status and attributes) | attributes DOUT/FICT erased, status kept | below |
 *
 * The status is the crossing of two facts (INS retrieved via INSi; high-trust document checked).
 * A message raises them as it states (RECUP/QUAL with an INS: retrieved; VALI/QUAL: document
 * checked). It lowers them only by these rules (RNIV), never by leaving a field out and never by
 * a lower PID-32 code alone (not applied, noted):
 * 1. DOUT or FICT: provisoire, the INS is removed (a doubtful or fictive identity has no INS);
 * 2. a strict trait changes: the stored INS went with the old traits (the INS is the matricule
 *    *and* the traits INSi returned): it is removed unless the message states an INS, and the
 *    retrieval holds only if the message states RECUP/QUAL with an INS; the document check
 *    holds if the traits are the same in INS form (case, accents, separators) or if the message
 *    states VALI/QUAL. Traits of a retrieved identity that are the same in INS form are kept as
 *    INSi returned them (nothing changes);
 * 3. the INS is erased (`""`) or replaced by another matricule: the retrieval no longer holds
 *    unless the message states RECUP/QUAL with that INS.
 *
 * Hypothesis: the PAM-FR 2.11 text is not available here (shared/reference/cda-hl7v2-ins.md
 * §3.1, §6). Taken from HL7 v2.5 §2.5.3 and the RNIV: an omitted field is "not stated"; a lower
 * status code alone (e.g. the VALI the ANS examples send with the INS of what may be a qualified
 * identity) is not a reason to lower the status; erasing a strict trait of an identity whose
 * traits were verified (validee, recuperee, qualifiee) is not something a feed may do.
 * Whether a qualified identity is sent as QUAL or as VALI with the INS is not confirmed either:
 * codes are read literally (VALI = validee: the INS is kept but not carried).
 */
import { diffIdentity } from './identity.ts';
import { searchKey, toInsForm } from './names.ts';
import { cleanComplementaryTraits, sameStrictTraits, validateStrictTraits } from './traits.ts';
import type {
  IdentityChange,
  IdentityStatus,
  IdentityUpdate,
  Ins,
  PatientIdentity,
  StrictTraits,
} from './types.ts';

/** Strict traits as the source states them: `undefined` left out (kept), `null` erased (`""`). */
export interface SourceTraits {
  birthFamilyName: string;
  firstBirthForename: string;
  /** Left out or erased: the first birth forename alone (creation; see the table above). */
  birthForenames?: string | null;
  birthDate: string;
  /** Left out: kept (creation: U). */
  sex?: string;
  birthPlaceCode?: string | null;
}

export interface SourceIdentity {
  traits: SourceTraits;
  complementary: { usedFamilyName?: string | null; usedForename?: string | null };
  /** Left out (`undefined`): kept; `null`: erased by the HL7 null. */
  ins?: Ins | null;
  /** PID-32 repetitions as sent; `undefined` left out, `null` erased (`""`). */
  reliabilityCodes?: string[] | null;
}

/** Something the message stated that was not applied, for the identity history. */
export interface SourceNote {
  field: string;
  reason: string;
}

export interface SourceUpdate extends IdentityUpdate {
  notes: SourceNote[];
}

const STATUS_OF_CODE: Record<string, IdentityStatus> = {
  VIDE: 'provisoire',
  PROV: 'provisoire',
  RECUP: 'recuperee',
  VALI: 'validee',
  QUAL: 'qualifiee',
};

function statusFor(retrieved: boolean, documentChecked: boolean): IdentityStatus {
  if (retrieved) return documentChecked ? 'qualifiee' : 'recuperee';
  return documentChecked ? 'validee' : 'provisoire';
}

const sameName = (a: string, b: string) => searchKey(toInsForm(a)) === searchKey(toInsForm(b));

const sameIns = (a: Ins | null, b: Ins | null) =>
  a === b || (a !== null && b !== null && a.matricule === b.matricule && a.oid === b.oid);

/**
 * The identity as the source states it, and what changed against `current` (null: new patient),
 * by the rules above. Strict traits are checked like any other (a bad one is an error naming
 * the field).
 */
export function identityFromSource(
  current: PatientIdentity | null,
  source: SourceIdentity,
  now: Date,
): SourceUpdate {
  const notes: SourceNote[] = [];
  const codes =
    source.reliabilityCodes === undefined
      ? undefined
      : (source.reliabilityCodes ?? []).map((c) => c.trim().toUpperCase());
  const stated = codes?.map((c) => STATUS_OF_CODE[c]).find((s) => s !== undefined);
  const statesRetrieved = stated === 'recuperee' || stated === 'qualifiee';
  const statesDocument = stated === 'validee' || stated === 'qualifiee';
  const verified = current !== null && current.status !== 'provisoire';

  // Strict traits: what is left out is kept; a verified identity's traits are not erased.
  const keptOrErased = (field: 'birthForenames' | 'birthPlaceCode'): string | null => {
    const value = source.traits[field];
    if (value !== undefined && value !== null) return value;
    if (current === null) return null;
    if (value === null) {
      if (!verified) return null;
      notes.push({
        field: `traits.${field}`,
        reason: 'not erased: a strict trait of a validated, retrieved or qualified identity (RNIV)',
      });
      return current.traits[field];
    }
    // Left out. A stored list that began with another first forename no longer fits: the new one alone.
    if (
      field === 'birthForenames' &&
      !sameName(current.traits.firstBirthForename, source.traits.firstBirthForename)
    ) {
      return null;
    }
    return current.traits[field];
  };
  let traits: StrictTraits = validateStrictTraits(
    {
      birthFamilyName: source.traits.birthFamilyName,
      firstBirthForename: source.traits.firstBirthForename,
      birthForenames: keptOrErased('birthForenames'),
      birthDate: source.traits.birthDate,
      sex: source.traits.sex ?? current?.traits.sex ?? 'U',
      birthPlaceCode: keptOrErased('birthPlaceCode'),
    },
    now,
  );

  const complementary = cleanComplementaryTraits({
    usedFamilyName:
      source.complementary.usedFamilyName === undefined
        ? (current?.complementary.usedFamilyName ?? null)
        : source.complementary.usedFamilyName,
    usedForename:
      source.complementary.usedForename === undefined
        ? (current?.complementary.usedForename ?? null)
        : source.complementary.usedForename,
  });

  const douteuse = codes === undefined ? (current?.attributes.douteuse ?? false) : codes.includes('DOUT');
  const fictive = codes === undefined ? (current?.attributes.fictive ?? false) : codes.includes('FICT');
  const homonyme =
    (codes ?? []).includes('HOMA') ||
    (codes ?? []).includes('HOMD') ||
    (current?.attributes.homonyme ?? false);

  let ins: Ins | null = source.ins === undefined ? (current?.ins ?? null) : source.ins;
  let retrieved = current?.status === 'recuperee' || current?.status === 'qualifiee';
  let documentChecked = current?.status === 'validee' || current?.status === 'qualifiee';

  if (current !== null) {
    const changed = (Object.keys(traits) as (keyof StrictTraits)[]).some(
      (k) => traits[k] !== current.traits[k],
    );
    if (changed && retrieved && sameStrictTraits(current.traits, traits)) {
      // Same traits in INS form: those INSi returned are kept as returned.
      traits = current.traits;
    } else if (changed) {
      // Rule 2: the INS is the matricule and the traits INSi returned; the stored INS went
      // with the old traits (the message may state one again).
      if (!(statesRetrieved && source.ins)) retrieved = false;
      if (source.ins === undefined) ins = null;
      documentChecked = documentChecked && sameStrictTraits(current.traits, traits);
    }
    // Rule 3: the retrieval was of the INS stored.
    if (!sameIns(current.ins, ins)) retrieved = false;
  }

  // What the source states raises the facts it vouches for.
  if (statesRetrieved && ins !== null) retrieved = true;
  if (statesDocument) documentChecked = true;
  if (ins === null) retrieved = false;
  // Rule 1 (RNIV): a doubtful or fictive identity stays provisoire, without INS.
  if (douteuse || fictive) {
    retrieved = false;
    documentChecked = false;
    ins = null;
  }
  const status = statusFor(retrieved, documentChecked);
  if (stated !== undefined && stated !== status) {
    notes.push({
      field: 'status',
      reason: `PID-32 states ${stated}; the status is ${status} (a status code alone does not lower a status, a retrieved status needs an INS, DOUT/FICT keep an identity provisoire)`,
    });
  }
  const retrievedAt =
    current?.insRetrievedAt && sameIns(current.ins, ins) ? current.insRetrievedAt : now.toISOString();
  const after: PatientIdentity = {
    traits,
    complementary,
    status,
    attributes: { douteuse, fictive, homonyme },
    ins,
    insRetrievedAt: retrieved ? retrievedAt : null,
    identityDocument: documentChecked
      ? (current?.identityDocument ?? { type: 'autre', checkedAt: now.toISOString() })
      : null,
  };
  const changes: IdentityChange[] = diffIdentity(current, after);
  return { identity: after, changes, notes };
}
