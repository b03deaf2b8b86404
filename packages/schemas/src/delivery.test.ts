import { describe, expect, it } from 'vitest';
import { cancelDeliveryInput, distributionSettingsInput } from './delivery.ts';

const pfi = { host: 'pfi.chu-exemple.fr', port: 2575, receivingApplication: 'PFI', receivingFacility: 'CHU' };
const settings = (over: Record<string, unknown> = {}) => ({
  dmp: true,
  mssante: { enabled: true, patient: false },
  pfi,
  ...over,
});

/** The first French message of each refused path (the one the API and the portal show). */
function messages(input: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  for (const issue of distributionSettingsInput.safeParse(input).error?.issues ?? []) {
    found[issue.path.join('.')] ??= issue.message;
  }
  return found;
}

describe('distribution settings input', () => {
  it('takes a PFI address, MDM by default, and no PFI at all', () => {
    expect(distributionSettingsInput.parse(settings()).pfi).toEqual({ ...pfi, profile: 'MDM' });
    expect(distributionSettingsInput.parse(settings({ pfi: null })).pfi).toBeNull();
  });

  it('names every missing PFI field in French', () => {
    expect(messages(settings({ pfi: { profile: 'ORU' } }))).toEqual({
      'pfi.host': "Indiquez l'adresse (nom d'hôte ou adresse IP) de la PFI.",
      'pfi.port': 'Indiquez le port MLLP de la PFI.',
      'pfi.receivingApplication': "Indiquez l'application réceptrice (MSH-5).",
      'pfi.receivingFacility': "Indiquez l'établissement récepteur (MSH-6).",
    });
    expect(messages(settings({ pfi: { ...pfi, host: '  ', receivingFacility: '' } }))).toEqual({
      'pfi.host': "Indiquez l'adresse (nom d'hôte ou adresse IP) de la PFI.",
      'pfi.receivingFacility': "Indiquez l'établissement récepteur (MSH-6).",
    });
  });

  it('refuses a port outside 1-65535 or not a whole number', () => {
    for (const port of [0, 65536, 25.5, -1, 'deux', '2575']) {
      expect(messages(settings({ pfi: { ...pfi, port } }))).toEqual({
        'pfi.port': 'Le port est un nombre entier de 1 à 65535.',
      });
    }
  });

  it('refuses a host that is neither a host name nor an IP address', () => {
    for (const host of ['pfi exemple', '-pfi', 'pfi.', 'a'.repeat(254)]) {
      expect(messages(settings({ pfi: { ...pfi, host } }))).toEqual({
        'pfi.host': "L'adresse de la PFI n'est pas un nom d'hôte ou une adresse IP valide.",
      });
    }
    for (const host of ['127.0.0.1', 'pfi', '::1', '[fe80::1]', '::ffff:127.0.0.1']) {
      expect(messages(settings({ pfi: { ...pfi, host } }))).toEqual({});
    }
  });

  it('bounds the MSH-5 and MSH-6 names and knows only MDM and ORU', () => {
    expect(
      messages(
        settings({
          pfi: {
            ...pfi,
            receivingApplication: 'A'.repeat(181),
            receivingFacility: 'B'.repeat(181),
            profile: 'ADT',
          },
        }),
      ),
    ).toEqual({
      'pfi.receivingApplication': "L'application réceptrice compte 180 caractères au plus.",
      'pfi.receivingFacility': "L'établissement récepteur compte 180 caractères au plus.",
      'pfi.profile': 'Choisissez le message HL7 que la PFI attend (MDM ou ORU).',
    });
  });

  it("refuses a practice's mailbox that is not an e-mail address", () => {
    expect(messages(settings({ mssante: { enabled: true, patient: false, mailbox: 'cr' } }))).toEqual({
      'mssante.mailbox': "L'adresse de la boîte aux lettres MSSanté n'est pas une adresse e-mail valide.",
    });
    expect(messages(settings({ mssante: { enabled: true, patient: false, mailbox: null } }))).toEqual({});
  });
});

describe('cancelling a send', () => {
  it('takes a reason of at most 500 characters, or none', () => {
    expect(cancelDeliveryInput.parse({ reason: ' Patient parti ' })).toEqual({ reason: 'Patient parti' });
    expect(cancelDeliveryInput.parse({})).toEqual({});
    const long = cancelDeliveryInput.safeParse({ reason: 'x'.repeat(501) });
    expect(long.error?.issues[0]?.message).toBe('Le motif tient en 500 caractères au plus.');
  });
});
