/**
 * The ANS samples of PSC userinfo, read as Rayon reads them. They are in ../shared/conformance
 * beside the checkout; set RAYON_SHARED to point elsewhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pscProfessionalOf } from '@rayon/domain';
import { describe, expect, it } from 'vitest';

const shared = process.env.RAYON_SHARED ?? join(import.meta.dirname, '../../../../../shared');
const sample = (name: string) =>
  JSON.parse(readFileSync(`${shared}/conformance/services/psc/${name}`, 'utf8')) as unknown;

describe('PSC userinfo samples of the ANS', () => {
  it('reads the ANS sample userinfo: names and civility of the first exercise', () => {
    const p = pscProfessionalOf(sample('userinfo-UserInfo_site_PSC.json'));
    expect(p).toMatchObject({
      nationalId: 'ANS20210107161422',
      rpps: null,
      civility: 'M.',
      familyName: 'Docteur OIDC',
      givenName: 'Paul',
      professionCode: '10',
    });
  });

  it('reads the minimal sample, whose national id is a test RPPS', () => {
    const p = pscProfessionalOf(sample('userinfo-minimal.json'));
    expect(p.nationalId).toBe('899700218896');
    expect(p.displayName).toBe('ROBERT SPECIALISTE0021889');
  });
});
