/**
 * The INS DataMatrix printed on health documents when the patient's identity is qualified
 * (ANS, « INS — Format DataMatrix », v2.2; referentiel INS / guide d'implémentation, EXI DIF 02).
 *
 * Content, a 2D-Doc–like string without signature:
 *   header  `IS` (marker) + `01` (version) + 22 × `0` (the 2D-Doc certificate, dates, type and
 *           perimeter fields, unused: the INS DataMatrix is not signed) = 26 characters, encoded in
 *           C40 like a 2D-Doc header;
 *   then data fields, each a 2-character identifier followed by its value:
 *     S1 matricule INS            fixed 15
 *     S2 OID of the INS           19..20   (1.2.250.1.213.1.4.8 / .9 / .10 / .11)
 *     S3 birth forenames (list)   1..100   space separated
 *     S4 birth family name        1..100
 *     S5 sex                      fixed 1  M or F
 *     S6 birth date               fixed 10 JJ-MM-AAAA
 *     S7 birth place (COG)        fixed 5  optional
 *   A variable-length field that is shorter than its maximum and is not the last field ends with
 *   <GS> (ASCII 29); fixed-length fields never do.
 */
import bwipjs from 'bwip-js';
import type { ReportDocument } from '../input.ts';

type Patient = ReportDocument['patient'];

export const INS_DATAMATRIX_HEADER = `IS01${'0'.repeat(22)}`;
const GS = '\x1d';

export class InsDataMatrixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsDataMatrixError';
  }
}

interface Field {
  id: string;
  value: string;
  min: number;
  max: number;
}

/** Letters NFD does not decompose into a base letter and a mark. */
const LETTERS: Record<string, string> = {
  Œ: 'OE',
  Æ: 'AE',
  ß: 'SS',
  Ø: 'O',
  Ł: 'L',
  Đ: 'D',
  Ð: 'D',
  Þ: 'TH',
  ı: 'I',
};

/**
 * Names as the INS traits are written (INSi: capitals without diacritics, space, hyphen and
 * apostrophe): a qualified identity already has them so; anything else is folded to that alphabet.
 */
export function insNameCharacters(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[ŒÆßØŁĐÐÞı]/g, (c) => LETTERS[c] ?? c)
    .replace(/[’‘`´ʼ]/g, "'")
    .replace(/[^A-Z' -]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** The string the INS DataMatrix encodes for this patient (qualified identity only). */
export function insDataMatrixContent(patient: Patient): string {
  if (patient.identityStatus !== 'qualifiee' || !patient.ins) {
    throw new InsDataMatrixError('the INS DataMatrix is printed only for a qualified identity with its INS');
  }
  if (patient.sex !== 'M' && patient.sex !== 'F') {
    throw new InsDataMatrixError('the INS DataMatrix carries the sex M or F (patient.sex)');
  }
  const [year, month, day] = patient.birthDate.split('-');
  const fields: Field[] = [
    { id: 'S1', value: patient.ins.matricule.toUpperCase(), min: 15, max: 15 },
    { id: 'S2', value: patient.ins.oid, min: 19, max: 20 },
    { id: 'S3', value: insNameCharacters(patient.birthForenames).slice(0, 100).trimEnd(), min: 1, max: 100 },
    { id: 'S4', value: insNameCharacters(patient.birthFamilyName).slice(0, 100).trimEnd(), min: 1, max: 100 },
    { id: 'S5', value: patient.sex, min: 1, max: 1 },
    { id: 'S6', value: `${day}-${month}-${year}`, min: 10, max: 10 },
  ];
  if (patient.birthPlaceCode) fields.push({ id: 'S7', value: patient.birthPlaceCode, min: 5, max: 5 });

  let content = INS_DATAMATRIX_HEADER;
  fields.forEach((f, i) => {
    if (f.value.length < f.min || f.value.length > f.max) {
      throw new InsDataMatrixError(
        `INS DataMatrix field ${f.id}: ${f.min === f.max ? f.min : `${f.min} to ${f.max}`} characters expected, got ${f.value.length}`,
      );
    }
    const last = i === fields.length - 1;
    content += f.id + f.value + (!last && f.value.length < f.max ? GS : '');
  });
  return content;
}

/** The ECC 200 symbol of a content: `size` × `size` modules, `dark(x, y)` with y = 0 the top row. */
export interface DataMatrixSymbol {
  size: number;
  dark(x: number, y: number): boolean;
}

export function encodeDataMatrix(content: string): DataMatrixSymbol {
  // c40headerlength: the 2D-Doc header is C40-encoded (BWIPP option made for 2D-Doc / Mailmark).
  const options = { bcid: 'datamatrix', text: content, format: 'square', c40headerlength: 26 };
  const [symbol] = bwipjs.raw(options as bwipjs.RawOptions);
  if (!symbol || !('pixs' in symbol) || symbol.pixx !== symbol.pixy) {
    throw new InsDataMatrixError('the DataMatrix encoder returned no square symbol');
  }
  const { pixs, pixx } = symbol;
  return { size: pixx, dark: (x, y) => pixs[y * pixx + x] === 1 };
}
