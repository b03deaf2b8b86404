/**
 * Identity feed: HL7 v2.5 ADT as profiled by IHE PAM France (PAM-FR 2.11) and the CI-SIS INS
 * annex, mapped to the identity vocabulary of `@rayon/domain`. Field meanings follow the ANS
 * PAM-FR examples (`conformance/hl7v2/ans-hl7v2-exemples/sgl-pamfr/`,
 * `vague2-consentement-dmp-pamfr/`) and `reference/cda-hl7v2-ins.md` §3.1:
 *
 * - PID-3 (CX, repeating): local identifiers with CX.5 = `PI` (IPP; authority CX.4), and the INS
 *   with CX.5 = `INS`, CX.4 = `ASIP-SANTE-INS-NIR&<OID>&ISO`, OID one of INS_OIDS;
 * - PID-5 (XPN, repeating): the repetition of name type `L` holds the birth name (XPN.1), the
 *   first birth forename (XPN.2) and the list of birth forenames (XPN.3, space separated; the
 *   ANS example `PAT-TROIS^DOMINIQUE^DOMINIQUE^^^^L` repeats the first forename there); the
 *   repetition of type `D` holds the used name and used forename;
 * - PID-7 birth date, PID-8 sex (table 0001), PID-11 repetition of address type `BDL` (birth
 *   place) with the COG in XAD.9, PID-32 identity reliability codes (FR Core table 0445);
 * - MRG-1 (CX, repeating): the absorbed patient's identifiers (A40) or the prior identifiers (A47).
 */
import {
  checkMatricule,
  INS_OID_VALUES,
  isOneOf,
  type Ins,
  type LocalIdentifier,
  type Sex,
  type StrictTraits,
} from '@rayon/domain';
import type { Hl7Charset } from './charset.ts';
import { Hl7Error, type Hl7ErrorCode, type Hl7Location } from './errors.ts';
import { hdName, parseTimestamp, readHdSubcomponents, readHeader } from './header.ts';
import type { Hl7Message, Hl7Repetition, Hl7Segment } from './message.ts';

/**
 * Triggers we map. Identity: A28 add person, A31 update person, A08 update patient, A40 merge,
 * A47 change identifier. Visits carry the same PID and keep the identity up to date: A01 admit,
 * A04 register, A05 pre-admit, A03 discharge, A11 cancel admit, and the PAM-FR movements.
 */
export const ADT_TRIGGERS = [
  'A28',
  'A31',
  'A08',
  'A40',
  'A47',
  'A01',
  'A04',
  'A05',
  'A03',
  'A11',
  'A02',
  'A06',
  'A07',
  'A12',
  'A13',
  'A21',
  'A22',
  'A38',
  'A52',
  'A53',
  'A54',
  'A55',
] as const;
export type AdtTrigger = (typeof ADT_TRIGGERS)[number];

export interface AdtPatient {
  /** PID-3 repetitions with CX.5 = PI (IPP), authority = CX.4 namespace, else its OID. */
  localIdentifiers: LocalIdentifier[];
  /** PID-3 repetition with CX.5 = INS and an INS OID (matricule key checked). */
  ins: Ins | null;
  traits: StrictTraits;
  complementary: { usedFamilyName: string | null; usedForename: string | null };
  /** PID-32, first repetition (VIDE, PROV, VALI, QUAL, RECUP, DOUT, FICT, …), as sent. */
  reliabilityCode: string | null;
  /** PID-32, every repetition. */
  reliabilityCodes: string[];
  /**
   * The optional fields the PID left out (`absent`: the stored value stays) or erased with the
   * HL7 null `""` (`erased`), HL7 v2.5 §2.5.3. The values above read both as "none" (what a new
   * patient gets); an update must not (see identityFromSource in @rayon/domain).
   */
  omitted: Partial<Record<OptionalPidField, 'absent' | 'erased'>>;
}

/**
 * Optional PID data an update may leave out: the INS (no PID-3 repetition of type INS; `""` as
 * its CX.1 erases it), sex (PID-8), list of birth forenames (PID-5.3 of the L name), birth place
 * (no PID-11 repetition of type BDL; `""` as its XAD.9, or PID-11 `""`, erases it), used name
 * and forename (PID-5 D repetition, XPN.1 / XPN.2), PID-32.
 *
 * Hypothesis (PAM-FR 2.11 text unavailable): PID-11 and PID-3 are lists of different things;
 * a list without its BDL (or INS) repetition leaves the birth place (or INS) out rather than
 * erasing it, the safest reading of HL7 v2.5 §2.5.3 for a repeating field.
 */
export type OptionalPidField =
  | 'ins'
  | 'sex'
  | 'birthForenames'
  | 'birthPlaceCode'
  | 'usedFamilyName'
  | 'usedForename'
  | 'reliabilityCodes';

/** The HL7 null: the sender erases the value. */
const HL7_NULL = '""';

/** Something the message got wrong that did not prevent processing (ERR severity W). */
export interface AdtWarning {
  location: Hl7Location;
  hl7ErrorCode: Hl7ErrorCode;
  text: string;
}

export interface AdtEvent {
  trigger: AdtTrigger;
  messageControlId: string;
  /** MSH-7 as ISO 8601 (null if unreadable). */
  sentAt: string | null;
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  charset: Hl7Charset;
  patient: AdtPatient;
  /** A40: the absorbed patient (MRG-1). */
  merged?: { localIdentifiers: LocalIdentifier[]; ins: Ins | null };
  /** A47: the identifiers being replaced (MRG-1). */
  priorIdentifiers?: LocalIdentifier[];
  warnings: AdtWarning[];
}

/** Historical INS-C (calculated INS): no longer an INS; ignored with a warning. */
const INS_C_OID = '1.2.250.1.213.1.4.2';

function content(message: string, location: Hl7Location, code: Hl7ErrorCode = '102'): Hl7Error {
  return new Hl7Error('content', code, message, { location });
}

interface Identifiers {
  localIdentifiers: LocalIdentifier[];
  ins: Ins | null;
  /** A repetition of type INS with the HL7 null as its CX.1. */
  insErased?: boolean;
}

/** Reads a CX list (PID-3, MRG-1): IPPs and the INS. */
function readIdentifiers(seg: Hl7Segment, field: number, warnings: AdtWarning[]): Identifiers {
  const localIdentifiers: LocalIdentifier[] = [];
  let ins: Ins | null = null;
  let insErased = false;
  seg.field(field).repetitions.forEach((rep: Hl7Repetition, i) => {
    if (rep.raw === '') return;
    const value = rep.component(1).value.trim();
    const type = rep.component(5).value.trim().toUpperCase();
    const authority = readHdSubcomponents(rep.component(4).subcomponents);
    const where = seg.location(field, { repetition: i + 1 });
    if (type === 'PI') {
      const name = hdName(authority);
      if (value === '' || name === '') {
        warnings.push({
          location: where,
          hl7ErrorCode: '101',
          text: 'identifier without value or assigning authority (CX.1, CX.4): ignored',
        });
        return;
      }
      localIdentifiers.push({ value, authority: name });
    } else if (type === 'INS') {
      if (value === HL7_NULL) {
        insErased = true;
        return;
      }
      const oid = authority.universalId;
      if (oid === INS_C_OID) {
        warnings.push({ location: where, hl7ErrorCode: '103', text: 'INS-C is no longer an INS: ignored' });
        return;
      }
      if (!isOneOf(INS_OID_VALUES, oid)) {
        throw content(
          `unknown INS assigning authority OID ${JSON.stringify(oid)} (CX.4.2)`,
          {
            ...where,
            component: 4,
            subcomponent: 2,
          },
          '103',
        );
      }
      const check = checkMatricule(value);
      if (!check.valid) throw content(`invalid matricule INS: ${check.message}`, { ...where, component: 1 });
      if (ins && ins.matricule !== check.matricule) {
        throw content('two different INS in one identifier list', where);
      }
      ins = { matricule: check.matricule, oid };
    }
  });
  if (ins && insErased) throw content('PID-3 both gives and erases ("") the INS', seg.location(field));
  return { localIdentifiers, ins, ...(insErased ? { insErased } : {}) };
}

const SEXES: Record<string, Sex> = { M: 'M', F: 'F', U: 'U', O: 'U', A: 'U', N: 'U' };
const COG_RE = /^(?:0[1-9]|[1-9]\d|2[AB])\d{3}$/;

/** Reads PID (identifiers, strict and complementary traits, PID-32): shared with the order messages. */
export function readPatient(pid: Hl7Segment, warnings: AdtWarning[]): AdtPatient {
  const ids = readIdentifiers(pid, 3, warnings);
  const omitted: AdtPatient['omitted'] = {};
  const { insErased, ...identifiers } = ids;
  if (insErased) omitted.ins = 'erased';
  else if (!ids.ins) omitted.ins = 'absent';
  const notErasable = (what: string, location: Hl7Location) =>
    content(`${what} is required: it cannot be erased ("")`, location, '101');

  const names = pid.field(5).repetitions;
  const legalIndex = names.findIndex((n) => n.component(7).value.toUpperCase() === 'L');
  const legal = legalIndex === -1 ? undefined : names[legalIndex];
  if (!legal) throw content('PID-5 has no name of type L (birth name)', pid.location(5), '101');
  const legalAt = pid.location(5, { repetition: legalIndex + 1 });
  const birthFamilyName = legal.component(1).value.trim();
  if (birthFamilyName === '')
    throw content('the birth name (PID-5.1, type L) is required', { ...legalAt, component: 1 }, '101');
  if (birthFamilyName === HL7_NULL)
    throw notErasable('the birth name (PID-5.1, type L)', { ...legalAt, component: 1 });
  const firstBirthForename = legal.component(2).value.trim();
  if (firstBirthForename === '') {
    throw content(
      'the first birth forename (PID-5.2, type L) is required',
      { ...legalAt, component: 2 },
      '101',
    );
  }
  if (firstBirthForename === HL7_NULL)
    throw notErasable('the first birth forename (PID-5.2, type L)', { ...legalAt, component: 2 });
  let list = legal.component(3).value.trim();
  if (list === '') omitted.birthForenames = 'absent';
  else if (list === HL7_NULL) {
    omitted.birthForenames = 'erased';
    list = '';
  }
  const used = names.find((n) => n.component(7).value.toUpperCase() === 'D');
  const usedPart = (n: 1 | 2, field: 'usedFamilyName' | 'usedForename'): string | null => {
    const value = used?.component(n).value.trim() ?? '';
    if (value === '') omitted[field] = 'absent';
    if (value === HL7_NULL) omitted[field] = 'erased';
    return value === '' || value === HL7_NULL ? null : value;
  };

  const rawDate = pid.field(7).value.trim();
  if (rawDate === '') throw content('the birth date (PID-7) is required', pid.location(7), '101');
  if (rawDate === HL7_NULL) throw notErasable('the birth date (PID-7)', pid.location(7));
  const date = parseTimestamp(rawDate);
  if (!date || (date.precision !== 'day' && date.precision !== 'time')) {
    throw content(`invalid birth date in PID-7: ${JSON.stringify(rawDate.slice(0, 30))}`, pid.location(7));
  }

  const rawSex = pid.field(8).value.trim().toUpperCase();
  if (rawSex === HL7_NULL) throw notErasable('the sex (PID-8)', pid.location(8));
  if (rawSex === '') omitted.sex = 'absent';
  const sex = rawSex === '' ? 'U' : SEXES[rawSex];
  if (!sex)
    throw content(`unknown sex in PID-8: ${JSON.stringify(rawSex.slice(0, 10))}`, pid.location(8), '103');

  let birthPlaceCode: string | null = null;
  omitted.birthPlaceCode = pid.field(11).isNull ? 'erased' : 'absent';
  pid.field(11).repetitions.forEach((addr, i) => {
    if (omitted.birthPlaceCode !== 'absent' || addr.component(7).value.toUpperCase() !== 'BDL') return;
    const cog = addr.component(9).value.trim().toUpperCase();
    if (cog === '') return;
    if (cog === HL7_NULL) {
      omitted.birthPlaceCode = 'erased';
      return;
    }
    if (!COG_RE.test(cog)) {
      throw content(`invalid birth place code (COG) in PID-11: ${JSON.stringify(cog.slice(0, 10))}`, {
        ...pid.location(11, { repetition: i + 1 }),
        component: 9,
      });
    }
    birthPlaceCode = cog;
    delete omitted.birthPlaceCode;
  });

  const pid32 = pid.field(32);
  const reliabilityCodes = pid32.isNull
    ? []
    : pid32.repetitions.map((r) => r.value.trim()).filter((v) => v !== '' && v !== HL7_NULL);
  if (pid32.isNull) omitted.reliabilityCodes = 'erased';
  else if (reliabilityCodes.length === 0) omitted.reliabilityCodes = 'absent';
  return {
    ...identifiers,
    traits: {
      birthFamilyName,
      firstBirthForename,
      birthForenames: list === '' ? firstBirthForename : list,
      birthDate: date.iso.slice(0, 10),
      sex,
      birthPlaceCode,
    },
    complementary: {
      usedFamilyName: usedPart(1, 'usedFamilyName'),
      usedForename: usedPart(2, 'usedForename'),
    },
    reliabilityCode: reliabilityCodes[0] ?? null,
    reliabilityCodes,
    omitted,
  };
}

/**
 * Maps a parsed ADT message. Throws {@link Hl7Error}: AR 200 for a message that is not ADT,
 * AR 201 for a trigger we do not map, AE for content (missing PID/MRG → 100, missing field →
 * 101, invalid date or matricule key → 102, unknown code → 103), with the location.
 */
export function parseAdt(msg: Hl7Message): AdtEvent {
  const header = readHeader(msg);
  const msh9 = { segment: 'MSH', sequence: 1, field: 9 };
  if (header.messageCode !== 'ADT') {
    throw new Hl7Error('unsupported', '200', `unsupported message type ${header.messageCode}: ADT expected`, {
      location: { ...msh9, component: 1 },
    });
  }
  const trigger = header.triggerEvent.toUpperCase();
  if (!isOneOf(ADT_TRIGGERS, trigger)) {
    throw new Hl7Error(
      'unsupported',
      '201',
      `unsupported ADT trigger event ${JSON.stringify(trigger.slice(0, 10))}`,
      {
        location: { ...msh9, component: 2 },
      },
    );
  }
  const pid = msg.get('PID');
  if (!pid)
    throw content(`an ${trigger} message requires a PID segment`, { segment: 'PID', sequence: 1 }, '100');

  const warnings: AdtWarning[] = [];
  const patient = readPatient(pid, warnings);
  if (patient.localIdentifiers.length === 0) {
    throw content('PID-3 has no local patient identifier (CX.5 = PI)', pid.location(3), '101');
  }
  const event: AdtEvent = {
    trigger: trigger as AdtTrigger,
    messageControlId: header.controlId,
    sentAt: header.sentAt,
    sendingApplication: hdName(header.sendingApplication),
    sendingFacility: hdName(header.sendingFacility),
    receivingApplication: hdName(header.receivingApplication),
    receivingFacility: hdName(header.receivingFacility),
    charset: header.charset,
    patient,
    warnings,
  };
  if (trigger === 'A40' || trigger === 'A47') {
    const mrg = msg.get('MRG');
    if (!mrg)
      throw content(`an ${trigger} message requires an MRG segment`, { segment: 'MRG', sequence: 1 }, '100');
    const prior = readIdentifiers(mrg, 1, warnings);
    const needed =
      trigger === 'A47' ? prior.localIdentifiers.length > 0 : prior.localIdentifiers.length > 0 || prior.ins;
    if (!needed) throw content('MRG-1 (prior patient identifier list) is required', mrg.location(1), '101');
    if (trigger === 'A40') event.merged = prior;
    else event.priorIdentifiers = prior.localIdentifiers;
  }
  return event;
}
