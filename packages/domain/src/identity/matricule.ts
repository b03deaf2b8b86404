/**
 * Matricule INS: the NIR (numéro d'inscription au répertoire, INSEE) or the NIA (numéro
 * identifiant d'attente, CNAV/SNGI) of a person, 13 characters followed by a 2-digit key.
 *
 * Structure (décret 82-103 art. 4, as described by the CNAM's own validator
 * assurance-maladie-digital/nir-validation and by INSEE):
 *
 * | pos.  | meaning                          | accepted here                                       |
 * | ----- | -------------------------------- | --------------------------------------------------- |
 * | 1     | sex / kind of number             | 1, 2 (NIR); 3, 4, 7, 8 (temporary numbers, below)   |
 * | 2-3   | year of birth                    | 00-99                                               |
 * | 4-5   | month of birth                   | 01-12; 20-42 and 50-99 (civil status without month) |
 * | 6-7   | département (or 97/98 + 1 digit) | 01-99, 2A, 2B (Corsica since 1976; 20 before)        |
 * | 8-10  | commune / country (COG)          | 3 digits                                            |
 * | 11-13 | order number                     | 3 digits                                            |
 * | 14-15 | key = 97 − (body mod 97)         | 01-97                                               |
 *
 * Temporary numbers: the NIA "est constitué comme un NIR" (circulaire DSS/SD4C 2012-213) and is
 * returned by INSi with OID 1.2.250.1.213.1.4.9; the INSi test kit (CNDA case TEST_2.05) returns
 * a NIA starting with 1, so the first digit does not tell a NIR from a NIA — the OID does.
 * Numbers issued while a person born abroad is being registered start with 3 or 4, and the
 * provisional numbers of the caisses (NNP) with 7 or 8 (python-stdnum fr.nir; CNAM
 * nir-validation `Nnp`); all are "temporary" here. 5 and 6 are CNAM "migrant" numbers, never a
 * matricule INS. The key is computed the same way for every kind. Months 20-42 and 50-99 are
 * the fictitious months INSEE gives when the civil status has no month (betagouv/itou NIR).
 *
 * Corsica: for the key, "2A" is read as 19 and "2B" as 18 (INSEE; `reference/cda-hl7v2-ins.md`
 * §5). Only positions 6-7 are substituted.
 */

export type MatriculeKind = 'nir' | 'temporary';

export interface MatriculeParts {
  /** Normalised matricule: 15 characters, upper case, no spaces. */
  matricule: string;
  kind: MatriculeKind;
  sexDigit: string;
  year: string;
  month: string;
  department: string;
  commune: string;
  order: string;
  key: number;
}

export type MatriculeCheck =
  ({ valid: true } & MatriculeParts) | { valid: false; reason: 'length' | 'format' | 'key'; message: string };

const MATRICULE_RE =
  /^(?<sex>[1-478])(?<year>\d{2})(?<month>0[1-9]|1[0-2]|[23]\d|4[0-2]|[5-9]\d)(?<dept>0[1-9]|[1-9]\d|2A|2B)(?<commune>\d{3})(?<order>\d{3})(?<key>\d{2})$/;

/**
 * Key of a 13-character body: 97 − (body mod 97), with 2A → 19 and 2B → 18 at positions 6-7.
 * Computed digit by digit (the body exceeds 2^53). Throws on a body that is not 13 digits
 * (after the Corsican substitution): callers check the format first.
 */
export function computeNirKey(body: string): number {
  if (body.length !== 13) throw new RangeError('a NIR body has 13 characters');
  const dept = body.slice(5, 7).toUpperCase();
  const digits = body.slice(0, 5) + (dept === '2A' ? '19' : dept === '2B' ? '18' : dept) + body.slice(7);
  let rest = 0;
  for (const ch of digits) {
    const d = ch.charCodeAt(0) - 48;
    if (d < 0 || d > 9) throw new RangeError('a NIR body has digits only (2A/2B at positions 6-7)');
    rest = (rest * 10 + d) % 97;
  }
  return 97 - rest;
}

/** Removes spaces (as printed on a Vitale card: "2 79 03 51 215 189 89") and upper-cases. */
export function normalizeMatricule(value: string): string {
  return value.replace(/[\s.]/g, '').toUpperCase();
}

/** Checks length, format and key of a matricule INS (NIR or NIA). Never throws. */
export function checkMatricule(value: string): MatriculeCheck {
  const matricule = normalizeMatricule(value);
  if (matricule.length !== 15) {
    return {
      valid: false,
      reason: 'length',
      message: 'a matricule INS has 15 characters (13 + 2-digit key)',
    };
  }
  const m = MATRICULE_RE.exec(matricule);
  if (!m?.groups) {
    return {
      valid: false,
      reason: 'format',
      message: 'the matricule INS does not have the NIR/NIA structure (sex 1-4/7/8, month, département)',
    };
  }
  const g = m.groups as Record<'sex' | 'year' | 'month' | 'dept' | 'commune' | 'order' | 'key', string>;
  const key = Number(g.key);
  const expected = computeNirKey(matricule.slice(0, 13));
  if (key !== expected) {
    return {
      valid: false,
      reason: 'key',
      message: 'the key of the matricule INS does not match (97 − body mod 97)',
    };
  }
  return {
    valid: true,
    matricule,
    kind: g.sex === '1' || g.sex === '2' ? 'nir' : 'temporary',
    sexDigit: g.sex,
    year: g.year,
    month: g.month,
    department: g.dept,
    commune: g.commune,
    order: g.order,
    key,
  };
}

export function isValidMatricule(value: string): boolean {
  return checkMatricule(value).valid;
}
