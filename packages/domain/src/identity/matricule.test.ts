// Tests may read the shared conformance files; the domain code itself stays pure.
// eslint-disable-next-line no-restricted-imports
import { readFileSync } from 'node:fs';
// eslint-disable-next-line no-restricted-imports
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMatricule, computeNirKey, isValidMatricule, normalizeMatricule } from './matricule.ts';

/**
 * The conformance material lives in `shared/` next to the repository checkout. To point
 * elsewhere, set RAYON_SHARED to the folder that holds `conformance/`.
 */
const SHARED = process.env.RAYON_SHARED ?? join(import.meta.dirname, '../../../../../shared');
const VECTORS = join(SHARED, 'conformance/ins/nir-test-vectors.csv');

/** Minimal RFC 4180 reader (quoted fields may hold commas). */
function readCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        cells.push(cell);
        cell = '';
      } else cell += c;
    }
    cells.push(cell);
    rows.push(cells);
  }
  const [header, ...data] = rows;
  if (!header) return [];
  return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** Appends the right key to a 13-character body. */
const withKey = (body: string) => body + String(computeNirKey(body)).padStart(2, '0');

describe('matricule INS: official vectors (conformance/ins/nir-test-vectors.csv)', () => {
  const vectors = readCsv(readFileSync(VECTORS, 'utf8'));

  it('has the vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(9);
    expect(vectors.some((v) => v.status === 'INVALID')).toBe(true);
  });

  for (const v of readCsv(readFileSync(VECTORS, 'utf8'))) {
    it(`${v.nir15} is ${v.status} (${v.note || v.origin})`, () => {
      const nir15 = v.nir15 ?? '';
      expect(computeNirKey(v.body13 ?? '')).toBe(Number(v.key_computed_97_minus_mod97));
      const check = checkMatricule(nir15);
      expect(check.valid).toBe(v.status === 'valid');
      if (!check.valid) expect(check.reason).toBe('key');
    });
  }
});

describe('matricule INS: INSi test kit answers (conformance/services/insi/responses)', () => {
  it('accepts the NIA of TEST_2.05 (OID …4.9) although it starts with 1', () => {
    const c = checkMatricule('109076322088835');
    expect(c.valid && c.kind).toBe('nir');
  });
  it('accepts the Corsican NIR of TEST_2.08 cas 1 (2B020)', () => {
    expect(isValidMatricule('180032B02040123')).toBe(true);
  });
  it('accepts the NIR and INSHISTO of TEST_2.04', () => {
    expect(isValidMatricule('109076322083489')).toBe(true);
    expect(isValidMatricule('209076322083439')).toBe(true);
    expect(isValidMatricule('209066322012355')).toBe(true);
  });
  it('rejects the keys of TEST_2.08 cas 2, which do not verify (fixture)', () => {
    expect(computeNirKey('1810363220456')).toBe(76);
    expect(checkMatricule('181036322045660')).toMatchObject({ valid: false, reason: 'key' });
  });
});

describe('matricule INS: Corsica', () => {
  it('reads 2A as 19 and 2B as 18 for the key', () => {
    expect(computeNirKey('186022A215325')).toBe(97 - (Number('1860219215325') % 97));
    expect(computeNirKey('185052B123456')).toBe(97 - (Number('1850518123456') % 97));
    expect(isValidMatricule('186022A21532523')).toBe(true);
    expect(isValidMatricule('185052B12345660')).toBe(true);
  });
  it('gives 2A and 2B different keys, and refuses a Corsican number with the key of 20', () => {
    expect(computeNirKey('186022A215325')).not.toBe(computeNirKey('186022B215325'));
    const key20 = String(97 - (Number('1860220215325') % 97)).padStart(2, '0');
    expect(isValidMatricule(`186022A215325${key20}`)).toBe(false);
  });
  it('accepts lower case and printed spacing', () => {
    expect(normalizeMatricule('1 86 02 2a 215 325 23')).toBe('186022A21532523');
    expect(isValidMatricule('1 86 02 2a 215 325 23')).toBe(true);
  });
  it('only substitutes 2A/2B at positions 6-7', () => {
    expect(checkMatricule('186022C21532523')).toMatchObject({ valid: false, reason: 'format' });
    expect(checkMatricule('12A022A21532523')).toMatchObject({ valid: false, reason: 'format' });
  });
  it('accepts département 20 (Corsica before 1976; the NIR never changes)', () => {
    expect(isValidMatricule(withKey('1580520004123'))).toBe(true);
  });
});

describe('matricule INS: temporary numbers (NIA, numbers being registered, NNP)', () => {
  for (const first of ['3', '4', '7', '8']) {
    it(`accepts a well-keyed number starting with ${first} as temporary`, () => {
      const c = checkMatricule(withKey(`${first}850599134012`));
      expect(c.valid).toBe(true);
      expect(c.valid && c.kind).toBe('temporary');
    });
    it(`checks the key of a number starting with ${first}`, () => {
      const good = withKey(`${first}850599134012`);
      const key = Number(good.slice(13));
      const bad = good.slice(0, 13) + String(key === 97 ? 1 : key + 1).padStart(2, '0');
      expect(checkMatricule(bad)).toMatchObject({ valid: false, reason: 'key' });
    });
  }
  for (const first of ['0', '5', '6', '9']) {
    it(`refuses a number starting with ${first}, whatever its key`, () => {
      expect(checkMatricule(withKey(`${first}850599134012`))).toMatchObject({
        valid: false,
        reason: 'format',
      });
    });
  }
  it('accepts the fictitious months of an incomplete civil status (20-42, 50-99)', () => {
    for (const month of ['20', '30', '42', '50', '62', '99']) {
      expect(isValidMatricule(withKey(`185${month}99134012`))).toBe(true);
    }
  });
  it('refuses impossible months', () => {
    for (const month of ['00', '13', '19', '43', '49']) {
      expect(checkMatricule(withKey(`185${month}99134012`))).toMatchObject({
        valid: false,
        reason: 'format',
      });
    }
  });
  it('refuses département 00', () => {
    expect(checkMatricule(withKey('1850500134012'))).toMatchObject({ valid: false, reason: 'format' });
  });
});

describe('matricule INS: shape', () => {
  it.each(['', '27903512151898', '2790351215189890', '2790351215189', 'abcdefghijklmno'])(
    'refuses %j',
    (v) => {
      expect(isValidMatricule(v)).toBe(false);
    },
  );
  it('reports the reason', () => {
    expect(checkMatricule('27903512151898')).toMatchObject({ valid: false, reason: 'length' });
    expect(checkMatricule('27903512151898X')).toMatchObject({ valid: false, reason: 'format' });
  });
  it('splits a valid matricule into its parts', () => {
    expect(checkMatricule('279035121518989')).toEqual({
      valid: true,
      matricule: '279035121518989',
      kind: 'nir',
      sexDigit: '2',
      year: '79',
      month: '03',
      department: '51',
      commune: '215',
      order: '189',
      key: 89,
    });
  });
  it('computes keys between 1 and 97 that a one-digit change breaks', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 500; i++) {
      const body = `1${String(next() % 1e6).padStart(6, '0')}${String(next() % 1e6).padStart(6, '0')}`;
      const key = computeNirKey(body);
      expect(key).toBeGreaterThanOrEqual(1);
      expect(key).toBeLessThanOrEqual(97);
      const pos = 1 + (next() % 12);
      const digit = Number(body[pos]);
      const changed = body.slice(0, pos) + String((digit + 1) % 10) + body.slice(pos + 1);
      expect(computeNirKey(changed)).not.toBe(key);
    }
  });
  it('refuses a body that is not 13 digits', () => {
    expect(() => computeNirKey('123')).toThrow(RangeError);
    expect(() => computeNirKey('12345X7890123')).toThrow(RangeError);
  });
});
