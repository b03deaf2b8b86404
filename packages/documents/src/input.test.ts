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
});
