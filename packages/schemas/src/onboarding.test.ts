import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createHl7RouteInput, dedicatedRouteForm, onboardInput, sharedRouteForm } from './onboarding.ts';

/** The first French message of each refused path (the one the API and the portal show). */
function messages(schema: z.ZodType, input: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  for (const issue of schema.safeParse(input).error?.issues ?? [])
    found[issue.path.join('.')] ??= issue.message;
  return found;
}

const FINGERPRINT = 'ab'.repeat(32);
const form = {
  receivingApplication: 'RIS',
  receivingFacility: 'CHU',
  allowedSources: '192.0.2.10\n10.20.0.0/16',
  clientCertFingerprints: '',
  maxMessageKib: '2048',
};

describe('HL7 route forms', () => {
  it('read the lines into lists and the Kio into bytes (empty: 1 Mio)', () => {
    expect(sharedRouteForm.parse({ ...form, clientCertFingerprints: FINGERPRINT })).toEqual({
      receivingApplication: 'RIS',
      receivingFacility: 'CHU',
      allowedSources: ['192.0.2.10', '10.20.0.0/16'],
      clientCertFingerprints: [FINGERPRINT],
      maxMessageBytes: 2 * 1024 * 1024,
    });
    expect(sharedRouteForm.parse({ ...form, maxMessageKib: '' }).maxMessageBytes).toBe(1024 * 1024);
    expect(
      dedicatedRouteForm.parse({ ...form, receivingApplication: '', receivingFacility: '' }),
    ).toMatchObject({
      receivingApplication: null,
      receivingFacility: null,
    });
  });

  it('on the shared port, ask for MSH-5 and MSH-6 and name the wrong line, in French', () => {
    expect(
      messages(sharedRouteForm, {
        ...form,
        receivingApplication: ' ',
        receivingFacility: '',
        allowedSources: '192.0.2.10\npartout',
        clientCertFingerprints: 'AB:CD',
        maxMessageKib: '1,5',
      }),
    ).toEqual({
      receivingApplication: "Indiquez l'application réceptrice (MSH-5) : obligatoire sur le port partagé.",
      receivingFacility: "Indiquez l'établissement récepteur (MSH-6) : obligatoire sur le port partagé.",
      allowedSources:
        'Adresse ou plage invalide (ligne 2) : une adresse IP (192.0.2.10) ou une plage CIDR (192.0.2.0/24, 2001:db8::/32).',
      clientCertFingerprints:
        'Empreinte invalide (ligne 1) : 64 chiffres hexadécimaux (SHA-256), deux-points permis.',
      maxMessageKib: 'Un nombre entier de Kio (1 024 Kio = 1 Mio).',
    });
    expect(messages(sharedRouteForm, { ...form, maxMessageKib: '0' })).toEqual({
      maxMessageKib: 'Un nombre entier de Kio (1 024 Kio = 1 Mio).',
    });
  });

  it('on a dedicated port, take MSH-5 and MSH-6 together or not at all', () => {
    expect(messages(dedicatedRouteForm, { ...form, receivingFacility: '' })).toEqual({
      receivingFacility: 'MSH-5 et MSH-6 vont ensemble : renseignez les deux ou aucun.',
    });
    expect(messages(dedicatedRouteForm, { ...form, receivingApplication: '' })).toEqual({
      receivingApplication: 'MSH-5 et MSH-6 vont ensemble : renseignez les deux ou aucun.',
    });
  });

  it('the API asks for MSH-5 on the shared port in the same words', () => {
    expect(messages(createHl7RouteInput, { receivingFacility: 'CHU' })).toEqual({
      receivingApplication: "Indiquez l'application réceptrice (MSH-5) : obligatoire sur le port partagé.",
    });
  });
});

describe('practice onboarding', () => {
  it('names each wrong field in French', () => {
    expect(
      messages(onboardInput, {
        name: ' ',
        slug: 'Cabinet Nord',
        finess: '123456789',
        siret: '1234',
        firstSite: { finess: '12345' },
        admin: { email: 'admin', displayName: '' },
      }),
    ).toEqual({
      name: "Indiquez le nom de l'établissement.",
      slug: "L'identifiant compte 3 à 40 caractères : lettres minuscules, chiffres et tirets, en commençant par une lettre.",
      finess:
        'Numéro FINESS juridique invalide : 9 caractères, dont la clé de contrôle, qui doit être juste.',
      siret: 'Numéro SIRET invalide : 14 chiffres, dont la clé de contrôle, qui doit être juste.',
      'firstSite.name': 'Indiquez le nom du site.',
      'firstSite.finess':
        'Numéro FINESS géographique invalide : 9 caractères, dont la clé de contrôle, qui doit être juste.',
      'admin.email': 'Indiquez une adresse e-mail valide.',
      'admin.displayName': "Indiquez le nom de l'administrateur.",
    });
  });
});
