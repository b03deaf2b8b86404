/**
 * The requests Rayon's client builds validate against the official XSDs (through the envelope
 * schema of the simulator), and the validator refuses what the WSDL does not allow.
 */
import { buildTraitsEnvelope, buildVitaleEnvelope } from '@rayon/connectors/insi';
import { describe, expect, it } from 'vitest';
import { validateRequestEnvelope } from './schemas.ts';

let n = 0;
const ctx = () => ({
  lps: {
    idam: 'RAYON-IDAM',
    version: '0.1.0',
    name: 'RAYON',
    instance: '7d3f3b1e-0000-4000-8000-000000000001',
  },
  emitter: 'structure:1990000002',
  now: new Date('2026-03-01T10:00:00Z'),
  uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
});

const traits = () =>
  buildTraitsEnvelope(ctx(), {
    birthFamilyName: 'TCHITCHI',
    forename: 'CATARINA',
    sex: 'F',
    birthDate: '1936-06-21',
    birthPlaceCode: '63220',
  }).xml;

describe('client requests against the official XSDs', () => {
  it('rechercherInsAvecTraitsIdentite is valid', async () => {
    expect(await validateRequestEnvelope(traits())).toEqual({ valid: true, errors: [] });
  });

  it('rechercherInsAvecCarteVitale is valid', async () => {
    const xml = buildVitaleEnvelope(ctx(), {
      insuredNir: '275126322074974',
      beneficiaryNir: '275126322074974',
      birthFamilyName: 'ADRUN',
      birthDate: '1975-12-31',
      birthRank: 1,
    }).xml;
    expect(await validateRequestEnvelope(xml)).toEqual({ valid: true, errors: [] });
  });
});

describe('the validator refuses what the WSDL does not allow', () => {
  const cases: [string, (xml: string) => string, RegExp][] = [
    [
      'a missing ContexteBAM/Temps',
      (x) => x.replace(/<ctxbam:Temps>[^<]*<\/ctxbam:Temps>/, ''),
      /Emetteur': This element is not expected/,
    ],
    [
      'a missing ContexteLPS',
      (x) => x.replace(/<ctxlps:ContexteLPS[\s\S]*<\/ctxlps:ContexteLPS>/, ''),
      /ContexteLPS/,
    ],
    ['an unknown body element', (x) => x.replace(/RECSANSVITALE/g, 'RECHERCHE'), /RECHERCHE/],
    [
      'traits out of order',
      (x) => x.replace(/(<Sexe>F<\/Sexe>)(<DateNaissance>[^<]*<\/DateNaissance>)/, '$2$1'),
      /Sexe/,
    ],
    [
      'a body in the wrong namespace',
      (x) => x.replace('http://www.cnamts.fr/INSiRecSans', 'urn:other'),
      /RECSANSVITALE/,
    ],
    [
      'a SOAP 1.1 envelope',
      (x) =>
        x.replaceAll('http://www.w3.org/2003/05/soap-envelope', 'http://schemas.xmlsoap.org/soap/envelope/'),
      /Envelope/,
    ],
    ['a bad ContexteBAM Temps', (x) => x.replace(/<ctxbam:Temps>[^<]*</, '<ctxbam:Temps>hier<'), /Temps/],
  ];
  it.each(cases)('%s', async (_name, mutate, message) => {
    const base = traits();
    const xml = mutate(base);
    expect(xml).not.toBe(base);
    const verdict = await validateRequestEnvelope(xml);
    expect(verdict.valid).toBe(false);
    expect(verdict.errors.join('\n')).toMatch(message);
  });
});
