import { describe, expect, it } from 'vitest';
import { isAppError } from '../shared/errors.ts';
import { pscProfessionalOf, rppsOfNationalId, rppsToRecord } from './psc.ts';

const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return isAppError(e) ? e.reasonKey : e;
  }
  return undefined;
};

describe('Pro Santé Connect identity', () => {
  it('reads the RPPS of a national id only from 8 + a valid RPPS', () => {
    expect(rppsOfNationalId('810001234565')).toBe('10001234565');
    expect(rppsOfNationalId('810001234567')).toBeNull(); // wrong Luhn key
    expect(rppsOfNationalId('0751234567')).toBeNull(); // ADELI
    expect(rppsOfNationalId('ANS20210107161422')).toBeNull();
  });

  it('takes « DR » as the civility of exercise', () => {
    const p = pscProfessionalOf({
      SubjectNameID: '810001234565',
      SubjectRefPro: {
        codeCivilite: 'M',
        exercices: [{ codeCiviliteDexercice: 'DR', nomDexercice: 'MOREAU', prenomDexercice: 'Julien' }],
      },
    });
    expect(p).toMatchObject({ civility: 'Dr', rpps: '10001234565', displayName: 'Julien MOREAU' });
  });

  it('refuses a userinfo without SubjectNameID', () => {
    expect(reason(() => pscProfessionalOf({ sub: 'x' }))).toBe('psc.id_token_invalid');
    expect(reason(() => pscProfessionalOf('nope'))).toBe('psc.id_token_invalid');
    expect(reason(() => pscProfessionalOf({ SubjectNameID: '8 1; drop' }))).toBe('psc.id_token_invalid');
  });

  it('fills a missing RPPS, keeps a matching one and refuses another', () => {
    expect(rppsToRecord(null, '10001234565')).toBe('10001234565');
    expect(rppsToRecord('10001234565', '10001234565')).toBeNull();
    expect(rppsToRecord('10001234565', null)).toBeNull();
    expect(reason(() => rppsToRecord('10000023084', '10001234565'))).toBe('psc.rpps_mismatch');
  });
});
