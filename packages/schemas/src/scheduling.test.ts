import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  examTypeInput,
  modalityCallersForm,
  modalityForm,
  modalityInput,
  openingHoursForm,
  referrerInput,
  roomInput,
} from './scheduling.ts';

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

describe('modality forms', () => {
  const room = '0195f2b4-7a1e-7c3d-9e8f-1a2b3c4d5e6f';
  const form = {
    roomId: room,
    name: 'IRM 1',
    type: 'MR',
    aeTitle: 'IRM_1',
    openingHours: { '1': '8h00 à 12h00, 13:30-18:00', '2': '' },
    callingAeTitles: ' MR1_SCU \n\n',
    allowedSources: '10.0.0.0/8, ::1;fd00::/8\r\n',
  };

  it('read the one-per-line lists and the opening hours typed per day', () => {
    expect(modalityForm.parse(form)).toEqual({
      ...form,
      openingHours: {
        '1': [
          ['08:00', '12:00'],
          ['13:30', '18:00'],
        ],
      },
      callingAeTitles: ['MR1_SCU'],
      allowedSources: ['10.0.0.0/8', '::1', 'fd00::/8'],
    });
  });

  it('name the wrong line of a list and the wrong day, in French', () => {
    expect(
      messages(modalityForm, {
        ...form,
        callingAeTitles: 'MR1_SCU\nA\\B',
        allowedSources: '10.20.1.0/24\n10.20.1.7/16',
        openingHours: { '1': '08:00-12:00, 12:00-11:00', '3': 'matin', '5': '7-9' },
      }),
    ).toEqual({
      callingAeTitles:
        'Titre AE invalide (ligne 2) : 1 à 16 caractères (lettres, chiffres, _ -), sans accent ni « \\ ».',
      allowedSources:
        'Adresse ou plage invalide (ligne 2) : une adresse IP (192.0.2.10) ou une plage CIDR (192.0.2.0/24, 2001:db8::/32).',
      'openingHours.3': 'Écrivez les plages ainsi : 08:00-12:00, 13:30-18:00.',
      'openingHours.5': 'Écrivez les plages ainsi : 08:00-12:00, 13:30-18:00.',
    });
    // Each day read, its intervals then checked: one ending before it starts, a fifth one.
    expect(messages(openingHoursForm, { '1': '08:00-12:00, 12:00-11:00' })).toEqual({
      '1.1': 'La plage 12:00-11:00 doit finir après son début.',
    });
    expect(
      messages(openingHoursForm, { '2': '08:00-09:00, 09:00-10:00, 10:00-11:00, 11:00-12:00, 13:00-14:00' }),
    ).toEqual({
      '2': 'Quatre plages au plus par jour.',
    });
    expect(
      messages(modalityCallersForm, {
        callingAeTitles: '',
        allowedSources: '',
        clientCertFingerprints: 'AB:CD',
      }),
    ).toEqual({
      clientCertFingerprints:
        'Empreinte invalide (ligne 1) : 64 chiffres hexadécimaux (SHA-256), deux-points permis.',
    });
  });
});
