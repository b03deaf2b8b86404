import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReportDocument, type ReportDocument } from '../input.ts';
import {
  INS_DATAMATRIX_HEADER,
  InsDataMatrixError,
  encodeDataMatrix,
  insDataMatrixContent,
  insNameCharacters,
} from './ins-datamatrix.ts';

const GS = '\x1d';
const example = JSON.parse(
  readFileSync(new URL('../../examples/qualified-ins.json', import.meta.url), 'utf8'),
);
const patient = (over: Record<string, unknown> = {}): ReportDocument['patient'] =>
  parseReportDocument({ ...example, patient: { ...example.patient, ...over } }).patient;

describe('insDataMatrixContent', () => {
  it('encodes the ANS test identity PAT-TROIS DOMINIQUE', () => {
    // OID .10 has 20 characters (its maximum): no <GS> after it
    expect(insDataMatrixContent(patient())).toBe(
      'IS010000000000000000000000' +
        'S1279035121518989' +
        'S21.2.250.1.213.1.4.10' +
        `S3DOMINIQUE${GS}` +
        `S4PAT-TROIS${GS}` +
        'S5F' +
        'S628-03-1979' +
        'S763220',
    );
  });

  it('has a 26-character header: IS, version 01, 22 zeros', () => {
    expect(INS_DATAMATRIX_HEADER).toHaveLength(26);
    expect(insDataMatrixContent(patient()).startsWith('IS01' + '0'.repeat(22) + 'S1')).toBe(true);
  });

  it('ends a 19-character OID with <GS> and takes every birth forename', () => {
    const content = insDataMatrixContent(
      patient({
        ins: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.8' },
        birthForenames: 'DOMINIQUE MARIE-LOUISE',
        sex: 'M',
      }),
    );
    expect(content).toContain(`S21.2.250.1.213.1.4.8${GS}S3DOMINIQUE MARIE-LOUISE${GS}S4`);
    expect(content).toContain('S5MS6');
  });

  it('folds names to the INS alphabet (capitals without diacritics, space, hyphen, apostrophe)', () => {
    const content = insDataMatrixContent(
      patient({
        birthFamilyName: 'L’Hôte-Nœl',
        birthForenames: 'Gwénaëlle  Françoise',
        firstBirthForename: 'Gwénaëlle',
      }),
    );
    expect(content).toContain(`S3GWENAELLE FRANCOISE${GS}S4L'HOTE-NOEL${GS}S5F`);
    expect(insNameCharacters('Øster Æbelø ß')).toBe('OSTER AEBELO SS');
  });

  it('writes no <GS> after a name of the maximum length (100), and cuts longer ones', () => {
    const long = `${'A'.repeat(60)} ${'B'.repeat(60)}`;
    const content = insDataMatrixContent(patient({ birthForenames: long, firstBirthForename: 'A' }));
    expect(content).toContain(`S3${long.slice(0, 100)}S4PAT-TROIS${GS}`);
  });

  it('leaves S7 out without a birth place and then ends on the birth date', () => {
    const p = { ...patient(), birthPlaceCode: undefined };
    expect(insDataMatrixContent(p).endsWith('S5FS628-03-1979')).toBe(true);
  });

  it('keeps a Corsican birth place code', () => {
    expect(insDataMatrixContent(patient({ birthPlaceCode: '2A004' })).endsWith('S72A004')).toBe(true);
  });

  it('refuses an identity that is not qualified, and a sex other than M or F', () => {
    const notQualified = { ...patient(), identityStatus: 'validee' as const, ins: undefined };
    expect(() => insDataMatrixContent(notQualified)).toThrow(InsDataMatrixError);
    // The description already refuses it (parseReportDocument); the encoder checks again.
    expect(() => insDataMatrixContent({ ...patient(), sex: 'U' as const })).toThrow(/sex M or F/);
  });
});

describe('encodeDataMatrix', () => {
  it('gives a square ECC 200 symbol with its finder pattern (solid left and bottom edges)', () => {
    const symbol = encodeDataMatrix(insDataMatrixContent(patient()));
    expect(symbol.size).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < symbol.size; i++) {
      expect(symbol.dark(0, i)).toBe(true);
      expect(symbol.dark(i, symbol.size - 1)).toBe(true);
    }
    // timing pattern: alternating top row
    expect(symbol.dark(0, 0)).toBe(true);
    expect(symbol.dark(1, 0)).toBe(false);
  });
});
