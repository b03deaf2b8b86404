/**
 * Identity vigilance rules (RNIV — Référentiel national d'identitovigilance, volet 1, and the
 * FR Core code system of the 4 confidence statuses, [EXI SI 07]): statuses, what INSi and the
 * identity document change, what a change of a strict trait undoes, what the attributes do.
 *
 * Statuses are the crossing of two independent facts (FR Core `fr-core-cs-identity-status`):
 *
 * |                         | no high-trust document check | high-trust document checked |
 * | ----------------------- | ---------------------------- | --------------------------- |
 * | not retrieved via INSi  | provisoire                   | validee                     |
 * | retrieved via INSi      | recuperee                    | qualifiee                   |
 *
 * Every function is pure: it returns the new identity and the list of changed fields for the
 * history (who, when and from what source are added by the caller). A refused transition throws
 * an AppError CONFLICT naming the rule; bad input throws BAD_INPUT naming the field.
 */
import { isOneOf } from '../shared/values.ts';
import { conflict } from '../shared/errors.ts';
import type { Reason } from '../shared/reasons.ts';
import { parisDate } from '../shared/paris-time.ts';
import { checkMatricule } from './matricule.ts';
import {
  ageOn,
  cleanComplementaryTraits,
  isIsoDate,
  sameStrictTraits,
  validateStrictTraits,
  type StrictTraitsInput,
} from './traits.ts';
import {
  HIGH_TRUST_DOCUMENT_TYPES,
  IDENTITY_STATUS_CODES,
  INS_OIDS,
  MINOR_ONLY_DOCUMENT_TYPES,
  type ComplementaryTraits,
  type IdentityAttributes,
  type IdentityChange,
  type IdentityChangeValue,
  type IdentityDocumentType,
  type IdentityUpdate,
  type Ins,
  type PatientIdentity,
  type Sex,
  type StrictTraits,
} from './types.ts';

// ------------------------------------------------------------------------------ history

function flatten(identity: PatientIdentity): Record<string, IdentityChangeValue> {
  return {
    'traits.birthFamilyName': identity.traits.birthFamilyName,
    'traits.firstBirthForename': identity.traits.firstBirthForename,
    'traits.birthForenames': identity.traits.birthForenames,
    'traits.birthDate': identity.traits.birthDate,
    'traits.sex': identity.traits.sex,
    'traits.birthPlaceCode': identity.traits.birthPlaceCode,
    'complementary.usedFamilyName': identity.complementary.usedFamilyName ?? null,
    'complementary.usedForename': identity.complementary.usedForename ?? null,
    status: identity.status,
    'attributes.douteuse': identity.attributes.douteuse,
    'attributes.fictive': identity.attributes.fictive,
    'attributes.homonyme': identity.attributes.homonyme,
    'ins.matricule': identity.ins?.matricule ?? null,
    'ins.oid': identity.ins?.oid ?? null,
    insRetrievedAt: identity.insRetrievedAt,
    'identityDocument.type': identity.identityDocument?.type ?? null,
    'identityDocument.checkedAt': identity.identityDocument?.checkedAt ?? null,
  };
}

/** The fields that differ between two versions of an identity, in a stable order. */
export function diffIdentity(before: PatientIdentity | null, after: PatientIdentity): IdentityChange[] {
  const a = before ? flatten(before) : null;
  const b = flatten(after);
  const changes: IdentityChange[] = [];
  for (const [field, to] of Object.entries(b)) {
    const from = a ? (a[field] ?? null) : null;
    if (from !== to) changes.push({ field, from, to });
  }
  return changes;
}

function update(before: PatientIdentity, after: PatientIdentity): IdentityUpdate {
  return { identity: after, changes: diffIdentity(before, after) };
}

/** Back to "not retrieved via INSi": the INS is no longer carried (RNIV: INS = matricule + traits). */
function withoutIns(identity: PatientIdentity): PatientIdentity {
  return { ...identity, ins: null, insRetrievedAt: null };
}

function statusFor(retrieved: boolean, documentChecked: boolean): PatientIdentity['status'] {
  if (retrieved) return documentChecked ? 'qualifiee' : 'recuperee';
  return documentChecked ? 'validee' : 'provisoire';
}

// ----------------------------------------------------------------------------- creation

export interface CreateIdentityInput {
  traits: StrictTraitsInput;
  complementary?: ComplementaryTraits;
  attributes?: Partial<IdentityAttributes>;
}

/**
 * Creates a local identity, status provisoire. Only the strict traits are required and checked;
 * complementary traits and attributes never block the creation (RNIV: an identity can always
 * be created, the status tells how far it can be trusted).
 */
export function newIdentity(input: CreateIdentityInput, now: Date): IdentityUpdate {
  const traits = validateStrictTraits(input.traits, now);
  const identity: PatientIdentity = {
    traits,
    complementary: cleanComplementaryTraits(input.complementary ?? {}),
    status: 'provisoire',
    attributes: {
      douteuse: input.attributes?.douteuse === true,
      fictive: input.attributes?.fictive === true,
      homonyme: input.attributes?.homonyme === true,
    },
    ins: null,
    insRetrievedAt: null,
    identityDocument: null,
  };
  return { identity, changes: diffIdentity(null, identity) };
}

// -------------------------------------------------------------------------------- INSi

/** Traits as INSi returns them (TIQ): `DateNaissance` may carry 00 as day or month. */
export interface InsiTraits {
  birthFamilyName: string;
  /** `Prenom`; when INSi leaves it out, the first forename of `ListePrenom`. */
  firstBirthForename?: string | null;
  /** `ListePrenom`, space separated. */
  birthForenames: string;
  /** `DateNaissance`, `YYYY-MM-DD` as returned (INSi "date lunaire": 00 allowed). */
  birthDate: string;
  sex: Sex;
  /** `LieuNaissance` (COG). */
  birthPlaceCode: string | null;
}

/** An INSi answer (CodeCR 00 with INSACTIF and TIQ, 01 not found, 02 several identities). */
export type InsiAnswer = { code: '00'; ins: Ins; traits: InsiTraits } | { code: '01' } | { code: '02' };

export interface InsiResult extends IdentityUpdate {
  /** applied: the INS and traits were taken; otherwise the identity is unchanged. */
  outcome: 'applied' | 'not_found' | 'several' | 'rejected';
  /** Why the answer was not taken (or, applied, what to check again), in English for logs. */
  reason: string | null;
  /** The same as a stable reason key, for the person at the desk. */
  note: Reason | null;
}

/** INSi may not be called for (nor its answer taken on) a fictive or doubtful identity. */
export function assertInsiAllowed(identity: PatientIdentity): void {
  if (identity.attributes.fictive) {
    throw conflict('INSi cannot be used for a fictive identity (RNIV: a fictive identity stays provisoire)', {
      reason: 'identity.insi.fictive',
    });
  }
  if (identity.attributes.douteuse) {
    throw conflict(
      'INSi cannot be used for a doubtful identity (RNIV: a doubtful identity stays provisoire)',
      { reason: 'identity.insi.doubtful' },
    );
  }
}

/**
 * Applies an INSi answer the operator accepted (RNIV: the returned traits were compared with
 * the person's). Rules:
 * - 01 (not found) and 02 (several identities) change nothing;
 * - an answer whose birth date has 00 as day or month is not taken (INS guide: such an INS
 *   cannot be used): the identity stays as it was, with the reason;
 * - a matricule whose key does not verify, or an unknown OID, is not taken either;
 * - otherwise the INS (INSACTIF, matricule + OID) is kept and the strict traits are replaced by
 *   the traits exactly as INSi returned them. Status: provisoire/recuperee → recuperee;
 *   validee/qualifiee → qualifiee when the returned traits are those checked on the identity
 *   document (compared in INS form), else recuperee and the document check is dropped (it was
 *   made on other traits).
 */
export function applyInsiResult(identity: PatientIdentity, answer: InsiAnswer, now: Date): InsiResult {
  assertInsiAllowed(identity);
  const unchanged = (outcome: InsiResult['outcome'], reason: string, note: Reason): InsiResult => ({
    identity,
    changes: [],
    outcome,
    reason,
    note,
  });
  if (answer.code === '01') {
    return unchanged('not_found', 'INSi found no identity for these traits', {
      reason: 'identity.insi.not_found',
    });
  }
  if (answer.code === '02') {
    return unchanged('several', 'INSi found several identities for these traits', {
      reason: 'identity.insi.several',
    });
  }

  const t = answer.traits;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t.birthDate);
  if (date && (date[2] === '00' || date[3] === '00')) {
    return unchanged(
      'rejected',
      'the birth date returned by INSi is incomplete (00 as day or month): INS not taken',
      { reason: 'identity.insi.birth_date_incomplete' },
    );
  }
  if (!isIsoDate(t.birthDate))
    return unchanged('rejected', 'the birth date returned by INSi is not a valid date', {
      reason: 'identity.insi.birth_date_invalid',
    });
  if (!(Object.values(INS_OIDS) as string[]).includes(answer.ins.oid)) {
    return unchanged('rejected', `unknown INS OID ${answer.ins.oid}`, {
      reason: 'identity.insi.oid_unknown',
      params: { oid: answer.ins.oid },
    });
  }
  const check = checkMatricule(answer.ins.matricule);
  if (!check.valid)
    return unchanged('rejected', `the matricule returned by INSi is invalid: ${check.message}`, {
      reason: 'identity.insi.matricule_invalid',
    });

  const firstBirthForename =
    t.firstBirthForename && t.firstBirthForename.trim() !== ''
      ? t.firstBirthForename
      : (t.birthForenames.trim().split(' ')[0] ?? '');
  const traits: StrictTraits = {
    birthFamilyName: t.birthFamilyName,
    firstBirthForename,
    birthForenames: t.birthForenames,
    birthDate: t.birthDate,
    sex: t.sex,
    birthPlaceCode: t.birthPlaceCode,
  };
  const documentStillHolds = identity.identityDocument !== null && sameStrictTraits(identity.traits, traits);
  const after: PatientIdentity = {
    ...identity,
    traits,
    ins: { matricule: check.matricule, oid: answer.ins.oid },
    insRetrievedAt: now.toISOString(),
    identityDocument: documentStillHolds ? identity.identityDocument : null,
    status: statusFor(true, documentStillHolds),
  };
  const differ = identity.identityDocument !== null && !documentStillHolds;
  return {
    ...update(identity, after),
    outcome: 'applied',
    reason: differ
      ? 'the traits returned by INSi differ from those checked on the identity document: check the document again'
      : null,
    note: differ ? { reason: 'identity.insi.traits_differ' } : null,
  };
}

// --------------------------------------------------------------------- identity document

export interface DocumentCheckOptions {
  /**
   * For a livret de famille or a birth certificate extract (minors only): the high-trust
   * document of a parent, or of the guardian with the court decision, was checked too.
   */
  guardianDocumentChecked?: boolean;
}

/** Refuses documents that cannot validate this identity (see `HIGH_TRUST_DOCUMENT_TYPES`). */
function assertDocumentAccepted(
  identity: PatientIdentity,
  traits: StrictTraits,
  type: IdentityDocumentType,
  now: Date,
  options: DocumentCheckOptions,
): void {
  if (identity.attributes.fictive) {
    throw conflict('a fictive identity cannot be validated (RNIV: it stays provisoire)', {
      reason: 'identity.validation.fictive',
    });
  }
  if (identity.attributes.douteuse) {
    throw conflict('a doubtful identity cannot be validated (RNIV: it stays provisoire)', {
      reason: 'identity.validation.doubtful',
    });
  }
  if (isOneOf(HIGH_TRUST_DOCUMENT_TYPES, type)) return;
  if (isOneOf(MINOR_ONLY_DOCUMENT_TYPES, type)) {
    if (ageOn(traits.birthDate, parisDate(now)) >= 18) {
      throw conflict(
        'a livret de famille or a birth certificate validates the identity of a minor only (RNIV)',
        { reason: 'identity.document.minor_only' },
      );
    }
    if (options.guardianDocumentChecked !== true) {
      throw conflict(
        "a livret de famille or a birth certificate must come with a parent's or guardian's high-trust document (RNIV)",
        { reason: 'identity.document.guardian_required' },
      );
    }
    return;
  }
  if (type === 'carte_vitale') {
    throw conflict('the Carte Vitale is not an identity document: it cannot validate an identity (RNIV)', {
      reason: 'identity.document.carte_vitale',
    });
  }
  throw conflict(
    'only a high-trust identity document (passport, identity card, residence permit) validates an identity',
    { reason: 'identity.document.not_high_trust' },
  );
}

/**
 * Records that a high-trust identity document was checked against the traits:
 * provisoire → validee, recuperee → qualifiee (validee/qualifiee: the check is renewed).
 * Refused (CONFLICT) for a fictive or doubtful identity, for the Carte Vitale and other
 * non-high-trust documents, and for a livret de famille / birth certificate unless the person
 * is a minor and a parent's or guardian's high-trust document was checked too.
 */
export function recordIdentityDocument(
  identity: PatientIdentity,
  type: IdentityDocumentType,
  now: Date,
  options: DocumentCheckOptions = {},
): IdentityUpdate {
  assertDocumentAccepted(identity, identity.traits, type, now, options);
  const after: PatientIdentity = {
    ...identity,
    identityDocument: { type, checkedAt: now.toISOString() },
    status: statusFor(identity.ins !== null, true),
  };
  return update(identity, after);
}

// ------------------------------------------------------------------- strict trait change

export interface StrictTraitsChangeOptions extends DocumentCheckOptions {
  /** The new traits were checked on this high-trust document at the same time. */
  documentChecked?: IdentityDocumentType;
}

/**
 * Changes the strict traits. What it undoes (RNIV: the INS is the matricule *and* the traits
 * INSi returned, which are stored exactly as returned; a document check holds for the traits it
 * was made on):
 * - the INS is no longer carried after any change of an identity retrieved via INSi
 *   (recuperee → provisoire, qualifiee → validee or provisoire, below); INSi must be called again;
 * - the document check still holds only when the new traits are the same in INS form (only case,
 *   accents or separators were corrected): validee stays validee, qualifiee becomes validee;
 *   any other change goes back to provisoire;
 * - `documentChecked`: the new traits were checked on a high-trust document → validee.
 * Same traits as before: nothing changes.
 */
export function changeStrictTraits(
  identity: PatientIdentity,
  input: StrictTraitsInput,
  now: Date,
  options: StrictTraitsChangeOptions = {},
): IdentityUpdate {
  const traits = validateStrictTraits(input, now);
  const unchanged = (Object.keys(traits) as (keyof StrictTraits)[]).every(
    (k) => traits[k] === identity.traits[k],
  );
  if (unchanged) return { identity, changes: [] };

  if (options.documentChecked !== undefined) {
    assertDocumentAccepted(identity, traits, options.documentChecked, now, options);
  }
  const documentHolds = identity.identityDocument !== null && sameStrictTraits(identity.traits, traits);
  let after: PatientIdentity = {
    ...withoutIns(identity),
    traits,
    identityDocument: documentHolds ? identity.identityDocument : null,
  };
  if (options.documentChecked !== undefined) {
    after = { ...after, identityDocument: { type: options.documentChecked, checkedAt: now.toISOString() } };
  }
  after = { ...after, status: statusFor(false, after.identityDocument !== null) };
  return update(identity, after);
}

// -------------------------------------------------------------- complementary, attributes

/** Used name / forename: free, never blocking, no effect on the status. */
export function changeComplementaryTraits(
  identity: PatientIdentity,
  input: ComplementaryTraits,
): IdentityUpdate {
  return update(identity, { ...identity, complementary: cleanComplementaryTraits(input) });
}

/**
 * Sets attributes. `douteuse` and `fictive` are only compatible with the status provisoire
 * (RNIV): setting one on a retrieved, validated or qualified identity takes it back to
 * provisoire, the INS and the document check are dropped, and the INS is never sent for it.
 * `homonyme` has no effect on the status. Clearing an attribute does not restore anything.
 */
export function setAttributes(identity: PatientIdentity, patch: Partial<IdentityAttributes>): IdentityUpdate {
  const attributes: IdentityAttributes = {
    douteuse: patch.douteuse ?? identity.attributes.douteuse,
    fictive: patch.fictive ?? identity.attributes.fictive,
    homonyme: patch.homonyme ?? identity.attributes.homonyme,
  };
  let after: PatientIdentity = { ...identity, attributes };
  if (attributes.douteuse || attributes.fictive) {
    after = { ...withoutIns(after), identityDocument: null, status: 'provisoire' };
  }
  return update(identity, after);
}

// ------------------------------------------------------------------------------- reading

/**
 * The INS to put in documents and messages: only for a qualified identity (RNIV [EXI SI 08];
 * FR Core "Le matricule INS ne peut être véhiculé que dans le cas d'une identité qualifiée"),
 * never for a fictive or doubtful one; otherwise null (the INS is left out).
 */
export function insForExchange(identity: PatientIdentity): Ins | null {
  if (identity.status !== 'qualifiee' || identity.ins === null) return null;
  if (identity.attributes.fictive || identity.attributes.douteuse) return null;
  return identity.ins;
}

/**
 * HL7 PID-32 / FR Core table 0445 codes of an identity: the status, then the attributes
 * (DOUT douteuse, FICT fictive, HOMA homonyme avéré).
 */
export function reliabilityCodes(identity: PatientIdentity): string[] {
  const codes: string[] = [IDENTITY_STATUS_CODES[identity.status]];
  if (identity.attributes.douteuse) codes.push('DOUT');
  if (identity.attributes.fictive) codes.push('FICT');
  if (identity.attributes.homonyme) codes.push('HOMA');
  return codes;
}
