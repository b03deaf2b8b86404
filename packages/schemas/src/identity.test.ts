import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createPatientInput, mergeInput, recordDocumentInput, searchInput, traitsInput } from './identity.ts';

/** The first French message of each refused path (the one the API and the portal show). */
function messages(schema: z.ZodType, input: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  for (const issue of schema.safeParse(input).error?.issues ?? [])
    found[issue.path.join('.')] ??= issue.message;
  return found;
}

const gwenaelle = {
  birthFamilyName: 'Le Gall',
  firstBirthForename: 'Gwénaëlle',
  birthDate: '1984-02-29',
  sex: 'F',
  birthPlaceCode: '2B020',
};

describe('strict traits input', () => {
  it('takes the strict traits as typed', () => {
    expect(traitsInput.parse({ ...gwenaelle, birthForenames: null })).toEqual({
      ...gwenaelle,
      birthForenames: null,
    });
  });

  it('asks for every missing strict trait by its official name', () => {
    const missing = {
      birthFamilyName: 'Indiquez le nom de naissance.',
      firstBirthForename: 'Indiquez le premier prénom de naissance.',
      birthDate: 'Indiquez la date de naissance.',
      sex: 'Choisissez le sexe.',
    };
    expect(messages(traitsInput, {})).toEqual(missing);
    // Typed blank: the domain's rule says it is required, in the same words.
    expect(messages(traitsInput, { birthFamilyName: ' ', firstBirthForename: '', birthDate: '' })).toEqual(
      missing,
    );
  });

  it('refuses every broken rule of the domain at once, each on its field, in French', () => {
    expect(
      messages(traitsInput, {
        birthFamilyName: 'Le Gall 2',
        firstBirthForename: 'Gwénaëlle',
        birthForenames: 'Gwénaëlle #',
        birthDate: '2023-02-30',
        sex: 'X',
        birthPlaceCode: '2C020',
      }),
    ).toEqual({
      birthFamilyName:
        'Le nom de naissance ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.',
      birthForenames:
        'La liste des prénoms de naissance ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.',
      birthDate: 'La date de naissance doit être une date du calendrier (JJ/MM/AAAA).',
      sex: 'Le sexe est Féminin, Masculin ou Indéterminé.',
      birthPlaceCode:
        'Le code officiel géographique (COG) du lieu de naissance compte 5 caractères, par exemple 63220, 2B020 ou 99134 pour un pays étranger.',
    });
    expect(messages(traitsInput, { ...gwenaelle, birthDate: '2999-01-01' })).toEqual({
      birthDate: 'La date de naissance ne peut pas être dans le futur.',
    });
    expect(messages(traitsInput, { ...gwenaelle, birthDate: '1849-12-31' })).toEqual({
      birthDate: 'La date de naissance ne peut pas être antérieure au 01/01/1850.',
    });
  });

  it('names the nested field of a patient created with a wrong trait', () => {
    expect(messages(createPatientInput, { traits: { ...gwenaelle, birthDate: '2999-01-01' } })).toEqual({
      'traits.birthDate': 'La date de naissance ne peut pas être dans le futur.',
    });
  });
});

describe('IPP', () => {
  it('goes with the authority that assigned it', () => {
    expect(messages(createPatientInput, { traits: gwenaelle, identifiers: [{ value: 'IPP-1' }] })).toEqual({
      'identifiers.0.authority': "Indiquez l'autorité qui a attribué cet IPP.",
    });
    expect(
      messages(createPatientInput, { traits: gwenaelle, identifiers: [{ authority: 'CHU-X', value: ' ' }] }),
    ).toEqual({ 'identifiers.0.value': "Indiquez l'IPP." });
  });
});

describe('patient search input', () => {
  it('takes a matricule INS with spaces, Corsica included', () => {
    expect(searchInput.parse({ ins: '1 86 02 2a 215 325 23' })).toEqual({ ins: '1 86 02 2a 215 325 23' });
  });

  it('says in French why a matricule INS or a birth date is refused', () => {
    expect(messages(searchInput, { ins: '27903512151898' })).toEqual({
      ins: 'Le matricule INS compte 15 caractères (NIR ou NIA avec sa clé).',
    });
    expect(messages(searchInput, { ins: '18602A221532523' }).ins).toContain('2A ou 2B');
    expect(messages(searchInput, { ins: '186022A21532524' })).toEqual({
      ins: 'La clé du matricule INS ne correspond pas : vérifiez la saisie.',
    });
    expect(messages(searchInput, { birthDate: '2023-02-30' })).toEqual({
      birthDate: 'La date de naissance doit être une date du calendrier (JJ/MM/AAAA).',
    });
  });
});

describe('identity document and merge', () => {
  it('asks for the type of identity document and for the merge to be confirmed', () => {
    const id = '0195f2b4-7a1e-7c3d-9e8f-1a2b3c4d5e6f';
    expect(messages(recordDocumentInput, { id, version: 1, type: 'carte_bleue' })).toEqual({
      type: "Choisissez le type de pièce d'identité.",
    });
    expect(messages(mergeInput, { survivorId: id, absorbedId: id, confirm: false })).toEqual({
      confirm: 'Confirmez la fusion des deux dossiers.',
    });
  });
});
