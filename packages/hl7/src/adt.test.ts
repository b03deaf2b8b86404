import { describe, expect, it } from 'vitest';
import { adtExamples, hl7Examples } from '../test/examples.ts';
import { parseAdt, type AdtEvent } from './adt.ts';
import { encodeText } from './charset.ts';
import { Hl7Error } from './errors.ts';
import { parseMessage, parseText } from './message.ts';

/** The identity every ANS PAM-FR example carries (`conformance/ins/test-identity-PAT-TROIS.json`). */
const PAT_TROIS: AdtEvent['patient'] = {
  localIdentifiers: [{ value: '000003', authority: 'CHU-X' }],
  ins: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' },
  traits: {
    birthFamilyName: 'PAT-TROIS',
    firstBirthForename: 'DOMINIQUE',
    birthForenames: 'DOMINIQUE',
    birthDate: '1979-03-28',
    sex: 'F',
    birthPlaceCode: '63220',
  },
  complementary: { usedFamilyName: null, usedForename: null },
  reliabilityCode: 'VALI',
  reliabilityCodes: ['VALI'],
  // No name of type D: the used name and forename are left out.
  omitted: { usedFamilyName: 'absent', usedForename: 'absent' },
};

const ADMISSION = adtExamples().find((e) => e.name.endsWith('sgl-pamfr/admission.er7'))!;
const BASE = ADMISSION.bytes.toString('utf8').replaceAll('\n', '\r');

/** Sets field n of the first `seg` segment (raw ER7; MSH numbering handled). */
function withField(text: string, seg: string, n: number, value: string): string {
  return text
    .split('\r')
    .map((line) => {
      if (!line.startsWith(seg + '|')) return line;
      const parts = line.split('|');
      const index = seg === 'MSH' ? n - 1 : n;
      while (parts.length <= index) parts.push('');
      parts[index] = value;
      return parts.join('|');
    })
    .join('\r');
}
const withoutSegment = (text: string, seg: string) =>
  text
    .split('\r')
    .filter((l) => !l.startsWith(seg + '|'))
    .join('\r');
const adt = (text: string) => parseAdt(parseText(text));

function adtError(text: string): Hl7Error {
  try {
    adt(text);
  } catch (e) {
    expect(e).toBeInstanceOf(Hl7Error);
    return e as Hl7Error;
  }
  throw new Error('expected an Hl7Error');
}

describe('ANS PAM-FR examples', () => {
  const examples = adtExamples();

  it('are all there (sgl-pamfr and vague2-consentement-dmp-pamfr)', () => {
    expect(examples.map((e) => e.name.split('/')[1])).toEqual([
      'sgl-pamfr',
      'sgl-pamfr',
      'vague2-consentement-dmp-pamfr',
      'vague2-consentement-dmp-pamfr',
      'vague2-consentement-dmp-pamfr',
      'vague2-consentement-dmp-pamfr',
      'vague2-consentement-dmp-pamfr',
    ]);
  });

  for (const example of examples) {
    it(`${example.name} gives PAT-TROIS DOMINIQUE`, () => {
      const event = parseAdt(parseMessage(example.bytes));
      expect(event.patient).toEqual(PAT_TROIS);
      expect(event).toMatchObject({
        trigger: example.name.endsWith('sortie.er7') ? 'A03' : 'A01',
        sendingApplication: 'GAM',
        sendingFacility: 'CHU-X',
        receivingApplication: 'DPI',
        receivingFacility: 'CHU-X',
        charset: 'UNICODE UTF-8',
        warnings: [],
      });
      expect(event.messageControlId).toMatch(/^39\d\d$/);
      expect(event.sentAt).toMatch(/^2024-03-\d\dT11:11:54$/);
      expect(event.merged).toBeUndefined();
    });
  }

  it('refuses the examples that are not ADT (AR 200)', () => {
    const others = hl7Examples().filter((e) => !e.name.includes('pamfr'));
    expect(others.length).toBeGreaterThan(5);
    for (const example of others) {
      try {
        parseAdt(parseMessage(example.bytes));
        expect.unreachable(example.name);
      } catch (e) {
        expect(e).toMatchObject({ kind: 'unsupported', hl7Code: '200', ackCode: 'AR', field: 'MSH-9.1' });
      }
    }
  });
});

describe('PID mapping', () => {
  it('reads used name and forename from the D repetition, the forename list from XPN.3', () => {
    const e = adt(
      withField(
        BASE,
        'PID',
        5,
        'PAT-TROIS^DOMINIQUE^DOMINIQUE MARIE-LOUISE^^^^L~MARTIN^Domi^^^^^D~ALIAS^X^^^^^S',
      ),
    );
    expect(e.patient.traits.birthForenames).toBe('DOMINIQUE MARIE-LOUISE');
    expect(e.patient.complementary).toEqual({ usedFamilyName: 'MARTIN', usedForename: 'Domi' });
  });

  it('uses the first forename as the list when XPN.3 is empty, and finds L in any repetition', () => {
    const e = adt(withField(BASE, 'PID', 5, 'MARTIN^^^^^^D~NOËL^Gwénaëlle^^^^^L'));
    expect(e.patient.traits).toMatchObject({
      birthFamilyName: 'NOËL',
      firstBirthForename: 'Gwénaëlle',
      birthForenames: 'Gwénaëlle',
    });
    expect(e.patient.complementary.usedFamilyName).toBe('MARTIN');
  });

  it('keeps accented names exactly, in 8859/1 too', () => {
    const text = withField(
      withField(BASE, 'MSH', 18, '8859/1'),
      'PID',
      5,
      'LE GOFF^Bénédicte^Bénédicte Gwénaëlle Noël^^^^L',
    );
    const e = parseAdt(parseMessage(encodeText(text, '8859/1')));
    expect(e.charset).toBe('8859/1');
    expect(e.patient.traits.birthForenames).toBe('Bénédicte Gwénaëlle Noël');
  });

  it('reads every IPP, with a namespace or an OID as authority; ignores other identifier types', () => {
    const e = adt(
      withField(
        BASE,
        'PID',
        3,
        '000003^^^CHU-X&000897406&N^PI~A77^^^&1.2.250.1.71.4.2.2.1&ISO^PI~123^^^CPAM^NH~^^^CHU-Y^PI~279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS',
      ),
    );
    expect(e.patient.localIdentifiers).toEqual([
      { value: '000003', authority: 'CHU-X' },
      { value: 'A77', authority: '1.2.250.1.71.4.2.2.1' },
    ]);
    expect(e.warnings).toEqual([
      {
        location: { segment: 'PID', sequence: 1, field: 3, repetition: 4 },
        hl7ErrorCode: '101',
        text: expect.any(String),
      },
    ]);
  });

  it('has no INS when PID-3 carries none, and ignores an INS-C with a warning', () => {
    expect(adt(withField(BASE, 'PID', 3, '000003^^^CHU-X^PI')).patient.ins).toBeNull();
    const e = adt(withField(BASE, 'PID', 3, '000003^^^CHU-X^PI~1234^^^INSC&1.2.250.1.213.1.4.2&ISO^INS'));
    expect(e.patient.ins).toBeNull();
    expect(e.warnings[0]).toMatchObject({ hl7ErrorCode: '103', text: expect.stringMatching(/INS-C/) });
  });

  it('accepts the production NIR and NIA OIDs and a Corsican matricule', () => {
    const nia = adt(
      withField(BASE, 'PID', 3, '000003^^^CHU-X^PI~109076322088835^^^INS-NIA&1.2.250.1.213.1.4.9&ISO^INS'),
    );
    expect(nia.patient.ins).toEqual({ matricule: '109076322088835', oid: '1.2.250.1.213.1.4.9' });
    const corse = adt(
      withField(BASE, 'PID', 3, '000003^^^CHU-X^PI~180032B02040123^^^X&1.2.250.1.213.1.4.8&ISO^INS'),
    );
    expect(corse.patient.ins).toEqual({ matricule: '180032B02040123', oid: '1.2.250.1.213.1.4.8' });
  });

  it.each([
    ['', 'U'],
    ['M', 'M'],
    ['f', 'F'],
    ['U', 'U'],
    ['O', 'U'],
    ['A', 'U'],
  ])('maps PID-8 %j to %s', (raw, sex) => {
    expect(adt(withField(BASE, 'PID', 8, raw)).patient.traits.sex).toBe(sex);
  });

  it('reads a birth date with time, a foreign and a Corsican birth place, no birth place', () => {
    expect(adt(withField(BASE, 'PID', 7, '197903281230')).patient.traits.birthDate).toBe('1979-03-28');
    expect(adt(withField(BASE, 'PID', 11, '^^^^^^BDL^^99134')).patient.traits.birthPlaceCode).toBe('99134');
    expect(adt(withField(BASE, 'PID', 11, '^^^^^^H~^^^^^^BDL^^2b020')).patient.traits.birthPlaceCode).toBe(
      '2B020',
    );
    expect(
      adt(withField(BASE, 'PID', 11, '28 Av de Breteuil^^PARIS^^75007^FRA^H')).patient.traits.birthPlaceCode,
    ).toBe(null);
  });

  it('reads several PID-32 codes', () => {
    const e = adt(withField(BASE, 'PID', 32, 'PROV~DOUT'));
    expect(e.patient.reliabilityCode).toBe('PROV');
    expect(e.patient.reliabilityCodes).toEqual(['PROV', 'DOUT']);
    expect(adt(withField(BASE, 'PID', 32, '')).patient.reliabilityCode).toBeNull();
  });

  it('tells a field left out from one erased with the HL7 null "" (HL7 v2.5 §2.5.3)', () => {
    const left = adt(
      withField(
        withField(
          withField(withField(BASE, 'PID', 3, '000003^^^CHU-X^PI'), 'PID', 11, '^^PARIS^^75007^^H'),
          'PID',
          32,
          '',
        ),
        'PID',
        8,
        '',
      ),
    ).patient;
    expect(left.omitted).toEqual({
      ins: 'absent',
      sex: 'absent',
      birthPlaceCode: 'absent',
      usedFamilyName: 'absent',
      usedForename: 'absent',
      reliabilityCodes: 'absent',
    });
    const erased = adt(
      withField(
        withField(
          withField(
            withField(
              BASE,
              'PID',
              3,
              '000003^^^CHU-X^PI~""^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS',
            ),
            'PID',
            11,
            '^^^^^^BDL^^""',
          ),
          'PID',
          32,
          '""',
        ),
        'PID',
        5,
        'PAT-TROIS^DOMINIQUE^""^^^^L~""^""^^^^^D',
      ),
    ).patient;
    expect(erased.omitted).toEqual({
      ins: 'erased',
      birthForenames: 'erased',
      birthPlaceCode: 'erased',
      usedFamilyName: 'erased',
      usedForename: 'erased',
      reliabilityCodes: 'erased',
    });
    // What a new patient gets: no value.
    expect(erased).toMatchObject({
      ins: null,
      traits: { birthForenames: 'DOMINIQUE', birthPlaceCode: null },
      complementary: { usedFamilyName: null, usedForename: null },
      reliabilityCodes: [],
    });
    expect(adt(withField(BASE, 'PID', 11, '""')).patient.omitted.birthPlaceCode).toBe('erased');
  });

  it('refuses "" for a required trait (AE 101 naming it)', () => {
    expect(adtError(withField(BASE, 'PID', 7, '""'))).toMatchObject({ hl7Code: '101', field: 'PID-7' });
    expect(adtError(withField(BASE, 'PID', 8, '""'))).toMatchObject({ hl7Code: '101', field: 'PID-8' });
    expect(adtError(withField(BASE, 'PID', 5, '""^DOMINIQUE^^^^^L')).message).toContain('cannot be erased');
  });
});

describe('merge and identifier change', () => {
  const a40 = withField(withField(BASE, 'MSH', 9, 'ADT^A40^ADT_A39'), 'PV1', 1, '1').replace(
    /\rPV1\|/,
    '\rMRG|000099^^^CHU-X&000897406&N^PI~279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS\rPV1|',
  );

  it('A40 gives the absorbed patient’s identifiers (MRG-1)', () => {
    const e = adt(a40);
    expect(e.trigger).toBe('A40');
    expect(e.patient.localIdentifiers).toEqual([{ value: '000003', authority: 'CHU-X' }]);
    expect(e.merged).toEqual({
      localIdentifiers: [{ value: '000099', authority: 'CHU-X' }],
      ins: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' },
    });
    expect(e.priorIdentifiers).toBeUndefined();
  });

  it('A47 gives the prior identifiers (MRG-1)', () => {
    const text = withField(BASE, 'MSH', 9, 'ADT^A47^ADT_A30').replace(
      /\rPV1\|/,
      '\rMRG|OLD-7^^^CHU-X^PI\rPV1|',
    );
    const e = adt(text);
    expect(e.priorIdentifiers).toEqual([{ value: 'OLD-7', authority: 'CHU-X' }]);
    expect(e.merged).toBeUndefined();
  });

  it.each(['A40', 'A47'])('%s without MRG is refused (AE 100, MRG)', (trigger) => {
    const e = adtError(withField(BASE, 'MSH', 9, `ADT^${trigger}`));
    expect(e).toMatchObject({ hl7Code: '100', ackCode: 'AE', field: 'MRG' });
  });

  it('A40 with an empty MRG-1 is refused (AE 101, MRG-1)', () => {
    const e = adtError(withField(a40, 'MRG', 1, ''));
    expect(e).toMatchObject({ hl7Code: '101', ackCode: 'AE', field: 'MRG-1' });
  });

  it('A47 needs a local prior identifier', () => {
    const text = withField(BASE, 'MSH', 9, 'ADT^A47').replace(
      /\rPV1\|/,
      '\rMRG|279035121518989^^^X&1.2.250.1.213.1.4.10&ISO^INS\rPV1|',
    );
    expect(adtError(text)).toMatchObject({ hl7Code: '101', field: 'MRG-1' });
  });
});

describe('refused messages', () => {
  it.each([
    ['no PID', withoutSegment(BASE, 'PID'), '100', 'AE', 'PID'],
    ['a bad birth date', withField(BASE, 'PID', 7, '19790230'), '102', 'AE', 'PID-7'],
    ['a partial birth date', withField(BASE, 'PID', 7, '197903'), '102', 'AE', 'PID-7'],
    ['no birth date', withField(BASE, 'PID', 7, ''), '101', 'AE', 'PID-7'],
    ['an unknown sex', withField(BASE, 'PID', 8, 'X'), '103', 'AE', 'PID-8'],
    ['no birth name of type L', withField(BASE, 'PID', 5, 'PAT-TROIS^DOMINIQUE^^^^^D'), '101', 'AE', 'PID-5'],
    ['an empty birth name', withField(BASE, 'PID', 5, '^DOMINIQUE^^^^^L'), '101', 'AE', 'PID-5.1'],
    ['no first forename', withField(BASE, 'PID', 5, 'PAT-TROIS^^^^^^L'), '101', 'AE', 'PID-5.2'],
    [
      'no IPP',
      withField(BASE, 'PID', 3, '279035121518989^^^X&1.2.250.1.213.1.4.10&ISO^INS'),
      '101',
      'AE',
      'PID-3',
    ],
    [
      'an INS with a bad key',
      withField(BASE, 'PID', 3, '000003^^^CHU-X^PI~276037510669380^^^X&1.2.250.1.213.1.4.8&ISO^INS'),
      '102',
      'AE',
      'PID-3[2].1',
    ],
    [
      'an INS with an unknown OID',
      withField(BASE, 'PID', 3, '000003^^^CHU-X^PI~279035121518989^^^X&1.2.3&ISO^INS'),
      '103',
      'AE',
      'PID-3[2].4.2',
    ],
    [
      'two different INS',
      withField(
        BASE,
        'PID',
        3,
        '000003^^^CHU-X^PI~279035121518989^^^X&1.2.250.1.213.1.4.10&ISO^INS~109076322088835^^^X&1.2.250.1.213.1.4.9&ISO^INS',
      ),
      '102',
      'AE',
      'PID-3[3]',
    ],
    ['a bad birth place', withField(BASE, 'PID', 11, '^^^^^^BDL^^6322'), '102', 'AE', 'PID-11.9'],
    ['an unknown trigger', withField(BASE, 'MSH', 9, 'ADT^A99^ADT_A01'), '201', 'AR', 'MSH-9.2'],
    ['no trigger', withField(BASE, 'MSH', 9, 'ADT'), '201', 'AR', 'MSH-9.2'],
    ['another message type', withField(BASE, 'MSH', 9, 'ORM^O01^ORM_O01'), '200', 'AR', 'MSH-9.1'],
    ['no message type', withField(BASE, 'MSH', 9, ''), '101', 'AR', 'MSH-9'],
    ['no control id', withField(BASE, 'MSH', 10, ''), '101', 'AR', 'MSH-10'],
  ])('%s → %s %s naming %s', (_what, text, hl7Code, ackCode, field) => {
    expect(adtError(text)).toMatchObject({ hl7Code, ackCode, field });
  });
});
