import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { examTypeInput, modalityInput, referrerInput, roomInput } from './scheduling.ts';

/** The first French message of each refused path (the one the API and the portal show). */
function messages(schema: z.ZodType, input: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  for (const issue of schema.safeParse(input).error?.issues ?? [])
    found[issue.path.join('.')] ??= issue.message;
  return found;
}

describe('room input', () => {
  it('asks for the site and the name', () => {
    expect(messages(roomInput, {})).toEqual({
      siteId: 'Choisissez le site.',
      name: 'Indiquez le nom de la salle.',
    });
    expect(messages(roomInput, { siteId: 'x', name: '  ' })).toEqual({
      siteId: 'Choisissez le site.',
      name: 'Indiquez le nom de la salle.',
    });
  });
});

describe('exam type input', () => {
  const ct = { label: 'Scanner thoracique', modalityType: 'CT', durationMinutes: 20 };

  it('takes an entry with its CCAM and LOINC codes', () => {
    const entry = { ...ct, ccamCode: 'ZBQK001', loinc: { code: '24627-2', label: 'CT Thorax' } };
    expect(examTypeInput.parse(entry)).toEqual(entry);
  });

  it('names each wrong field in French', () => {
    expect(
      messages(examTypeInput, {
        ccamCode: 'zbqk1',
        loinc: { code: '24627', label: 'CT Thorax' },
        modalityType: 'XX',
        durationMinutes: 'vingt',
      }),
    ).toEqual({
      label: "Indiquez le libellé de l'examen.",
      ccamCode: 'Un code CCAM compte 4 lettres et 3 chiffres.',
      'loinc.code': 'Un code LOINC s’écrit chiffres, tiret, clé (ex. 24627-2).',
      modalityType: 'Choisissez le type de modalité.',
      durationMinutes: 'Une durée entre 5 et 480 minutes.',
    });
    for (const durationMinutes of [4, 481, 12.5, undefined]) {
      expect(messages(examTypeInput, { ...ct, durationMinutes })).toEqual({
        durationMinutes: 'Une durée entre 5 et 480 minutes.',
      });
    }
  });
});

describe('referrer input', () => {
  it('normalises the ADELI number and takes a referrer known by name only', () => {
    expect(referrerInput.parse({ familyName: 'Martin', adeli: '2a 1234567' }).adeli).toBe('2A1234567');
    expect(referrerInput.parse({ familyName: ' Martin ' })).toEqual({ familyName: 'Martin' });
  });

  it('names each wrong field in French', () => {
    expect(
      messages(referrerInput, { rpps: '1234', adeli: '751234', familyName: ' ', mssanteAddress: 'martin' }),
    ).toEqual({
      rpps: 'Le numéro RPPS compte 11 chiffres.',
      adeli: 'Le numéro ADELI compte 9 caractères : le département (2 chiffres, 2A ou 2B) puis 7 chiffres.',
      familyName: 'Indiquez le nom.',
      mssanteAddress: 'Adresse de messagerie invalide.',
    });
    expect(messages(referrerInput, { familyName: 'M'.repeat(101) })).toEqual({
      familyName: 'Valeur trop longue.',
    });
  });
});

describe('modality input', () => {
  const ct = {
    roomId: '0195f2b4-7a1e-7c3d-9e8f-1a2b3c4d5e6f',
    name: 'Scanner 1',
    type: 'CT',
    aeTitle: 'CT_SALLE1',
    openingHours: { '1': [['08:00', '18:00']] },
  };

  it('takes a modality with its AE title and opening hours', () => {
    expect(modalityInput.parse(ct)).toEqual(ct);
  });

  it('names each wrong field in French', () => {
    const aeTitle = 'Le titre AE compte 1 à 16 caractères (lettres, chiffres, _ ; sans accent ni « \\ »).';
    expect(messages(modalityInput, { openingHours: {} })).toEqual({
      roomId: 'Choisissez la salle.',
      name: 'Indiquez le nom de la modalité.',
      type: 'Choisissez le type.',
      aeTitle,
    });
    for (const title of ['', '   ', 'A'.repeat(17), 'CT\\1', 'SCANNER_É']) {
      expect(messages(modalityInput, { ...ct, aeTitle: title })).toEqual({ aeTitle });
    }
  });
});
