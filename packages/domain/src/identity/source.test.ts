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

describe('an update from the source: left out is kept, "" erases as the RNIV allows', () => {
  const qualified = identityFromSource(null, patTrois, now).identity;
  const provisional = identityFromSource(
    null,
    { ...patTrois, ins: null, reliabilityCodes: ['PROV'] },
    now,
  ).identity;
  const validated = identityFromSource(
    null,
    { ...patTrois, ins: null, reliabilityCodes: ['VALI'] },
    now,
  ).identity;
  const later = new Date('2026-11-22T10:00:00Z');
  /** The PID of an update that states the required traits only (INS, birth place, PID-32, … left out). */
  const bare: SourceIdentity = {
    traits: {
      birthFamilyName: 'PAT-TROIS',
      firstBirthForename: 'DOMINIQUE',
      birthDate: '1979-03-28',
    },
    complementary: {},
  };

  it('leaving out the INS, the birth place, the forename list, the sex and PID-32 changes nothing', () => {
    for (const current of [qualified, validated, provisional]) {
      const { identity, changes } = identityFromSource(current, bare, later);
      expect(changes).toEqual([]);
      expect(identity).toEqual(current);
    }
    const withList = identityFromSource(
      null,
      { ...patTrois, traits: { ...patTrois.traits, birthForenames: 'DOMINIQUE MARIE-LOUISE' } },
      now,
    ).identity;
    expect(identityFromSource(withList, bare, later).identity.traits.birthForenames).toBe(
      'DOMINIQUE MARIE-LOUISE',
    );
  });

  it('"" erases the birth place and the forename list of a provisional identity only', () => {
    const erase = { ...bare, traits: { ...bare.traits, birthPlaceCode: null, birthForenames: null } };
    const fromProvisional = identityFromSource(provisional, erase, later);
    expect(fromProvisional.identity.traits.birthPlaceCode).toBeNull();
    expect(fromProvisional.identity.status).toBe('provisoire');
    for (const current of [qualified, validated]) {
      const { identity, changes, notes } = identityFromSource(current, erase, later);
      expect(changes).toEqual([]);
      expect(identity.traits.birthPlaceCode).toBe('63220');
      expect(notes.map((n) => n.field)).toEqual(['traits.birthForenames', 'traits.birthPlaceCode']);
    }
  });

  it('"" erases the INS: a qualified identity becomes validee (rule 3)', () => {
    const { identity } = identityFromSource(qualified, { ...bare, ins: null }, later);
    expect(identity.ins).toBeNull();
    expect(identity.status).toBe('validee');
    expect(insForExchange(identity)).toBeNull();
  });

  it('"" erases the used names; left out keeps them', () => {
    const named = identityFromSource(
      qualified,
      { ...bare, complementary: { usedFamilyName: 'MARTIN', usedForename: 'Dom' } },
      later,
    ).identity;
    expect(identityFromSource(named, bare, later).identity.complementary).toEqual({
      usedFamilyName: 'MARTIN',
      usedForename: 'Dom',
    });
    expect(
      identityFromSource(named, { ...bare, complementary: { usedFamilyName: null } }, later).identity
        .complementary,
    ).toEqual({ usedFamilyName: null, usedForename: 'Dom' });
  });

  it('a lower PID-32 code alone does not lower the status (noted); DOUT does (rule 1)', () => {
    for (const code of ['PROV', 'VALI', 'RECUP', 'VIDE']) {
      const { identity, notes } = identityFromSource(qualified, { ...bare, reliabilityCodes: [code] }, later);
      expect(identity.status, code).toBe('qualifiee');
      expect(identity.ins).toEqual(patTrois.ins);
      expect(notes.map((n) => n.field)).toEqual(['status']);
    }
    const doubtful = identityFromSource(qualified, { ...bare, reliabilityCodes: ['QUAL', 'DOUT'] }, later);
    expect(doubtful.identity).toMatchObject({ status: 'provisoire', ins: null });
    // "" on PID-32 erases the attributes, not the status.
    const cleared = identityFromSource(doubtful.identity, { ...bare, reliabilityCodes: null }, later);
    expect(cleared.identity).toMatchObject({ status: 'provisoire', attributes: { douteuse: false } });
    expect(identityFromSource(validated, { ...bare, reliabilityCodes: null }, later).identity.status).toBe(
      'validee',
    );
  });

  it('a changed strict trait removes the INS (rule 2) unless the source states it retrieved again', () => {
    const renamed = { ...bare, traits: { ...bare.traits, birthFamilyName: 'PAT-QUATRE' } };
    const { identity } = identityFromSource(qualified, renamed, later);
    expect(identity).toMatchObject({ status: 'provisoire', ins: null, insRetrievedAt: null });
    const again = identityFromSource(
      qualified,
      { ...renamed, ins: patTrois.ins, reliabilityCodes: ['QUAL'] },
      later,
    ).identity;
    expect(again).toMatchObject({ status: 'qualifiee', ins: patTrois.ins });
    // Same traits in INS form (case, accents): the traits INSi returned stay as they are.
    const cased = identityFromSource(
      qualified,
      { ...bare, traits: { ...bare.traits, birthFamilyName: 'Pat-Trois', firstBirthForename: 'Dominique' } },
      later,
    );
    expect(cased.changes).toEqual([]);
    // A validated identity corrected in INS form only keeps its document check.
    expect(
      identityFromSource(
        validated,
        { ...bare, traits: { ...bare.traits, firstBirthForename: 'Dominique' } },
        later,
      ).identity.status,
    ).toBe('validee');
  });

  it('another INS without RECUP/QUAL is kept but no longer retrieved (rule 3)', () => {
    const other = { matricule: '295109912611193', oid: INS_OIDS.test };
    const { identity } = identityFromSource(qualified, { ...bare, ins: other }, later);
    expect(identity).toMatchObject({ ins: other, status: 'validee', insRetrievedAt: null });
  });
});
