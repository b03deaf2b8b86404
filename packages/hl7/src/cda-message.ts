/**
 * The report's CDA handed to a hospital intermediation platform (PFI) in HL7 v2, as the CI-SIS
 * volet « Transmission de document(s) CDA en HL7v2 » (v2.1, `MSH-21 = 2.1^CISIS_CDA_HL7_V2`)
 * specifies it: `conformance/hl7v2/spec-transmission-cda-hl7v2/profils-messages.md`,
 * `evenements-declenchants.md`, `meta-dmp-mss.md`, `regles-gestion-mssante.md`, and the ANS
 * messages of `conformance/hl7v2/ans-hl7v2-exemples/vague2-transmission-cda/` (summary in
 * `reference/cda-hl7v2-ins.md` §3.3).
 *
 * | action      | ORU (v2.5)       | MDM (v2.6)         | OBX-11 | ORC-1 |
 * | initial     | ORU^R01^ORU_R01  | MDM^T02^MDM_T02    | F      | NW    |
 * | replacement | ORU^R01^ORU_R01  | MDM^T10^MDM_T02    | C      | RO    |
 * | deletion    | ORU^R01^ORU_R01  | MDM^T04^MDM_T02    | D      | CA    |
 *
 * Segments, in order: MSH, [EVN (MDM)], PID, PV1, ORC, OBR, [TXA (MDM)], then the document OBX
 * (ED, `^TEXT^XML^Base64^…` in ORU / `^text^XML^Base64^…` in MDM) followed by its PRT segments
 * (sender SB, MSSanté recipients RCT, reply address REPLY), then the metadata OBX in the fixed
 * order of the guide (MASQUE_PS, INVISIBLE_PATIENT, INVISIBLE_REP_LEGAUX, CONNEXION_SECRETE,
 * MODIF_CONF_CODE, DESTDMP, DESTMSSANTEPS, DESTMSSANTEPAT [+ NTE-4 `FIN`], ACK_RECEPTION,
 * ACK_LECTURE_MSS, CORPSMAIL_PS, CORPSMAIL_PATIENT); value type CE in ORU, CWE in MDM.
 *
 * Pure: the caller gives the clock, the control id and the CDA bytes. The description type is a
 * structural subset of `ReportDocument` (`@rayon/documents`), so a report's description can be
 * passed as is without this package depending on the renderer.
 */
import {
  badInput,
  IDENTITY_STATUS_CODES,
  insNamespace,
  zonedHl7Timestamp,
  type IdentityStatus,
} from '@rayon/domain';
import type { BuiltMessage } from './ack.ts';
import { encodeText } from './charset.ts';
import { DEFAULT_ENCODING, encodingCharactersField, escapeValue } from './encoding.ts';

export type CdaMessageProfile = 'ORU' | 'MDM';
export type CdaMessageAction = 'initial' | 'replacement' | 'deletion';

/** OIDs of the national directories (ANS "OID de gestion"). */
export const NATIONAL_OIDS = {
  /** Identifiant national des professionnels (IdNat PS = `8` + RPPS). */
  professional: '1.2.250.1.71.4.2.1',
  /** Identifiant national des structures (IdNat structure = `1` + FINESS or `3` + SIRET). */
  structure: '1.2.250.1.71.4.2.2',
} as const;

/** What the builder reads of a report description (a structural subset of `ReportDocument`). */
export interface CdaMessageDescription {
  document: {
    /** This version's id: the CDA `ClinicalDocument/id/@root` (OID or UUID, no extension). */
    id: string;
    /** The replaced version's id (replacement). */
    replaces?: string | undefined;
  };
  organisation: { name: string; idNat: string };
  patient: {
    identityStatus: IdentityStatus;
    ins?: { matricule: string; oid: string } | undefined;
    localId?: { root: string; extension: string } | undefined;
    birthFamilyName: string;
    firstBirthForename: string;
    birthForenames: string;
    usedFamilyName?: string | undefined;
    usedForename?: string | undefined;
    /** YYYY-MM-DD. */
    birthDate: string;
    sex: 'F' | 'M' | 'U';
    birthPlaceCode?: string | undefined;
  };
  exams: readonly { accessionNumber: string }[];
  order?: { placerOrderNumber: string; placerAuthority: string } | undefined;
  accessionAuthority: string;
  radiologist: { rpps: string; familyName: string; givenName?: string | undefined };
  /** ISO 8601 with offset: TXA-4 (activity date) of the MDM. */
  validatedAt: string;
}

/**
 * The restriction metadata (table « MetaDMPMSS »), each rendered as a Y/N OBX. The first eight
 * are required by the guide; the two acknowledgement requests are optional (left out when
 * undefined).
 */
export interface CdaMessageFlags {
  /** MASQUE_PS: hidden to health professionals in the DMP. */
  masquePs: boolean;
  /** INVISIBLE_PATIENT: not visible to the patient (nor sent to them by MSSanté). */
  invisiblePatient: boolean;
  /** INVISIBLE_REP_LEGAUX: not visible to the patient's legal representatives. */
  invisibleRepresentantsLegaux: boolean;
  /** CONNEXION_SECRETE: the DMP transaction is a « connexion secrète » one. */
  connexionSecrete: boolean;
  /** MODIF_CONF_CODE: this transaction changes masking / visibility. */
  modifConfCode: boolean;
  /** DESTDMP: publish to the DMP. */
  destDmp: boolean;
  /** DESTMSSANTEPS: send to professionals / organisations / applicative mailboxes (RCT PRTs). */
  destMssantePs: boolean;
  /** DESTMSSANTEPAT: send to the patient's MSSanté mailbox (RCT PRT with the patient's address). */
  destMssantePatient: boolean;
  /** ACK_RECEPTION: ask for the DMP / MSSanté receipts (ZAM^Z01 / Z02). */
  ackReception?: boolean | undefined;
  /** ACK_LECTURE_MSS: ask for MSSanté read receipts (ZAM^Z03). */
  ackLectureMss?: boolean | undefined;
}

/** An MSSanté recipient (PRT-4 `RCT`): its address in PRT-15.4. */
export type MssanteRecipient =
  | {
      kind: 'professional';
      address: string;
      /** RPPS (11 digits): PRT-5 carries the IdNat `8` + RPPS. */
      rpps?: string | undefined;
      familyName?: string | undefined;
      givenName?: string | undefined;
    }
  /** The patient (`<INS>@patient.mssante.fr`): PRT-5 carries the INS of the qualified identity. */
  | { kind: 'patient'; address: string }
  /** An organisation or applicative mailbox known by its address only. */
  | { kind: 'other'; address: string };

/** HD of MSH-3..6: a namespace, optionally with its OID. */
export type HdValue = string | { namespaceId: string; universalId?: string; universalIdType?: string };

export interface CdaMessageInput {
  profile: CdaMessageProfile;
  action: CdaMessageAction;
  /** MSH-10: unique per message (the ACK's MSA-2 must give it back). Max 20 characters. */
  controlId: string;
  /** MSH-7 (and EVN-2 of the MDM). */
  now: Date;
  /** Time zone of the timestamps (default Europe/Paris). */
  timeZone?: string;
  sendingApplication: HdValue;
  sendingFacility: HdValue;
  receivingApplication: HdValue;
  receivingFacility: HdValue;
  /** MSH-11: P production (default), T test, D debug. */
  processingId?: 'P' | 'T' | 'D';
  /** MSH-18: the guide allows `UNICODE UTF-8` (default) or `8859/15`. */
  charset?: 'UNICODE UTF-8' | '8859/15';
  description: CdaMessageDescription;
  /** The CDA R2 document exactly as stored (base64 in OBX-5.5). */
  cda: Uint8Array;
  flags: CdaMessageFlags;
  /** MSSanté recipients (PRT RCT), in order. */
  recipients?: readonly MssanteRecipient[];
  /** The address recipients may answer to (PRT REPLY). */
  replyTo?: string | undefined;
  /** NTE-4 `FIN` under DESTMSSANTEPAT: the patient cannot answer (SMTP `X-MSS-MES: FIN`). */
  patientCannotReply?: boolean;
  /** Mail bodies proposed to the PFI (CORPSMAIL_PS / CORPSMAIL_PATIENT, base64 UTF-8 text). */
  mailBody?: { professional?: string | undefined; patient?: string | undefined };
  /**
   * PV1 (required by the guide, per PAM-FR). PV1-2 patient class (table 0004) and PV1-19 visit
   * number. Default `N` (not applicable) without visit: a radiology practice has no hospital
   * stay; the guide requires PV1-19 only for classes E, I, O, R (see {@link buildCdaMessage}).
   */
  visit?: { patientClass: string; visitNumber?: { id: string; authority: HdValue } | undefined };
}

export interface CdaMessage extends BuiltMessage {
  /** MSH-9 as written, e.g. `MDM^T10^MDM_T02`. */
  messageType: string;
  controlId: string;
}

const DOCUMENT_TYPE = { code: '18748-4', label: "CR d'imagerie médicale", system: 'LN' } as const;

/** The metadata OBX, in the order the guide requires, with the labels of table MetaDMPMSS. */
const FLAG_OBX = [
  ['masquePs', 'MASQUE_PS', 'Masqué aux professionnels de Santé'],
  ['invisiblePatient', 'INVISIBLE_PATIENT', 'Document Non Visible par le patient'],
  [
    'invisibleRepresentantsLegaux',
    'INVISIBLE_REP_LEGAUX',
    'Non visible par les représentants Légaux du patient',
  ],
  ['connexionSecrete', 'CONNEXION_SECRETE', 'Connexion Secrete'],
  ['modifConfCode', 'MODIF_CONF_CODE', 'Modification Confidentiality Code'],
  ['destDmp', 'DESTDMP', 'Destinataire DMP'],
  [
    'destMssantePs',
    'DESTMSSANTEPS',
    'Destinataire (Professionnel de Santé, organisation ou BAL applicative)',
  ],
  ['destMssantePatient', 'DESTMSSANTEPAT', 'Destinataire Patient'],
  ['ackReception', 'ACK_RECEPTION', 'Accusé de réception'],
  ['ackLectureMss', 'ACK_LECTURE_MSS', 'Accusé de lecture'],
] as const satisfies readonly (readonly [keyof CdaMessageFlags, string, string])[];

const ACTIONS = {
  initial: { trigger: 'T02', resultStatus: 'F', orderControl: 'NW' },
  replacement: { trigger: 'T10', resultStatus: 'C', orderControl: 'RO' },
  deletion: { trigger: 'T04', resultStatus: 'D', orderControl: 'CA' },
} as const;

/**
 * The three combinations `regles-gestion-mssante.md` accepts when a document goes by MSSanté
 * (any other one is answered with an error by the PFI). `null` = N or Y.
 */
const MSSANTE_MATRIX: readonly Partial<Record<keyof CdaMessageFlags, boolean | null>>[] = [
  {
    masquePs: false,
    invisiblePatient: false,
    invisibleRepresentantsLegaux: false,
    destMssantePs: true,
    destMssantePatient: true,
  },
  {
    masquePs: false,
    invisiblePatient: true,
    invisibleRepresentantsLegaux: false,
    destMssantePs: true,
    destMssantePatient: false,
  },
  {
    invisiblePatient: false,
    connexionSecrete: false,
    destDmp: false,
    destMssantePs: false,
    destMssantePatient: true,
  },
];

/** CDA ids: an OID, or a UUID written in upper case (as `@rayon/documents` writes them). */
const uidRoot = (uid: string) => (uid.includes('-') ? uid.toUpperCase() : uid);

const enc = DEFAULT_ENCODING;
const e = (text: string) => escapeValue(text, enc);
/** Components: already-escaped parts joined with `^`, trailing empties dropped. */
const comps = (...parts: string[]) => trimEnd(parts).join(enc.component);
const subs = (...parts: string[]) => trimEnd(parts).join(enc.subcomponent);
function trimEnd(parts: string[]): string[] {
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  return parts.slice(0, n);
}
const segment = (...fields: string[]) => trimEnd(fields).join(enc.field);

function hd(value: HdValue): string {
  if (typeof value === 'string') return e(value);
  return comps(e(value.namespaceId), e(value.universalId ?? ''), e(value.universalIdType ?? ''));
}

/** HD inside a component (CX.4, XCN.9, XON.6): `namespace&oid&ISO`. */
const authority = (namespace: string, oid: string) => subs(e(namespace), e(oid), 'ISO');

/** EI (ORC-2/3, OBR-2/3): `id^^oid^ISO`. */
const ei = (id: string, oid: string) => comps(e(id), '', e(oid), 'ISO');

/** HL7 DT from an ISO date. */
const dt = (isoDate: string) => isoDate.slice(0, 10).replaceAll('-', '');

const hasQualifiedIns = (d: CdaMessageDescription) =>
  d.patient.identityStatus === 'qualifiee' && d.patient.ins !== undefined;

function check(input: CdaMessageInput): void {
  const { description: d, flags } = input;
  if (input.controlId.trim() === '' || input.controlId.length > 20 || /[|^~\\&\r\n]/.test(input.controlId)) {
    throw badInput('controlId', 'MSH-10: 1 to 20 characters, no HL7 delimiter');
  }
  if (!hasQualifiedIns(d) && !d.patient.localId) {
    throw badInput(
      'description.patient.localId',
      'PID-3 is required: without a qualified INS the patient needs the practice identifier',
    );
  }
  if (input.action === 'replacement' && !d.document.replaces) {
    throw badInput('description.document.replaces', 'a replacement names the version it replaces');
  }
  if (input.cda.length === 0) throw badInput('cda', 'the CDA document is empty');
  // DESIGN (Identity): only a qualified identity carries the INS, the DMP and the patient's
  // MSSanté mailbox are reached only with it.
  if (!hasQualifiedIns(d) && (flags.destDmp || flags.destMssantePatient)) {
    throw badInput('flags', 'DESTDMP and DESTMSSANTEPAT need a qualified INS: the identity is not qualified');
  }
  if (flags.destMssantePs || flags.destMssantePatient) {
    const allowed = MSSANTE_MATRIX.some((row) =>
      Object.entries(row).every(([k, v]) => v === null || Boolean(flags[k as keyof CdaMessageFlags]) === v),
    );
    if (!allowed) {
      throw badInput(
        'flags',
        'this combination of masking and MSSanté destinations is not one the PFI accepts ' +
          '(regles-gestion-mssante: PS + patient, PS only, or patient only)',
      );
    }
  }
  const recipients = input.recipients ?? [];
  const patients = recipients.filter((r) => r.kind === 'patient');
  if (flags.destMssantePatient !== patients.length > 0) {
    throw badInput(
      'recipients',
      flags.destMssantePatient
        ? 'DESTMSSANTEPAT=Y needs the patient among the recipients (PRT RCT)'
        : 'the patient is a recipient but DESTMSSANTEPAT=N',
    );
  }
  if (flags.destMssantePs !== recipients.some((r) => r.kind !== 'patient')) {
    throw badInput(
      'recipients',
      flags.destMssantePs
        ? 'DESTMSSANTEPS=Y needs at least one professional or organisation recipient (PRT RCT)'
        : 'professional recipients are given but DESTMSSANTEPS=N',
    );
  }
  if (input.patientCannotReply && !flags.destMssantePatient) {
    throw badInput('patientCannotReply', 'NTE-4 FIN goes only with DESTMSSANTEPAT=Y');
  }
  recipients.forEach((r, i) => {
    if (!/^[^\s@]+@[^\s@]+$/.test(r.address)) throw badInput(`recipients.${i}.address`, 'an e-mail address');
  });
}

/** PID per PAM-FR 2.11 and the CI-SIS INS annex, as the ANS examples of the volet write it. */
function pid(d: CdaMessageDescription): string {
  const p = d.patient;
  // PID-3 must hold the same identifiers as the CDA recordTarget/patientRole/id, in the same
  // order (@rayon/documents writes the INS first, then the practice id).
  const ids: string[] = [];
  if (hasQualifiedIns(d)) {
    ids.push(comps(e(p.ins!.matricule), '', '', authority(insNamespace(p.ins!.oid), p.ins!.oid), 'INS'));
  }
  // The practice's id: its authority is known by OID only (CX.4.1 left empty).
  if (p.localId) ids.push(comps(e(p.localId.extension), '', '', authority('', p.localId.root), 'PI'));
  const names = [
    // L: birth name, first birth forename, the list of birth forenames (XPN.3, as the ANS
    // examples `PAT-TROIS^DOMINIQUE^DOMINIQUE^^^^L`).
    comps(e(p.birthFamilyName), e(p.firstBirthForename), e(p.birthForenames), '', '', '', 'L'),
  ];
  // D: the used name and used forename (complementary traits), each left empty when unknown.
  if (p.usedFamilyName || p.usedForename) {
    names.push(comps(e(p.usedFamilyName ?? ''), e(p.usedForename ?? ''), '', '', '', '', 'D'));
  }
  // PID-11: the birth place as an address of type BDL with the COG code in XAD.9.
  const birthPlace = p.birthPlaceCode ? comps('', '', '', '', '', '', 'BDL', '', e(p.birthPlaceCode)) : '';
  const fields = Array<string>(33).fill('');
  fields[0] = 'PID';
  fields[3] = ids.join(enc.repetition);
  fields[5] = names.join(enc.repetition);
  fields[7] = dt(p.birthDate);
  fields[8] = p.sex;
  fields[11] = birthPlace;
  // PID-32: identity reliability code (FR Core table 0445: PROV, RECUP, VALI, QUAL).
  fields[32] = IDENTITY_STATUS_CODES[p.identityStatus];
  return segment(...fields);
}

function pv1(input: CdaMessageInput): string {
  const visit = input.visit ?? { patientClass: 'N' };
  const fields = Array<string>(20).fill('');
  fields[0] = 'PV1';
  fields[1] = '1';
  fields[2] = e(visit.patientClass);
  if (visit.visitNumber) {
    const a = visit.visitNumber.authority;
    const auth =
      typeof a === 'string'
        ? e(a)
        : subs(e(a.namespaceId), e(a.universalId ?? ''), e(a.universalIdType ?? ''));
    fields[19] = comps(e(visit.visitNumber.id), '', '', auth, 'VN');
  } else if (['E', 'I', 'O', 'R'].includes(visit.patientClass)) {
    throw badInput('visit.visitNumber', 'PV1-19 is required when PV1-2 is E, I, O or R');
  }
  return segment(...fields);
}

/** ORC-2/OBR-2 placer order number (the order's), ORC-3/OBR-3 filler = accession number. */
function orderNumbers(d: CdaMessageDescription): { placer: string; filler: string } {
  const accession = d.exams[0]?.accessionNumber;
  return {
    placer: d.order ? ei(d.order.placerOrderNumber, d.order.placerAuthority) : '',
    filler: accession ? ei(accession, d.accessionAuthority) : '',
  };
}

/** XTN of PRT-15: an e-mail as `^^X.400^address` (PRT-15.3 / 15.4 of the guide). */
const x400 = (address: string) => comps('', '', 'X.400', e(address));

function prtSender(d: CdaMessageDescription): string {
  const r = d.radiologist;
  // PRT-5: the professional's IdNat (`8` + RPPS, as the CDA author id and the VIHF use it) under
  // the OID 1.2.250.1.71.4.2.1, name type D, identifier type IDNPS (as the ANS .er7 examples;
  // the namespace "ASIP-SANTE- PS", space included, is written as every ANS example writes it).
  const person = comps(
    e(`8${r.rpps}`),
    e(r.familyName),
    e(r.givenName ?? ''),
    '',
    '',
    '',
    '',
    '',
    authority('ASIP-SANTE- PS', NATIONAL_OIDS.professional),
    'D',
    '',
    '',
    'IDNPS',
  );
  // PRT-8: the practice under the structures OID 1.2.250.1.71.4.2.2. Its id is the IdNat
  // structure (`1` + FINESS or `3` + SIRET), type IDNST (table 0203 as listed by the guide): the
  // value the CDA carries in author/assignedAuthor/representedOrganization/id, which the ANS
  // readme asks PRT-8.10 to repeat; a SIRET-identified practice has no FINESS to send as FINEG.
  const org = comps(
    e(d.organisation.name),
    '',
    '',
    '',
    '',
    authority('ASIP-SANTE-ST', NATIONAL_OIDS.structure),
    'IDNST',
    '',
    '',
    e(d.organisation.idNat),
  );
  return segment('PRT', '', 'UC', '', 'SB^Send by^participation', person, '', '', org);
}

function prtRecipient(d: CdaMessageDescription, r: MssanteRecipient): string {
  const fields = Array<string>(16).fill('');
  fields[0] = 'PRT';
  fields[2] = 'UC';
  fields[4] = 'RCT^Result Copies To^participation';
  if (r.kind === 'professional' && r.rpps) {
    fields[5] = comps(
      e(`8${r.rpps}`),
      e(r.familyName ?? ''),
      e(r.givenName ?? ''),
      '',
      '',
      '',
      '',
      '',
      authority('ASIP-SANTE- PS', NATIONAL_OIDS.professional),
      'D',
      '',
      '',
      'IDNPS',
    );
  } else if (r.kind === 'patient' && hasQualifiedIns(d)) {
    // PRT-5 of a patient: INS under its OID (PRT-5.9.2), identifier type INS (PRT-5.13).
    const p = d.patient;
    fields[5] = comps(
      e(p.ins!.matricule),
      e(p.birthFamilyName),
      e(p.firstBirthForename),
      '',
      '',
      '',
      '',
      '',
      authority(insNamespace(p.ins!.oid), p.ins!.oid),
      'L',
      '',
      '',
      'INS',
    );
  }
  fields[15] = x400(r.address);
  return segment(...fields);
}

function flagObx(setId: number, valueType: string, code: string, label: string, value: boolean): string {
  return segment(
    'OBX',
    String(setId),
    valueType,
    comps(e(code), e(label), 'MetaDMPMSS'),
    '',
    comps(value ? 'Y' : 'N', '', 'expandedYes-NoIndicator'),
    '',
    '',
    '',
    '',
    '',
    'F',
  );
}

/**
 * Builds the ORU^R01 or MDM^T02/T10/T04 carrying the CDA, as ER7 text (CR separated) and bytes
 * in MSH-18's charset. Throws an `AppError` BAD_INPUT naming the field when the request cannot
 * give a message the guide accepts (no patient identifier, replacement without the replaced
 * id, an MSSanté combination outside `regles-gestion-mssante.md`, DMP or patient mailbox
 * without a qualified INS, recipients inconsistent with DESTMSSANTEPS / DESTMSSANTEPAT).
 */
export function buildCdaMessage(input: CdaMessageInput): CdaMessage {
  check(input);
  const d = input.description;
  const mdm = input.profile === 'MDM';
  const action = ACTIONS[input.action];
  const charset = input.charset ?? 'UNICODE UTF-8';
  const messageType = mdm ? `MDM^${action.trigger}^MDM_T02` : 'ORU^R01^ORU_R01';
  const now = zonedHl7Timestamp(input.now, input.timeZone);

  const msh = segment(
    'MSH',
    encodingCharactersField(enc),
    hd(input.sendingApplication),
    hd(input.sendingFacility),
    hd(input.receivingApplication),
    hd(input.receivingFacility),
    now,
    '',
    messageType,
    input.controlId,
    input.processingId ?? 'P',
    mdm ? '2.6' : '2.5',
    '',
    '',
    '',
    '',
    'FRA',
    charset,
    '',
    '',
    '2.1^CISIS_CDA_HL7_V2',
  );
  const segments: string[] = [msh];
  // EVN-2 recorded date/time (required in v2.6; the guide is silent, the ANS examples fill it).
  if (mdm) segments.push(segment('EVN', '', now));
  segments.push(pid(d), pv1(input));

  const { placer, filler } = orderNumbers(d);
  const documentCode = comps(e(DOCUMENT_TYPE.code), e(DOCUMENT_TYPE.label), DOCUMENT_TYPE.system);
  segments.push(segment('ORC', action.orderControl, placer, filler));
  segments.push(segment('OBR', '1', placer, filler, documentCode));
  if (mdm) {
    const txa = Array<string>(18).fill('');
    txa[0] = 'TXA';
    txa[1] = '1';
    txa[2] = e(DOCUMENT_TYPE.code);
    txa[3] = 'TEXT';
    txa[4] = zonedHl7Timestamp(new Date(d.validatedAt), input.timeZone);
    // TXA-12/13: our document ids are a full OID (or a UUID) without extension: TXA-12.1 alone.
    txa[12] = e(uidRoot(d.document.id));
    if (input.action === 'replacement') txa[13] = e(uidRoot(d.document.replaces!));
    txa[17] = 'AU';
    segments.push(segment(...txa));
  }

  let setId = 1;
  const base64 = Buffer.from(input.cda.buffer, input.cda.byteOffset, input.cda.byteLength).toString('base64');
  const textType = mdm ? 'text' : 'TEXT';
  segments.push(
    segment(
      'OBX',
      String(setId++),
      'ED',
      documentCode,
      '',
      comps('', textType, 'XML', 'Base64', base64),
      '',
      '',
      '',
      '',
      '',
      action.resultStatus,
    ),
  );
  segments.push(prtSender(d));
  for (const r of input.recipients ?? []) segments.push(prtRecipient(d, r));
  if (input.replyTo) {
    const reply = Array<string>(16).fill('');
    reply[0] = 'PRT';
    reply[2] = 'UC';
    reply[4] = 'REPLY^Reply To^participation';
    reply[15] = x400(input.replyTo);
    segments.push(segment(...reply));
  }

  const codedType = mdm ? 'CWE' : 'CE';
  for (const [key, code, label] of FLAG_OBX) {
    const value = input.flags[key];
    if (value === undefined) continue;
    segments.push(flagObx(setId++, codedType, code, label, value));
    if (key === 'destMssantePatient' && input.patientCannotReply) segments.push('NTE|1|||FIN');
  }
  const bodies = [
    ['CORPSMAIL_PS', 'Corps du mail pour un PS', input.mailBody?.professional],
    ['CORPSMAIL_PATIENT', 'Corps du mail pour le patient', input.mailBody?.patient],
  ] as const;
  for (const [code, label, body] of bodies) {
    if (!body) continue;
    const data = Buffer.from(body, 'utf8').toString('base64');
    segments.push(
      segment(
        'OBX',
        String(setId++),
        'ED',
        comps(code, e(label), 'MetaDMPMSS'),
        '',
        comps('', textType, '', 'Base64', data),
        '',
        '',
        '',
        '',
        '',
        'F',
      ),
    );
  }

  const text = segments.map((s) => s + '\r').join('');
  return { text, payload: encodeText(text, charset), charset, messageType, controlId: input.controlId };
}
