import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import {
  applyInsiResult,
  changeComplementaryTraits,
  changeStrictTraits,
  newIdentity,
  insForExchange,
  recordIdentityDocument,
  reliabilityCodes,
  setAttributes,
  type InsiAnswer,
  type InsiTraits,
} from './identity.ts';
import { INS_OIDS, type PatientIdentity } from './types.ts';

const NOW = new Date('2026-03-15T10:00:00Z');
const LATER = new Date('2026-03-16T08:30:00Z');

/** The ANS test identity as typed at the desk (mixed case, accents nowhere). */
const DESK_TRAITS = {
  birthFamilyName: 'Pat-Trois',
  firstBirthForename: 'Dominique',
  birthForenames: 'Dominique',
  birthDate: '1979-03-28',
  sex: 'F',
  birthPlaceCode: '63220',
};
const INSI_TRAITS: InsiTraits = {
  birthFamilyName: 'PAT-TROIS',
  firstBirthForename: 'DOMINIQUE',
  birthForenames: 'DOMINIQUE',
  birthDate: '1979-03-28',
  sex: 'F',
  birthPlaceCode: '63220',
};
const FOUND: InsiAnswer = {
  code: '00',
  ins: { matricule: '279035121518989', oid: INS_OIDS.test },
  traits: INSI_TRAITS,
};

const provisoire = () => newIdentity({ traits: DESK_TRAITS }, NOW).identity;
const recuperee = () => applyInsiResult(provisoire(), FOUND, NOW).identity;
const validee = () => recordIdentityDocument(provisoire(), 'carte_identite', NOW).identity;
const qualifiee = () => recordIdentityDocument(recuperee(), 'passeport', NOW).identity;

function conflictOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('CONFLICT');
    return e as AppError;
  }
  throw new Error('expected a CONFLICT');
}

describe('creation', () => {
  it('creates a provisional identity from the strict traits alone', () => {
    const { identity, changes } = newIdentity({ traits: DESK_TRAITS }, NOW);
    expect(identity).toMatchObject({
      status: 'provisoire',
      ins: null,
      insRetrievedAt: null,
      identityDocument: null,
      attributes: { douteuse: false, fictive: false, homonyme: false },
      complementary: { usedFamilyName: null, usedForename: null },
    });
    expect(identity.traits.birthFamilyName).toBe('Pat-Trois');
    expect(changes).toContainEqual({ field: 'traits.birthDate', from: null, to: '1979-03-28' });
    expect(changes).toContainEqual({ field: 'status', from: null, to: 'provisoire' });
    expect(changes.find((c) => c.field === 'ins.matricule')).toBeUndefined();
  });

  it('never blocks on complementary traits or attributes', () => {
    const { identity } = newIdentity(
      {
        traits: DESK_TRAITS,
        complementary: { usedFamilyName: 'Épouse 2 Martin!', usedForename: '' },
        attributes: { homonyme: true, fictive: true },
      },
      NOW,
    );
    expect(identity.complementary).toEqual({ usedFamilyName: 'Épouse 2 Martin!', usedForename: null });
    expect(identity.attributes).toEqual({ douteuse: false, fictive: true, homonyme: true });
    expect(identity.status).toBe('provisoire');
  });

  it('refuses bad strict traits with a BAD_INPUT naming the field', () => {
    expect(() => newIdentity({ traits: { ...DESK_TRAITS, sex: 'Z' } }, NOW)).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', field: 'traits.sex' }),
    );
  });
});

describe('INSi answers', () => {
  it('provisoire → recuperee: INS kept with its OID, traits stored exactly as returned', () => {
    const r = applyInsiResult(provisoire(), FOUND, NOW);
    expect(r.outcome).toBe('applied');
    expect(r.reason).toBeNull();
    expect(r.identity.status).toBe('recuperee');
    expect(r.identity.ins).toEqual({ matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' });
    expect(r.identity.insRetrievedAt).toBe(NOW.toISOString());
    expect(r.identity.traits).toEqual(INSI_TRAITS);
    expect(r.changes).toEqual(
      expect.arrayContaining([
        { field: 'traits.birthFamilyName', from: 'Pat-Trois', to: 'PAT-TROIS' },
        { field: 'status', from: 'provisoire', to: 'recuperee' },
        { field: 'ins.matricule', from: null, to: '279035121518989' },
        { field: 'ins.oid', from: null, to: '1.2.250.1.213.1.4.10' },
      ]),
    );
  });

  it('stores INSi traits as returned even when they differ from the local ones', () => {
    const answer: InsiAnswer = {
      ...FOUND,
      traits: { ...INSI_TRAITS, birthForenames: 'DOMINIQUE MARIE-LOUISE', birthPlaceCode: '51215' },
    };
    const r = applyInsiResult(provisoire(), answer, NOW);
    expect(r.identity.traits.birthForenames).toBe('DOMINIQUE MARIE-LOUISE');
    expect(r.identity.traits.birthPlaceCode).toBe('51215');
  });

  it('takes the first forename of the list when INSi leaves Prenom out (TEST_2.04)', () => {
    const answer: InsiAnswer = {
      code: '00',
      ins: { matricule: '109076322083489', oid: INS_OIDS.nir },
      traits: {
        birthFamilyName: 'ECETINSI',
        birthForenames: 'PIERRE-ALAIN MURIEL FLORIANT',
        birthDate: '2009-07-14',
        sex: 'M',
        birthPlaceCode: '63220',
      },
    };
    const r = applyInsiResult(provisoire(), answer, NOW);
    expect(r.identity.traits.firstBirthForename).toBe('PIERRE-ALAIN');
  });

  it('recuperee → recuperee on a new call (retrieval date renewed)', () => {
    const r = applyInsiResult(recuperee(), FOUND, LATER);
    expect(r.identity.status).toBe('recuperee');
    expect(r.changes).toEqual([
      { field: 'insRetrievedAt', from: NOW.toISOString(), to: LATER.toISOString() },
    ]);
  });

  it('validee → qualifiee when INSi returns the traits checked on the document', () => {
    const before = validee();
    const r = applyInsiResult(before, FOUND, NOW);
    expect(r.identity.status).toBe('qualifiee');
    expect(r.identity.identityDocument).toEqual(before.identityDocument);
    expect(r.reason).toBeNull();
  });

  it('validee → recuperee when INSi returns other traits: the document check is dropped', () => {
    const answer: InsiAnswer = { ...FOUND, traits: { ...INSI_TRAITS, birthPlaceCode: '51215' } };
    const r = applyInsiResult(validee(), answer, NOW);
    expect(r.identity.status).toBe('recuperee');
    expect(r.identity.identityDocument).toBeNull();
    expect(r.reason).toMatch(/differ/);
    expect(r.note).toEqual({ reason: 'identity.insi.traits_differ' });
  });

  it('qualifiee → qualifiee on a new call with the same traits', () => {
    const r = applyInsiResult(qualifiee(), FOUND, LATER);
    expect(r.identity.status).toBe('qualifiee');
  });

  it.each([
    ['01', 'not_found'],
    ['02', 'several'],
  ] as const)('an answer %s changes nothing (%s)', (code, outcome) => {
    for (const identity of [provisoire(), validee(), recuperee()]) {
      const r = applyInsiResult(identity, { code }, NOW);
      expect(r.outcome).toBe(outcome);
      expect(r.identity).toBe(identity);
      expect(r.changes).toEqual([]);
      expect(r.reason).not.toBeNull();
    }
  });

  it.each(['1979-00-28', '1979-03-00', '1979-00-00'])(
    'does not take an answer born %s (00 day or month)',
    (birthDate) => {
      const identity = provisoire();
      const r = applyInsiResult(identity, { ...FOUND, traits: { ...INSI_TRAITS, birthDate } }, NOW);
      expect(r).toMatchObject({ outcome: 'rejected', changes: [] });
      expect(r.identity).toBe(identity);
      expect(r.reason).toMatch(/00/);
    },
  );

  it('does not take a matricule whose key does not verify, nor an unknown OID', () => {
    const bad = applyInsiResult(
      provisoire(),
      { ...FOUND, ins: { ...FOUND.ins, matricule: '276037510669380' } },
      NOW,
    );
    expect(bad).toMatchObject({ outcome: 'rejected', changes: [] });
    const oid = applyInsiResult(
      provisoire(),
      { ...FOUND, ins: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.2' as never } },
      NOW,
    );
    expect(oid).toMatchObject({ outcome: 'rejected', changes: [] });
  });

  it('is refused for a fictive or doubtful identity', () => {
    const fictive = setAttributes(provisoire(), { fictive: true }).identity;
    const douteuse = setAttributes(provisoire(), { douteuse: true }).identity;
    expect(conflictOf(() => applyInsiResult(fictive, FOUND, NOW)).message).toMatch(/fictive/);
    expect(conflictOf(() => applyInsiResult(douteuse, FOUND, NOW)).message).toMatch(/doubtful/);
  });
});

describe('identity documents', () => {
  it.each(['carte_identite', 'passeport', 'titre_sejour'] as const)('%s: provisoire → validee', (type) => {
    const r = recordIdentityDocument(provisoire(), type, NOW);
    expect(r.identity.status).toBe('validee');
    expect(r.identity.identityDocument).toEqual({ type, checkedAt: NOW.toISOString() });
    expect(r.changes).toContainEqual({ field: 'status', from: 'provisoire', to: 'validee' });
  });

  it('recuperee → qualifiee', () => {
    const r = recordIdentityDocument(recuperee(), 'titre_sejour', NOW);
    expect(r.identity.status).toBe('qualifiee');
    expect(r.identity.ins).not.toBeNull();
  });

  it('validee and qualifiee stay so, the check renewed', () => {
    expect(recordIdentityDocument(validee(), 'passeport', LATER).identity).toMatchObject({
      status: 'validee',
      identityDocument: { type: 'passeport', checkedAt: LATER.toISOString() },
    });
    expect(recordIdentityDocument(qualifiee(), 'carte_identite', LATER).identity.status).toBe('qualifiee');
  });

  it('refuses the Carte Vitale, which is not an identity document', () => {
    expect(conflictOf(() => recordIdentityDocument(provisoire(), 'carte_vitale', NOW)).message).toMatch(
      /Vitale/,
    );
    expect(conflictOf(() => recordIdentityDocument(recuperee(), 'carte_vitale', NOW)).message).toMatch(
      /Vitale/,
    );
  });

  it('refuses other documents (driving licence, …)', () => {
    expect(conflictOf(() => recordIdentityDocument(provisoire(), 'autre', NOW)).message).toMatch(
      /high-trust/,
    );
  });

  describe('livret de famille and birth certificate', () => {
    const minor = () => newIdentity({ traits: { ...DESK_TRAITS, birthDate: '2012-06-01' } }, NOW).identity;

    it.each(['livret_famille', 'acte_naissance'] as const)(
      '%s validates a minor with a parent’s document',
      (type) => {
        const r = recordIdentityDocument(minor(), type, NOW, { guardianDocumentChecked: true });
        expect(r.identity.status).toBe('validee');
      },
    );

    it.each(['livret_famille', 'acte_naissance'] as const)('%s alone is refused', (type) => {
      expect(conflictOf(() => recordIdentityDocument(minor(), type, NOW)).message).toMatch(/parent/);
    });

    it.each(['livret_famille', 'acte_naissance'] as const)('%s is refused for an adult', (type) => {
      expect(
        conflictOf(() => recordIdentityDocument(provisoire(), type, NOW, { guardianDocumentChecked: true }))
          .message,
      ).toMatch(/minor/);
    });

    it('counts age on the day of the check (18 on that day = adult)', () => {
      const eighteen = newIdentity({ traits: { ...DESK_TRAITS, birthDate: '2008-03-15' } }, NOW).identity;
      conflictOf(() =>
        recordIdentityDocument(eighteen, 'livret_famille', NOW, { guardianDocumentChecked: true }),
      );
      const almost = newIdentity({ traits: { ...DESK_TRAITS, birthDate: '2008-03-16' } }, NOW).identity;
      expect(
        recordIdentityDocument(almost, 'livret_famille', NOW, { guardianDocumentChecked: true }).identity
          .status,
      ).toBe('validee');
    });
  });

  it('refuses to validate a fictive or doubtful identity', () => {
    const fictive = setAttributes(provisoire(), { fictive: true }).identity;
    const douteuse = setAttributes(provisoire(), { douteuse: true }).identity;
    conflictOf(() => recordIdentityDocument(fictive, 'passeport', NOW));
    conflictOf(() => recordIdentityDocument(douteuse, 'passeport', NOW));
  });
});

describe('change of a strict trait', () => {
  const changed = { ...DESK_TRAITS, birthDate: '1979-03-29' };
  const sameInInsForm = { ...INSI_TRAITS, birthFamilyName: 'Pat-Trois' };

  it('same traits: nothing changes', () => {
    const q = qualifiee();
    const r = changeStrictTraits(q, { ...INSI_TRAITS }, LATER);
    expect(r.identity).toBe(q);
    expect(r.changes).toEqual([]);
  });

  it('provisoire stays provisoire', () => {
    const r = changeStrictTraits(provisoire(), changed, NOW);
    expect(r.identity.status).toBe('provisoire');
    expect(r.changes).toEqual([{ field: 'traits.birthDate', from: '1979-03-28', to: '1979-03-29' }]);
  });

  it('recuperee → provisoire: the INS is no longer carried', () => {
    const r = changeStrictTraits(recuperee(), changed, NOW);
    expect(r.identity).toMatchObject({ status: 'provisoire', ins: null, insRetrievedAt: null });
    expect(r.changes).toContainEqual({ field: 'ins.matricule', from: '279035121518989', to: null });
  });

  it('recuperee → provisoire even for a change of form only (INSi traits are stored as returned)', () => {
    const r = changeStrictTraits(recuperee(), sameInInsForm, NOW);
    expect(r.identity).toMatchObject({ status: 'provisoire', ins: null });
  });

  it('qualifiee → provisoire on a real change: INS and document check dropped', () => {
    const r = changeStrictTraits(qualifiee(), changed, NOW);
    expect(r.identity).toMatchObject({ status: 'provisoire', ins: null, identityDocument: null });
    expect(insForExchange(r.identity)).toBeNull();
  });

  it('qualifiee → validee on a change of form only: the document check still holds, the INS does not', () => {
    const q = qualifiee();
    const r = changeStrictTraits(q, sameInInsForm, NOW);
    expect(r.identity).toMatchObject({ status: 'validee', ins: null, identityDocument: q.identityDocument });
  });

  it('validee stays validee on a change of form only, → provisoire on a real change', () => {
    expect(
      changeStrictTraits(validee(), { ...DESK_TRAITS, birthFamilyName: 'PAT-TROIS' }, NOW).identity.status,
    ).toBe('validee');
    expect(changeStrictTraits(validee(), changed, NOW).identity).toMatchObject({
      status: 'provisoire',
      identityDocument: null,
    });
  });

  it('→ validee when the new traits were checked on a high-trust document', () => {
    const r = changeStrictTraits(qualifiee(), changed, LATER, { documentChecked: 'passeport' });
    expect(r.identity).toMatchObject({
      status: 'validee',
      ins: null,
      identityDocument: { type: 'passeport', checkedAt: LATER.toISOString() },
    });
  });

  it('refuses a Carte Vitale as the document of the change, and bad traits', () => {
    conflictOf(() => changeStrictTraits(provisoire(), changed, NOW, { documentChecked: 'carte_vitale' }));
    expect(() => changeStrictTraits(provisoire(), { ...changed, birthDate: '' }, NOW)).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', field: 'traits.birthDate' }),
    );
  });
});

describe('attributes', () => {
  it.each(['douteuse', 'fictive'] as const)(
    '%s takes a qualified identity back to provisoire without INS',
    (attr) => {
      const r = setAttributes(qualifiee(), { [attr]: true });
      expect(r.identity).toMatchObject({ status: 'provisoire', ins: null, identityDocument: null });
      expect(r.identity.attributes[attr]).toBe(true);
      expect(r.changes).toContainEqual({ field: `attributes.${attr}`, from: false, to: true });
      expect(r.changes).toContainEqual({ field: 'status', from: 'qualifiee', to: 'provisoire' });
    },
  );

  it('homonyme changes nothing else', () => {
    const q = qualifiee();
    const r = setAttributes(q, { homonyme: true });
    expect(r.identity).toEqual({ ...q, attributes: { ...q.attributes, homonyme: true } });
    expect(r.changes).toEqual([{ field: 'attributes.homonyme', from: false, to: true }]);
  });

  it('clearing an attribute restores nothing', () => {
    const d = setAttributes(qualifiee(), { douteuse: true }).identity;
    const r = setAttributes(d, { douteuse: false });
    expect(r.identity).toMatchObject({ status: 'provisoire', ins: null });
    expect(r.changes).toEqual([{ field: 'attributes.douteuse', from: true, to: false }]);
  });
});

describe('complementary traits', () => {
  it('change freely, without effect on the status', () => {
    const q = qualifiee();
    const r = changeComplementaryTraits(q, { usedFamilyName: 'Martin', usedForename: 'Domi' });
    expect(r.identity.status).toBe('qualifiee');
    expect(r.changes).toEqual([
      { field: 'complementary.usedFamilyName', from: null, to: 'Martin' },
      { field: 'complementary.usedForename', from: null, to: 'Domi' },
    ]);
  });
});

describe('INS in documents and messages', () => {
  it('is given for a qualified identity only', () => {
    const byStatus: Record<PatientIdentity['status'], PatientIdentity> = {
      provisoire: provisoire(),
      recuperee: recuperee(),
      validee: validee(),
      qualifiee: qualifiee(),
    };
    expect(insForExchange(byStatus.provisoire)).toBeNull();
    expect(insForExchange(byStatus.recuperee)).toBeNull();
    expect(insForExchange(byStatus.validee)).toBeNull();
    expect(insForExchange(byStatus.qualifiee)).toEqual({ matricule: '279035121518989', oid: INS_OIDS.test });
  });

  it('is never given for a fictive or doubtful identity, even if one were left qualified', () => {
    const q = qualifiee();
    expect(insForExchange({ ...q, attributes: { ...q.attributes, douteuse: true } })).toBeNull();
    expect(insForExchange({ ...q, attributes: { ...q.attributes, fictive: true } })).toBeNull();
    expect(insForExchange({ ...q, attributes: { ...q.attributes, homonyme: true } })).not.toBeNull();
  });

  it('gives PID-32 reliability codes', () => {
    expect(reliabilityCodes(qualifiee())).toEqual(['QUAL']);
    expect(reliabilityCodes(recuperee())).toEqual(['RECUP']);
    expect(reliabilityCodes(setAttributes(validee(), { douteuse: true, homonyme: true }).identity)).toEqual([
      'PROV',
      'DOUT',
      'HOMA',
    ]);
  });
});
