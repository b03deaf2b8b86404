/**
 * The simulator's answers against the CNDA response files (shared conformance services/insi/responses) and the
 * official RESULTAT / fault XSDs. A change of the identity table that drifts from an official
 * file fails here.
 */
import { join } from 'node:path';
import { insiConformance } from './shared.ts';
import { readFileSync } from 'node:fs';
import { parseInsiResponse } from '@rayon/connectors/insi';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_IDENTITIES,
  OFFICIAL_IDENTITIES,
  SYNTHETIC_IDENTITIES,
  type SimulatedIdentity,
} from './identities.ts';
import { findByTraits } from './matching.ts';
import { FAULT_SCHEMA, RESULTAT_SCHEMA, validateAgainst } from './schemas.ts';
import { ACCESS_FAULTS, DEFAULT_FAULT_TRIGGERS } from './identities.ts';
import { faultEnvelope, resultatEnvelope } from './soap.ts';

const official = (name: string) => readFileSync(join(insiConformance, 'responses', name), 'utf8');
const resultatOf = (envelope: string) =>
  (/<RESULTAT[\s\S]*<\/RESULTAT>/.exec(envelope) as RegExpExecArray)[0];

/** What the simulator answers for a traits query. */
function answer(q: {
  birthName: string;
  forenames: string[];
  sex: string;
  birthDate: string;
  birthPlace?: string;
}) {
  const found = findByTraits(DEFAULT_IDENTITIES, q);
  return found.length === 1 ? resultatEnvelope('00', found[0]) : resultatEnvelope(found.length ? '02' : '01');
}

describe('the simulator answers what the CNDA files say', () => {
  const cases: [string, Parameters<typeof answer>[0]][] = [
    [
      'TEST_2.04_cas2.xml',
      { birthName: 'ECETINSI', forenames: ['PIERRE-ALAIN'], sex: 'M', birthDate: '2009-07-14' },
    ],
    [
      'TEST_2.05.xml',
      { birthName: 'PROVISOIRE', forenames: ['MATRICULE'], sex: 'M', birthDate: '2009-07-01' },
    ],
    ['TEST_2.08_cas1.xml', { birthName: 'CORSE', forenames: ['ANTHONY'], sex: 'M', birthDate: '1980-03-02' }],
    [
      'TEST_2.08_cas2.xml',
      { birthName: 'HERMANN', forenames: ['GATIEN'], sex: 'M', birthDate: '1981-03-24' },
    ],
    ['REP_CR01.xml', { birthName: 'HOUILLES', forenames: ['PIERRE'], sex: 'M', birthDate: '1993-01-27' }],
  ];
  it.each(cases)('%s', (file, query) => {
    expect(parseInsiResponse(answer(query))).toEqual(parseInsiResponse(official(file)));
  });

  it('HOUILLES answers 01 for each forename and for the whole list', () => {
    for (const forename of ['PIERRE', 'PAUL', 'JACQUES', 'PIERRE PAUL JACQUES']) {
      const q = { birthName: 'HOUILLES', forenames: [forename], sex: 'M', birthDate: '1993-01-27' };
      expect(parseInsiResponse(answer(q))).toEqual({ code: '01', label: 'Aucune identite trouvee' });
    }
  });
});

describe('the answers are valid against INSi_RESULTAT_INS.xsd', () => {
  it.each(DEFAULT_IDENTITIES.map((i) => [i.id, i] as const))(
    '00 for %s',
    async (_id, identity: SimulatedIdentity) => {
      const verdict = await validateAgainst(resultatOf(resultatEnvelope('00', identity)), RESULTAT_SCHEMA);
      expect(verdict).toEqual({ valid: true, errors: [] });
    },
  );

  it('01 and 02', async () => {
    for (const code of ['01', '02'] as const) {
      expect((await validateAgainst(resultatOf(resultatEnvelope(code)), RESULTAT_SCHEMA)).valid).toBe(true);
    }
  });

  it('and the CNDA files themselves, except TEST_2.04_cas2 (DateDeb/DateFin before IdIndividu)', async () => {
    for (const file of ['REP_CR01.xml', 'TEST_2.05.xml', 'TEST_2.08_cas1.xml', 'TEST_2.08_cas2.xml']) {
      expect((await validateAgainst(resultatOf(official(file)), RESULTAT_SCHEMA)).valid, file).toBe(true);
    }
    const verdict = await validateAgainst(resultatOf(official('TEST_2.04_cas2.xml')), RESULTAT_SCHEMA);
    expect(verdict.valid).toBe(false);
    expect(verdict.errors.join()).toMatch(/DateDeb': This element is not expected/);
  });

  it('faults carry a siram:Erreur valid against schema_faultSOAP_V01_01.xsd', async () => {
    for (const fault of [
      ACCESS_FAULTS.insufficientAccess,
      ACCESS_FAULTS.unknownSoftware,
      DEFAULT_FAULT_TRIGGERS[0]!.fault,
    ]) {
      const xml = faultEnvelope(fault, 'uuid:1f7425e2-b913-415c-adaa-785ee1076a70');
      const erreur = (/<siram:Erreur[\s\S]*<\/siram:Erreur>/.exec(xml) as RegExpExecArray)[0];
      expect((await validateAgainst(erreur, FAULT_SCHEMA)).valid).toBe(true);
      expect(() => parseInsiResponse(xml)).toThrow(fault.siramMessage);
    }
  });
});

describe('the identity table', () => {
  it('has every official case of national-services.md §3 and marks the synthetic ones', () => {
    expect(OFFICIAL_IDENTITIES.map((i) => i.id)).toEqual([
      'ADRUN_ZOE',
      'TCHITCHI_CATARINA',
      'ECETINSI_PIERRE-ALAIN',
      'NESSI_MICHELANGELO',
      'CORSE_ANTHONY',
      'HERMANN_GATIEN',
      'PROVISOIRE_MATRICULE',
    ]);
    expect(OFFICIAL_IDENTITIES.every((i) => !i.synthetic)).toBe(true);
    expect(SYNTHETIC_IDENTITIES.every((i) => i.synthetic && i.source.startsWith('synthetic'))).toBe(true);
  });
});
