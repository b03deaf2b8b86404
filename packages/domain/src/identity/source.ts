/**
 * Identities received from the establishment's identity source (the hospital's GAM, over IHE
 * PAM / HL7 ADT). Within an identification domain the RIS is a consumer: it takes the identity as
 * the source manages it, status included (PID-32, FR Core table 0445: PROV, RECUP, VALI, QUAL,
 * plus attributes DOUT, FICT, HOMA/HOMD), instead of re-deriving it from events it did not see.
 * Safeguards (RNIV): a retrieved or qualified status needs the INS it was retrieved with, and a
 * doubtful or fictive identity stays provisoire whatever else is said.
 *
 * Not confirmed here (PAM-FR 2.11 text unavailable, see shared/reference/cda-hl7v2-ins.md §3.1):
 * whether a qualified identity is sent as QUAL or as VALI with the INS; the ANS examples send
 * VALI with an INS. We take the codes literally: VALI = validee (the INS is kept but, the
 * identity not being qualified, not carried in documents and messages).
 */
import { diffIdentity } from './identity.ts';
import { cleanComplementaryTraits, validateStrictTraits, type StrictTraitsInput } from './traits.ts';
import type { ComplementaryTraits, IdentityStatus, IdentityUpdate, Ins, PatientIdentity } from './types.ts';

export interface SourceIdentity {
  traits: StrictTraitsInput;
  complementary: ComplementaryTraits;
  ins: Ins | null;
  /** PID-32 repetitions as sent. */
  reliabilityCodes: string[];
}

const STATUS_OF_CODE: Record<string, IdentityStatus> = {
  VIDE: 'provisoire',
  PROV: 'provisoire',
  RECUP: 'recuperee',
  VALI: 'validee',
  QUAL: 'qualifiee',
};

/**
 * The identity as the source states it, and what changed against `current` (null: new patient).
 * Strict traits are checked like any other (a bad one is an error naming the field).
 */
export function identityFromSource(
  current: PatientIdentity | null,
  source: SourceIdentity,
  now: Date,
): IdentityUpdate {
  const traits = validateStrictTraits(source.traits, now);
  const codes = source.reliabilityCodes.map((c) => c.trim().toUpperCase());
  const douteuse = codes.includes('DOUT');
  const fictive = codes.includes('FICT');
  const homonyme =
    codes.includes('HOMA') || codes.includes('HOMD') || (current?.attributes.homonyme ?? false);
  let status = codes.map((c) => STATUS_OF_CODE[c]).find((s) => s !== undefined) ?? 'provisoire';
  // Retrieved and qualified identities exist only with the INS INSi returned.
  if ((status === 'recuperee' || status === 'qualifiee') && source.ins === null) {
    status = status === 'qualifiee' ? 'validee' : 'provisoire';
  }
  if (douteuse || fictive) status = 'provisoire';
  const documentChecked = status === 'validee' || status === 'qualifiee';
  const retrieved = status === 'recuperee' || status === 'qualifiee';
  const after: PatientIdentity = {
    traits,
    complementary: cleanComplementaryTraits(source.complementary),
    status,
    attributes: { douteuse, fictive, homonyme },
    ins: douteuse || fictive ? null : source.ins,
    insRetrievedAt: retrieved ? (current?.insRetrievedAt ?? now.toISOString()) : null,
    identityDocument: documentChecked
      ? (current?.identityDocument ?? { type: 'autre', checkedAt: now.toISOString() })
      : null,
  };
  return { identity: after, changes: diffIdentity(current, after) };
}
