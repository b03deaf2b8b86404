import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@rayon/domain';
import { describe, expect, it } from 'vitest';
import { HL7_EXAMPLES } from '../test/examples.ts';
import { readPatient, type AdtWarning } from './adt.ts';
import {
  buildCdaMessage,
  type CdaMessageDescription,
  type CdaMessageFlags,
  type CdaMessageInput,
} from './cda-message.ts';
import { parseMessage, parseText, type Hl7Message, type Hl7Segment } from './message.ts';

const EXAMPLES = join(import.meta.dirname, '../../documents/examples');
const description = (name: string) =>
  JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), 'utf8')) as CdaMessageDescription;
const ANS_MDM = join(
  HL7_EXAMPLES,
  'ans-hl7v2-exemples/vague2-transmission-cda/TRANSMISSION_DOCS_CDA_EN_HL7V2_V2.1/MDM',
);

const CDA = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">' +
    '<title>Compte rendu d’imagerie — genou</title></ClinicalDocument>\n',
  'utf8',
);

/** The situation of the ANS MDM example: DMP + one professional, hidden to the patient. */
const PS_ONLY: CdaMessageFlags = {
  masquePs: false,
  invisiblePatient: true,
  invisibleRepresentantsLegaux: false,
  connexionSecrete: true,
  modifConfCode: false,
  destDmp: true,
  destMssantePs: true,
  destMssantePatient: false,
  ackReception: false,
  ackLectureMss: false,
};

const EVERYONE: CdaMessageFlags = {
  masquePs: false,
  invisiblePatient: false,
  invisibleRepresentantsLegaux: false,
  connexionSecrete: false,
  modifConfCode: false,
  destDmp: true,
  destMssantePs: true,
  destMssantePatient: true,
};

function input(over: Partial<CdaMessageInput> = {}): CdaMessageInput {
  return {
    profile: 'ORU',
    action: 'initial',
    controlId: 'RAY000001',
    now: new Date('2026-11-22T09:43:00Z'),
    sendingApplication: 'RAYON',
    sendingFacility: 'IMAGERIE-DEMO',
    receivingApplication: 'PFI-Y',
    receivingFacility: 'CHU-Y',
    description: description('qualified-ins'),
    cda: CDA,
    flags: EVERYONE,
    recipients: [
      {
        kind: 'professional',
        address: 'sophie.martin@test.mssante.fr',
        rpps: '10003456789',
        familyName: 'MARTIN',
        givenName: 'Sophie',
      },
      { kind: 'patient', address: '279035121518989@patient.mssante.fr' },
    ],
    ...over,
  };
}

function obxByCode(msg: Hl7Message, code: string): Hl7Segment {
  const seg = msg.getAll('OBX').find((s) => s.value(3) === code);
  if (!seg) throw new Error(`no OBX ${code}`);
  return seg;
}

function decodedCda(msg: Hl7Message): Buffer {
  return Buffer.from(msg.get('OBX')!.field(5).component(5).value, 'base64');
}

const FLAG_CODES = [
  'MASQUE_PS',
  'INVISIBLE_PATIENT',
  'INVISIBLE_REP_LEGAUX',
  'CONNEXION_SECRETE',
  'MODIF_CONF_CODE',
  'DESTDMP',
  'DESTMSSANTEPS',
  'DESTMSSANTEPAT',
];

describe('buildCdaMessage: ORU^R01 (v2.5)', () => {
  const built = buildCdaMessage(input());
  const msg = parseMessage(built.payload);

  it('writes the MSH the guide requires', () => {
    const msh = msg.get('MSH')!;
    expect(msh.raw.startsWith('MSH|^~\\&|RAYON|IMAGERIE-DEMO|PFI-Y|CHU-Y|20261122104300+0100||')).toBe(true);
    expect(msh.field(9).raw).toBe('ORU^R01^ORU_R01');
    expect(built.messageType).toBe('ORU^R01^ORU_R01');
    expect(msh.value(10)).toBe('RAY000001');
    expect(msh.value(11)).toBe('P');
    expect(msh.value(12)).toBe('2.5');
    expect(msh.value(17)).toBe('FRA');
    expect(msh.value(18)).toBe('UNICODE UTF-8');
    expect(msh.field(21).raw).toBe('2.1^CISIS_CDA_HL7_V2');
    expect(built.text.endsWith('\r')).toBe(true);
    expect(built.text).not.toContain('\n');
  });

  it('has the ORU_R01 structure: PID, PV1, ORC, OBR, document OBX + PRT, metadata OBX', () => {
    expect(msg.segments.map((s) => s.name)).toEqual([
      'MSH',
      'PID',
      'PV1',
      'ORC',
      'OBR',
      'OBX',
      'PRT',
      'PRT',
      'PRT',
      ...FLAG_CODES.map(() => 'OBX'),
    ]);
  });

  it('builds PID from the description: INS with its OID and CX.5 INS, practice id, traits', () => {
    const pid = msg.get('PID')!;
    expect(pid.field(3).repetitions.map((r) => r.raw)).toEqual([
      '279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS',
      'IPP101^^^&1.2.250.1.999.1.3&ISO^PI',
    ]);
    expect(pid.field(5).raw).toBe('PAT-TROIS^DOMINIQUE^DOMINIQUE^^^^L');
    expect(pid.value(7)).toBe('19790328');
    expect(pid.value(8)).toBe('F');
    expect(pid.field(11).raw).toBe('^^^^^^BDL^^63220');
    expect(pid.value(32)).toBe('QUAL');
    // Our own PAM-FR reader gets the same identity back.
    const warnings: AdtWarning[] = [];
    const patient = readPatient(pid, warnings);
    expect(warnings).toEqual([]);
    expect(patient.ins).toEqual({ matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' });
    expect(patient.localIdentifiers).toEqual([{ value: 'IPP101', authority: '1.2.250.1.999.1.3' }]);
    expect(patient.traits).toEqual({
      birthFamilyName: 'PAT-TROIS',
      firstBirthForename: 'DOMINIQUE',
      birthForenames: 'DOMINIQUE',
      birthDate: '1979-03-28',
      sex: 'F',
      birthPlaceCode: '63220',
    });
  });

  it('writes PV1 (required) with class N when there is no visit', () => {
    expect(msg.get('PV1')!.raw).toBe('PV1|1|N');
  });

  it('writes ORC/OBR with the order and accession numbers and the document type', () => {
    const orc = msg.get('ORC')!;
    expect(orc.value(1)).toBe('NW');
    expect(orc.field(2).raw).toBe('OPN101^^1.2.250.1.748.12345678.12^ISO');
    expect(orc.field(3).raw).toBe('A000000123^^1.2.250.1.999.1.5^ISO');
    const obr = msg.get('OBR')!;
    expect(obr.value(1)).toBe('1');
    expect(obr.field(2).raw).toBe(orc.field(2).raw);
    expect(obr.field(3).raw).toBe(orc.field(3).raw);
    expect(obr.field(4).raw).toBe("18748-4^CR d'imagerie médicale^LN");
  });

  it('carries the CDA in the document OBX: ED, OBX-3 = OBR-4, ^TEXT^XML^Base64^…, status F', () => {
    const obx = msg.get('OBX')!;
    expect(obx.value(1)).toBe('1');
    expect(obx.value(2)).toBe('ED');
    expect(obx.field(3).raw).toBe(msg.get('OBR')!.field(4).raw);
    const ed = obx.field(5).repetition(1);
    expect(ed.components.map((c) => c.raw).slice(0, 4)).toEqual(['', 'TEXT', 'XML', 'Base64']);
    expect(decodedCda(msg).equals(CDA)).toBe(true);
    expect(obx.value(11)).toBe('F');
  });

  it('follows the document OBX with PRT SB (RPPS XCN, organisation XON) then RCT', () => {
    const [sb, ps, patient] = msg.getAll('PRT');
    expect(sb!.raw).toBe(
      'PRT||UC||SB^Send by^participation|810001234567^BIDEAULT^Jacques^^^^^^ASIP-SANTE- PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS' +
        '|||Imagerie Démo Paris-Est^^^^^ASIP-SANTE-ST&1.2.250.1.71.4.2.2&ISO^IDNST^^^1750712184',
    );
    expect(sb!.field(5).component(9).subcomponent(2)).toBe('1.2.250.1.71.4.2.1');
    expect(sb!.field(8).component(10).value).toBe('1750712184');
    expect(ps!.value(4)).toBe('RCT');
    expect(ps!.field(4).raw).toBe('RCT^Result Copies To^participation');
    expect(ps!.field(5).raw).toBe(
      '810003456789^MARTIN^Sophie^^^^^^ASIP-SANTE- PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS',
    );
    expect(ps!.field(15).raw).toBe('^^X.400^sophie.martin@test.mssante.fr');
    expect(patient!.field(5).raw).toBe(
      '279035121518989^PAT-TROIS^DOMINIQUE^^^^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^L^^^INS',
    );
    expect(patient!.field(15).component(4).value).toBe('279035121518989@patient.mssante.fr');
  });

  it('renders the eight required flags as Y/N CE OBX, in the order of the guide', () => {
    const flags = msg.getAll('OBX').slice(1);
    expect(flags.map((s) => s.value(3))).toEqual(FLAG_CODES);
    flags.forEach((s, i) => {
      expect(s.value(1)).toBe(String(i + 2));
      expect(s.value(2)).toBe('CE');
      expect(s.field(3).component(3).value).toBe('MetaDMPMSS');
      expect(s.field(5).component(3).value).toBe('expandedYes-NoIndicator');
      expect(s.value(11)).toBe('F');
    });
    expect(flags.map((s) => s.value(5))).toEqual(['N', 'N', 'N', 'N', 'N', 'Y', 'Y', 'Y']);
  });
});

describe('buildCdaMessage: MDM (v2.6)', () => {
  it('T02: EVN, TXA with the document id, OBX-5.2 text, CWE flags', () => {
    const built = buildCdaMessage(
      input({
        profile: 'MDM',
        flags: PS_ONLY,
        recipients: [{ kind: 'other', address: 'radiologie@chu-y.mssante.fr' }],
      }),
    );
    const msg = parseMessage(built.payload);
    expect(msg.get('MSH')!.field(9).raw).toBe('MDM^T02^MDM_T02');
    expect(msg.get('MSH')!.value(12)).toBe('2.6');
    expect(msg.segments.map((s) => s.name).slice(0, 9)).toEqual([
      'MSH',
      'EVN',
      'PID',
      'PV1',
      'ORC',
      'OBR',
      'TXA',
      'OBX',
      'PRT',
    ]);
    expect(msg.get('EVN')!.value(2)).toBe('20261122104300+0100');
    const txa = msg.get('TXA')!;
    expect(txa.value(1)).toBe('1');
    expect(txa.value(2)).toBe('18748-4');
    expect(txa.value(3)).toBe('TEXT');
    expect(txa.value(4)).toBe('20261122104200+0100');
    expect(txa.field(12).raw).toBe('1.2.250.1.999.1.1.20261122.1');
    expect(txa.field(13).raw).toBe('');
    expect(txa.value(17)).toBe('AU');
    expect(msg.get('ORC')!.value(1)).toBe('NW');
    expect(msg.get('OBX')!.field(5).component(2).value).toBe('text');
    expect(msg.get('OBX')!.value(11)).toBe('F');
    expect(decodedCda(msg).equals(CDA)).toBe(true);
    // An organisation mailbox: only its address.
    expect(msg.getAll('PRT')[1]!.raw).toBe(
      'PRT||UC||RCT^Result Copies To^participation|||||||||||^^X.400^radiologie@chu-y.mssante.fr',
    );
    const flags = msg.getAll('OBX').slice(1);
    expect(flags.map((s) => s.value(2))).toEqual(Array(10).fill('CWE'));
    expect(flags.map((s) => s.value(3))).toEqual([...FLAG_CODES, 'ACK_RECEPTION', 'ACK_LECTURE_MSS']);
  });

  it('writes the flag OBX exactly as the ANS MDM example does for the same flags', () => {
    const ans = parseText(
      readFileSync(join(ANS_MDM, 'Transmission_initiale_MDM/message_MDM_CR_Radio_INIT_N1.er7'), 'utf8'),
    );
    const ansFlags = ans.getAll('OBX').filter((s) => s.field(3).component(3).value === 'MetaDMPMSS');
    const values = Object.fromEntries(ansFlags.map((s) => [s.value(3), s.value(5) === 'Y']));
    // The ANS example: hidden to the patient and the representatives, CONNEXION_SECRETE, DMP, PS.
    const flags: CdaMessageFlags = {
      masquePs: values.MASQUE_PS!,
      invisiblePatient: values.INVISIBLE_PATIENT!,
      invisibleRepresentantsLegaux: values.INVISIBLE_REP_LEGAUX!,
      connexionSecrete: values.CONNEXION_SECRETE!,
      modifConfCode: values.MODIF_CONF_CODE!,
      destDmp: values.DESTDMP!,
      destMssantePs: values.DESTMSSANTEPS!,
      destMssantePatient: values.DESTMSSANTEPAT!,
      ackReception: values.ACK_RECEPTION!,
      ackLectureMss: values.ACK_LECTURE_MSS!,
    };
    // That example's flags break the MSSanté matrix (INVISIBLE_REP_LEGAUX=Y with DESTMSSANTEPS):
    // compare without the MSSanté destination.
    const ours = parseMessage(
      buildCdaMessage(
        input({
          profile: 'MDM',
          flags: { ...flags, destMssantePs: false },
          recipients: [],
          mailBody: { professional: 'Cher confrère, vous trouverez ci-joint le CR d’imagerie de M.Dupont' },
        }),
      ).payload,
    );
    const ourFlags = ours.getAll('OBX').slice(1);
    expect(ourFlags.map((s) => s.value(3))).toEqual(ansFlags.map((s) => s.value(3)));
    ourFlags.forEach((s, i) => {
      const theirs = ansFlags[i]!;
      expect(s.value(1)).toBe(theirs.value(1));
      expect(s.value(2)).toBe(theirs.value(2));
      expect(s.field(3).raw).toBe(theirs.field(3).raw);
      if (s.value(3) === 'DESTMSSANTEPS') expect(s.field(5).raw).toBe('N^^expandedYes-NoIndicator');
      else expect(s.field(5).raw).toBe(theirs.field(5).raw);
      expect(s.value(11)).toBe(theirs.value(11));
    });
    // CORPSMAIL_PS: the same base64 of the same UTF-8 text as the example.
    expect(obxByCode(ours, 'CORPSMAIL_PS').field(5).raw).toBe(obxByCode(ans, 'CORPSMAIL_PS').field(5).raw);
  });

  it('T10: replacement with TXA-13 = the replaced document, OBX-11 C, ORC-1 RO', () => {
    const msg = parseMessage(
      buildCdaMessage(
        input({ profile: 'MDM', action: 'replacement', description: description('replacement') }),
      ).payload,
    );
    expect(msg.get('MSH')!.field(9).raw).toBe('MDM^T10^MDM_T02');
    expect(msg.get('TXA')!.field(12).raw).toBe('1.2.250.1.999.1.1.20261122.3');
    expect(msg.get('TXA')!.field(13).raw).toBe('1.2.250.1.999.1.1.20261122.1');
    expect(msg.get('ORC')!.value(1)).toBe('RO');
    expect(msg.get('OBX')!.value(11)).toBe('C');
    // The metadata OBX stay F.
    expect(
      msg
        .getAll('OBX')
        .slice(1)
        .map((s) => s.value(11)),
    ).toEqual(Array(8).fill('F'));
  });

  it('T04: deletion with OBX-11 D and ORC-1 CA', () => {
    const msg = parseMessage(buildCdaMessage(input({ profile: 'MDM', action: 'deletion' })).payload);
    expect(msg.get('MSH')!.field(9).raw).toBe('MDM^T04^MDM_T02');
    expect(msg.get('ORC')!.value(1)).toBe('CA');
    expect(msg.get('OBX')!.value(11)).toBe('D');
    expect(decodedCda(msg).equals(CDA)).toBe(true);
  });

  it('writes a UUID document id in upper case, as the CDA does', () => {
    const d = description('replacement');
    d.document.id = '6f1c2a8e-3b7d-4c1e-9a2f-0d4e5b6c7a8f';
    const msg = parseMessage(
      buildCdaMessage(input({ profile: 'MDM', action: 'replacement', description: d })).payload,
    );
    expect(msg.get('TXA')!.value(12)).toBe('6F1C2A8E-3B7D-4C1E-9A2F-0D4E5B6C7A8F');
  });
});

describe('buildCdaMessage: ORU replacement and deletion', () => {
  it.each([
    ['replacement', 'C', 'RO'],
    ['deletion', 'D', 'CA'],
  ] as const)('%s: ORU^R01 with OBX-11 %s and ORC-1 %s', (action, status, control) => {
    const msg = parseMessage(
      buildCdaMessage(input({ action, description: description('replacement') })).payload,
    );
    expect(msg.get('MSH')!.field(9).raw).toBe('ORU^R01^ORU_R01');
    expect(msg.get('OBX')!.value(11)).toBe(status);
    expect(msg.get('ORC')!.value(1)).toBe(control);
    expect(msg.get('TXA')).toBeUndefined();
  });
});

describe('buildCdaMessage: identity', () => {
  it('sends no INS for an identity that is not qualified: the practice id, PID-32 VALI', () => {
    const built = buildCdaMessage(
      input({
        description: description('identity-not-qualified'),
        flags: { ...EVERYONE, destDmp: false, destMssantePatient: false, invisiblePatient: true },
        recipients: [{ kind: 'professional', address: 'sophie.martin@test.mssante.fr', rpps: '10003456789' }],
      }),
    );
    const msg = parseMessage(built.payload);
    const pid = msg.get('PID')!;
    expect(pid.field(3).raw).toBe('IPP202^^^&1.2.250.1.999.1.3&ISO^PI');
    expect(pid.value(32)).toBe('VALI');
    expect(built.text).not.toMatch(/\^INS\b|INS-NIR|1\.2\.250\.1\.213\.1\.4\./);
    // Used name as the D repetition.
    expect(pid.field(5).raw).toBe('MARTIN^BÉNÉDICTE^BÉNÉDICTE ANNE^^^^L~DURAND^^^^^^D');
    const patient = readPatient(pid, []);
    expect(patient.ins).toBeNull();
    expect(patient.complementary).toEqual({ usedFamilyName: 'DURAND', usedForename: null });
  });

  it('ignores an INS given with an identity that is not qualified', () => {
    const d = description('qualified-ins');
    d.patient.identityStatus = 'recuperee';
    const built = buildCdaMessage(
      input({
        description: d,
        flags: { ...EVERYONE, destDmp: false, destMssantePatient: false, invisiblePatient: true },
        recipients: [{ kind: 'other', address: 'a@b.fr' }],
      }),
    );
    expect(parseMessage(built.payload).get('PID')!.field(3).raw).toBe('IPP101^^^&1.2.250.1.999.1.3&ISO^PI');
    expect(built.text).not.toContain('279035121518989');
  });

  it('refuses the DMP and the patient mailbox without a qualified INS', () => {
    const d = description('identity-not-qualified');
    expect(() =>
      buildCdaMessage(
        input({ description: d, flags: { ...PS_ONLY }, recipients: [{ kind: 'other', address: 'a@b.fr' }] }),
      ),
    ).toThrowError(/qualified INS/);
  });

  it('refuses a patient without any identifier', () => {
    const d = description('identity-not-qualified');
    delete d.patient.localId;
    expect(() =>
      buildCdaMessage(
        input({
          description: d,
          flags: { ...EVERYONE, destDmp: false, destMssantePatient: false, invisiblePatient: true },
          recipients: [{ kind: 'other', address: 'a@b.fr' }],
        }),
      ),
    ).toThrowError(/PID-3/);
  });

  it('escapes HL7 delimiters in names and gets them back when parsed', () => {
    const d = description('qualified-ins');
    d.patient.birthFamilyName = 'O|NEIL^DE~LA\\TOUR&CO';
    d.patient.usedForename = 'Zoé & Léa';
    d.radiologist.familyName = 'A^B|C';
    d.organisation.name = 'Imagerie R&D | Est';
    const built = buildCdaMessage(input({ description: d }));
    expect(built.text).toContain('O\\F\\NEIL\\S\\DE\\R\\LA\\E\\TOUR\\T\\CO');
    const msg = parseMessage(built.payload);
    const pid = msg.get('PID')!;
    expect(pid.field(5).repetition(1).component(1).value).toBe('O|NEIL^DE~LA\\TOUR&CO');
    expect(pid.field(5).repetition(2).component(2).value).toBe('Zoé & Léa');
    const sb = msg.get('PRT')!;
    expect(sb.field(5).component(2).value).toBe('A^B|C');
    expect(sb.field(8).component(1).value).toBe('Imagerie R&D | Est');
    // Nothing shifted: the structure is the same as without delimiters.
    expect(msg.segments.map((s) => s.name)).toEqual(
      parseMessage(buildCdaMessage(input()).payload).segments.map((s) => s.name),
    );
    expect(msg.get('PID')!.value(8)).toBe('F');
  });
});

describe('buildCdaMessage: MSSanté options and rules', () => {
  it('adds NTE-4 FIN right after DESTMSSANTEPAT, the reply PRT, the acknowledgement and mail OBX', () => {
    const msg = parseMessage(
      buildCdaMessage(
        input({
          flags: { ...EVERYONE, ackReception: true, ackLectureMss: false },
          patientCannotReply: true,
          replyTo: 'secretariat@imagerie-demo.mssante.fr',
          mailBody: { professional: 'Cher confrère,', patient: 'Bonjour, voici votre compte rendu.' },
        }),
      ).payload,
    );
    const names = msg.segments.map((s) => (s.name === 'OBX' ? `OBX:${s.value(3)}` : s.name));
    expect(names.slice(names.indexOf('OBX:DESTMSSANTEPAT'))).toEqual([
      'OBX:DESTMSSANTEPAT',
      'NTE',
      'OBX:ACK_RECEPTION',
      'OBX:ACK_LECTURE_MSS',
      'OBX:CORPSMAIL_PS',
      'OBX:CORPSMAIL_PATIENT',
    ]);
    expect(msg.get('NTE')!.raw).toBe('NTE|1|||FIN');
    const reply = msg.getAll('PRT').at(-1)!;
    expect(reply.field(4).raw).toBe('REPLY^Reply To^participation');
    expect(reply.field(15).raw).toBe('^^X.400^secretariat@imagerie-demo.mssante.fr');
    expect(obxByCode(msg, 'ACK_RECEPTION').value(5)).toBe('Y');
    expect(obxByCode(msg, 'ACK_LECTURE_MSS').value(5)).toBe('N');
    const body = obxByCode(msg, 'CORPSMAIL_PATIENT');
    expect(body.value(2)).toBe('ED');
    expect(body.field(5).raw.startsWith('^TEXT^^Base64^')).toBe(true);
    expect(Buffer.from(body.field(5).component(5).value, 'base64').toString('utf8')).toBe(
      'Bonjour, voici votre compte rendu.',
    );
    // Set ids stay sequential.
    expect(msg.getAll('OBX').map((s) => s.value(1))).toEqual([
      '1',
      ...Array.from({ length: 12 }, (_, i) => String(i + 2)),
    ]);
  });

  it.each([
    ['patient mailbox for a document hidden to the patient', { invisiblePatient: true }],
    ['professionals for a document masked to professionals', { masquePs: true }],
    ['patient only with connexion secrète', { destMssantePs: false, destDmp: false, connexionSecrete: true }],
  ])('refuses an MSSanté combination the PFI rejects: %s', (_name, over) => {
    const flags = { ...EVERYONE, ...over };
    const recipients = flags.destMssantePs
      ? input().recipients
      : [{ kind: 'patient' as const, address: 'x@patient.mssante.fr' }];
    expect(() => buildCdaMessage(input({ flags, recipients }))).toThrowError(AppError);
  });

  it('accepts the patient-only combination', () => {
    const flags = { ...EVERYONE, destMssantePs: false, destDmp: false, masquePs: true };
    const msg = parseMessage(
      buildCdaMessage(
        input({ flags, recipients: [{ kind: 'patient', address: '279035121518989@patient.mssante.fr' }] }),
      ).payload,
    );
    expect(obxByCode(msg, 'DESTMSSANTEPS').value(5)).toBe('N');
    expect(msg.getAll('PRT').map((p) => p.value(4))).toEqual(['SB', 'RCT']);
  });

  it('keeps recipients and destination flags consistent', () => {
    expect(() => buildCdaMessage(input({ recipients: [] }))).toThrowError(
      /DESTMSSANTEPAT=Y needs the patient/,
    );
    expect(() =>
      buildCdaMessage(
        input({ recipients: [{ kind: 'patient', address: '279035121518989@patient.mssante.fr' }] }),
      ),
    ).toThrowError(/DESTMSSANTEPS=Y needs/);
    expect(() =>
      buildCdaMessage(
        input({
          flags: { ...PS_ONLY },
          patientCannotReply: true,
          recipients: [{ kind: 'other', address: 'a@b.fr' }],
        }),
      ),
    ).toThrowError(/FIN/);
  });

  it('refuses a replacement without the replaced id, a bad control id and an empty CDA', () => {
    expect(() => buildCdaMessage(input({ action: 'replacement' }))).toThrowError(/replaces/);
    expect(() => buildCdaMessage(input({ controlId: 'A|B' }))).toThrowError(/MSH-10/);
    expect(() => buildCdaMessage(input({ controlId: '123456789012345678901' }))).toThrowError(/MSH-10/);
    expect(() => buildCdaMessage(input({ cda: Buffer.alloc(0) }))).toThrowError(/empty/);
  });
});

describe('buildCdaMessage: charsets and size', () => {
  it('encodes in 8859/15 when asked, and our parser reads it back', () => {
    const d = description('accented-names');
    const built = buildCdaMessage(
      input({
        description: d,
        charset: '8859/15',
        recipients: [
          input().recipients![0]!,
          { kind: 'patient', address: '295109912611193@patient.mssante.fr' },
        ],
      }),
    );
    expect(built.charset).toBe('8859/15');
    // Ë is 0xCB in ISO 8859-15; never the UTF-8 pair.
    expect(built.payload.includes(Buffer.from([0xcb]))).toBe(true);
    expect(built.payload.includes(Buffer.from('Ë', 'utf8'))).toBe(false);
    const msg = parseMessage(built.payload);
    expect(msg.get('MSH')!.value(18)).toBe('8859/15');
    expect(msg.get('PID')!.field(5).raw).toBe(
      "LE GOFF-NOËL^GWÉNAËLLE^GWÉNAËLLE ZOÉ FRANÇOISE^^^^L~L'HÔTE^Zoé^^^^^D",
    );
    expect(decodedCda(msg).equals(CDA)).toBe(true);
  });

  it('carries a 2 MB CDA byte for byte', () => {
    const big = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 256;
    const built = buildCdaMessage(input({ profile: 'MDM', cda: big }));
    const msg = parseMessage(built.payload);
    expect(decodedCda(msg).equals(big)).toBe(true);
    // One line: the base64 has no line breaks.
    expect(msg.get('OBX')!.field(5).component(5).raw).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });
});
