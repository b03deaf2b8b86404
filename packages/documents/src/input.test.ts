import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentInputError, parseReportDocument } from './input.ts';

const example = () =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../examples/qualified-ins.json'), 'utf8'));

function issues(value: unknown): string[] {
  try {
    parseReportDocument(value);
    return [];
  } catch (e) {
    if (!(e instanceof DocumentInputError)) throw e;
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('report document description', () => {
  it('the INS goes with a qualified identity only, with sex F or M and the birth place', () => {
    const notQualified = example();
    notQualified.patient.identityStatus = 'validee';
    expect(issues(notQualified)).toEqual([
      'patient.ins: the INS goes into a document only when the identity is qualified',
    ]);
    const sexU = example();
    sexU.patient.sex = 'U';
    expect(issues(sexU)).toEqual(['patient.sex: an INS identity is of sex F or M']);
    const noPlace = example();
    delete noPlace.patient.birthPlaceCode;
    expect(issues(noPlace)).toEqual(['patient.birthPlaceCode: the INS traits include the birth place']);
    // Qualified but not to be shared (e.g. doubtful): no INS, still a valid description.
    const withheld = example();
    delete withheld.patient.ins;
    expect(issues(withheld)).toEqual([]);
  });

  it('names each wrong field by its path', () => {
    const bad = example();
    bad.exams[0].studyInstanceUid = '1.2.03';
    bad.organisation.idNat = '123';
    bad.document.effectiveTime = '2026-11-22 10:42';
    expect(issues(bad).map((i) => i.split(':')[0])).toEqual([
      'document.effectiveTime',
      'organisation.idNat',
      'exams.0.studyInstanceUid',
    ]);
  });

  it('a referrer by RPPS, by ADELI or by name only; an ADELI has 9 characters', () => {
    const byAdeli = example();
    byAdeli.referrer = { adeli: '2B1234567', familyName: 'CASANOVA' };
    expect(issues(byAdeli)).toEqual([]);
    const byName = example();
    byName.referrer = { familyName: 'MARTIN', givenName: 'Sophie' };
    expect(issues(byName)).toEqual([]);
    const badAdeli = example();
    badAdeli.referrer = { adeli: '75123456', familyName: 'MARTIN' };
    expect(issues(badAdeli)).toEqual(['referrer.adeli: ADELI: 9 characters (department then 7 digits)']);
  });

  it('civilities and titles only from JDV_J245 / JDV_J246 or their printed forms', () => {
    const printed = example();
    printed.radiologist.prefix = 'Dr';
    printed.referrer.prefix = 'Mme';
    expect(issues(printed)).toEqual([]);
    const free = example();
    free.radiologist.prefix = 'Docteur';
    expect(issues(free).map((i) => i.split(':')[0])).toEqual(['radiologist.prefix']);
  });

  it('refuses what the CDA could not carry: no patient id at all, an exam ending before it starts', () => {
    const noId = example();
    delete noId.patient.ins;
    delete noId.patient.localId;
    expect(issues(noId)).toEqual([
      'patient.localId: the patient needs an identifier in the document: the local id (IPP) when the INS does not go out',
    ]);
    const backwards = example();
    backwards.exams[0].endedAt = '2026-11-22T09:00:00+01:00';
    expect(issues(backwards)).toEqual(['exams.0.endedAt: the end of the exam comes after its start']);
    const spaced = example();
    spaced.exams[0].ccam.code = 'NZQN 001';
    expect(issues(spaced)).toEqual(['exams.0.ccam.code: a code without spaces']);
  });

  it('control characters in a one-line field are removed; a name made only of them is required', () => {
    const d = example();
    d.patient.birthFamilyName = 'PAT\u0001-TROIS';
    d.radiologist.familyName = '\u0001\u0002';
    expect(issues(d)).toEqual(['radiologist.familyName: required']);
    delete d.radiologist.familyName;
    d.radiologist.familyName = 'BIDEAULT';
    expect(parseReportDocument(d).patient.birthFamilyName).toBe('PAT-TROIS');
  });

  it('INS traits in the INSi alphabet: a name with no capital letter left is refused', () => {
    const d = example();
    d.patient.birthFamilyName = 'שלום';
    expect(issues(d)).toEqual([
      'patient.birthFamilyName: an INS trait is written in capitals (A-Z, space, hyphen, apostrophe): none here',
    ]);
    delete d.patient.ins;
    expect(issues(d)).toEqual([]);
  });
});
