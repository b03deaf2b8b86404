import { describe, expect, it } from 'vitest';
import { insForExchange } from './identity.ts';
import { identityFromSource, type SourceIdentity } from './source.ts';
import { INS_OIDS } from './types.ts';

const now = new Date('2026-11-21T10:00:00Z');
const patTrois: SourceIdentity = {
  traits: {
    birthFamilyName: 'PAT-TROIS',
    firstBirthForename: 'DOMINIQUE',
    birthForenames: 'DOMINIQUE',
    birthDate: '1979-03-28',
    sex: 'F',
    birthPlaceCode: '63220',
  },
  complementary: {},
  ins: { matricule: '279035121518989', oid: INS_OIDS.test },
  reliabilityCodes: ['QUAL'],
};

describe('identity from the identity source (PAM)', () => {
  it('takes a qualified identity with its INS as sent', () => {
    const { identity, changes } = identityFromSource(null, patTrois, now);
    expect(identity.status).toBe('qualifiee');
    expect(insForExchange(identity)).toEqual(patTrois.ins);
    expect(changes.map((c) => c.field)).toContain('ins.matricule');
  });

  it('VALI with an INS is validee: the INS is kept but not carried', () => {
    const { identity } = identityFromSource(null, { ...patTrois, reliabilityCodes: ['VALI'] }, now);
    expect(identity.status).toBe('validee');
    expect(identity.ins).toEqual(patTrois.ins);
    expect(insForExchange(identity)).toBeNull();
  });

  it('a retrieved or qualified status without an INS is not believed', () => {
    expect(
      identityFromSource(null, { ...patTrois, ins: null, reliabilityCodes: ['QUAL'] }, now).identity.status,
    ).toBe('validee');
    expect(
      identityFromSource(null, { ...patTrois, ins: null, reliabilityCodes: ['RECUP'] }, now).identity.status,
    ).toBe('provisoire');
  });

  it('a doubtful or fictive identity stays provisoire without INS', () => {
    for (const code of ['DOUT', 'FICT']) {
      const { identity } = identityFromSource(null, { ...patTrois, reliabilityCodes: ['QUAL', code] }, now);
      expect(identity.status).toBe('provisoire');
      expect(identity.ins).toBeNull();
    }
  });

  it('no or unknown code is provisoire; bad traits are refused naming the field', () => {
    expect(
      identityFromSource(null, { ...patTrois, ins: null, reliabilityCodes: [] }, now).identity.status,
    ).toBe('provisoire');
    expect(() =>
      identityFromSource(null, { ...patTrois, traits: { ...patTrois.traits, birthDate: '1979-02-30' } }, now),
    ).toThrow(expect.objectContaining({ field: 'traits.birthDate' }));
  });

  it('an update reports only what changed and keeps the INSi retrieval date', () => {
    const first = identityFromSource(null, patTrois, now).identity;
    const later = new Date('2026-11-22T10:00:00Z');
    const { identity, changes } = identityFromSource(
      first,
      { ...patTrois, complementary: { usedFamilyName: 'MARTIN' } },
      later,
    );
    expect(changes.map((c) => c.field)).toEqual(['complementary.usedFamilyName']);
    expect(identity.insRetrievedAt).toBe(first.insRetrievedAt);
  });
});
