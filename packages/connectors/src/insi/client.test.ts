import { AppError } from '@rayon/domain';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { createInsiClientWithTransport } from './client.ts';
import { buildTraitsEnvelope, buildVitaleEnvelope } from './envelope.ts';
import { InsiError } from './errors.ts';
import { forenameAttempts, normaliseTraitsQuery, normaliseVitaleQuery, toInsCharacters } from './query.ts';
import type { SoapHttpResponse, SoapTransport } from './transport.ts';

const lps = {
  idam: 'RAYON-IDAM-TEST',
  version: '0.1.0',
  name: 'RAYON',
  instance: '7d3f3b1e-0000-4000-8000-000000000001',
};
let counter = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
const now = () => new Date('2026-03-01T10:00:00.000Z');

const resultat = (code: '00' | '01' | '02', label: string, individu = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><RESULTAT xmlns="http://www.cnamts.fr/INSiResultat"><CR><CodeCR>${code}</CodeCR><LibelleCR>${label}</LibelleCR></CR>${individu}</RESULTAT></soap:Body></soap:Envelope>`;
const soap = (body: string, status = 200): SoapHttpResponse => ({
  status,
  contentType: 'application/soap+xml; charset=utf-8',
  body,
});
const TCHITCHI =
  '<INDIVIDU><INSACTIF><IdIndividu><NumIdentifiant>2360663220836</NumIdentifiant><Cle>56</Cle></IdIndividu><OID>1.2.250.1.213.1.4.8</OID></INSACTIF><TIQ><NomNaissance>TCHITCHI</NomNaissance><Prenom>CATARINA</Prenom><ListePrenom>CATARINA BELLA</ListePrenom><Sexe>F</Sexe><DateNaissance>1936-06-21</DateNaissance><LieuNaissance>63220</LieuNaissance></TIQ></INDIVIDU>';

const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false });
const prenomOf = (request: string) =>
  (xml.parse(request) as { Envelope: { Body: { RECSANSVITALE: { Prenom: string } } } }).Envelope.Body
    .RECSANSVITALE.Prenom;

/** A transport answering from a function of the forename sent; records the requests. */
function fakeTransport(answer: (forename: string) => SoapHttpResponse) {
  const sent: { xml: string; action: string }[] = [];
  const transport: SoapTransport = async (input) => {
    sent.push(input);
    return answer(prenomOf(input.xml));
  };
  return { sent, transport };
}

describe('traits query', () => {
  it('transliterates to upper case without diacritics', () => {
    expect(toInsCharacters('  Gwénaëlle  ')).toBe('GWENAELLE');
    expect(toInsCharacters('Bénédicte Noël')).toBe('BENEDICTE NOEL');
    expect(toInsCharacters('Cœur d’Alène')).toBe("COEUR D'ALENE");
  });

  it('refuses bad input naming the field, without echoing the value', () => {
    const base = { birthFamilyName: 'ADRUN', forenames: ['ZOE'], sex: 'F' as const, birthDate: '1975-12-31' };
    const cases: [object, string][] = [
      [{ birthFamilyName: 'ADRUN3' }, 'birthFamilyName'],
      [{ birthFamilyName: ' ' }, 'birthFamilyName'],
      [{ forenames: [] }, 'forenames'],
      [{ forenames: ['ZOE', 'X_Y'] }, 'forenames.1'],
      [{ sex: 'U' }, 'sex'],
      [{ birthDate: '31/12/1975' }, 'birthDate'],
      [{ birthDate: '1975-13-01' }, 'birthDate'],
      [{ birthPlaceCode: '6322' }, 'birthPlaceCode'],
    ];
    for (const [patch, field] of cases) {
      try {
        normaliseTraitsQuery({ ...base, ...patch });
        throw new Error(`expected an error for ${field}`);
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).code).toBe('BAD_INPUT');
        expect((e as AppError).field).toBe(field);
        expect((e as AppError).message).not.toContain('ADRUN3');
      }
    }
  });

  it('accepts 00 as day or month (DateLunaire) and Corsican COG', () => {
    const q = normaliseTraitsQuery({
      birthFamilyName: 'corse',
      forenames: ['anthony'],
      sex: 'M',
      birthDate: '1980-00-00',
      birthPlaceCode: '2b020',
    });
    expect(q).toEqual({
      birthFamilyName: 'CORSE',
      forenames: ['ANTHONY'],
      sex: 'M',
      birthDate: '1980-00-00',
      birthPlaceCode: '2B020',
    });
  });

  it('tries each forename, then all of them together (TLSI-INS conduct)', () => {
    expect(forenameAttempts(['ZOE'])).toEqual(['ZOE']);
    expect(forenameAttempts(['PIERRE', 'PAUL', 'JACQUES'])).toEqual([
      'PIERRE',
      'PAUL',
      'JACQUES',
      'PIERRE PAUL JACQUES',
    ]);
    expect(forenameAttempts(['OLA', 'OLA'])).toEqual(['OLA']);
  });
});

describe('Vitale query', () => {
  it('normalises the NIRs and refuses malformed card data, naming the field', () => {
    expect(
      normaliseVitaleQuery({ insuredNir: '1 80 03 2b 020 401 23', birthDate: '1980-03-02', birthRank: 1 }),
    ).toEqual({ insuredNir: '180032B02040123', birthDate: '1980-03-02', birthRank: 1 });
    const cases: [object, string][] = [
      [{ insuredNir: '18003' }, 'insuredNir'],
      [{ beneficiaryNir: '1800320204012' }, 'beneficiaryNir'],
      [{ birthRank: 0 }, 'birthRank'],
      [{ birthDate: '02/03/1980' }, 'birthDate'],
    ];
    for (const [patch, field] of cases) {
      expect(() =>
        normaliseVitaleQuery({
          insuredNir: '180032B02040123',
          birthDate: '1980-03-02',
          birthRank: 1,
          ...patch,
        }),
      ).toThrow(expect.objectContaining({ code: 'BAD_INPUT', field }));
    }
  });
});

describe('envelopes', () => {
  it('carry the four header parts and the body of the WSDL message', () => {
    const built = buildTraitsEnvelope(
      { lps, emitter: 'structure:1990000002', now: now(), uuid },
      {
        birthFamilyName: "D'ARC",
        forename: 'JEANNE',
        sex: 'F',
        birthDate: '1412-01-06',
        birthPlaceCode: '88160',
      },
    );
    expect(built.action).toBe('urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite');
    expect(built.messageId).toMatch(/^uuid:[0-9a-f-]{36}$/);
    const tree = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(built.xml);
    const envelope = tree['soap:Envelope'];
    expect(envelope['@_xmlns:soap']).toBe('http://www.w3.org/2003/05/soap-envelope');
    const header = envelope['soap:Header'];
    expect(header['wsa:Action']).toBe(built.action);
    expect(header['wsa:MessageID']).toBe(built.messageId);
    expect(header['ctxbam:ContexteBAM']).toMatchObject({
      '@_Version': '01_02',
      'ctxbam:Temps': '2026-03-01T10:00:00.000Z',
      'ctxbam:Emetteur': 'structure:1990000002',
      'ctxbam:COUVERTURE': '',
    });
    expect(header['ctxlps:ContexteLPS']).toMatchObject({
      '@_Nature': 'CTXLPS',
      '@_Version': '01_00',
      'ctxlps:LPS': {
        'ctxlps:IDAM': { '#text': 'RAYON-IDAM-TEST', '@_R': '4' },
        'ctxlps:Version': '0.1.0',
        'ctxlps:Instance': lps.instance,
        'ctxlps:Nom': 'urn:lps:RAYON:0.1.0',
      },
    });
    const body = envelope['soap:Body'].RECSANSVITALE;
    expect(body['@_xmlns']).toBe('http://www.cnamts.fr/INSiRecSans');
    expect(Object.keys(body).filter((k) => !k.startsWith('@_'))).toEqual([
      'NomNaissance',
      'Prenom',
      'Sexe',
      'DateNaissance',
      'LieuNaissance',
    ]);
    expect(body.NomNaissance).toBe("D'ARC");
  });

  it('Vitale: RECVITALE and COUVERTURE carry the card data', () => {
    const built = buildVitaleEnvelope(
      { lps, emitter: 'e', now: now(), uuid },
      {
        insuredNir: '275126322074974',
        beneficiaryNir: '275126322074974',
        birthDate: '1975-12-31',
        birthRank: 1,
      },
    );
    expect(built.action).toBe('urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale');
    const tree = xml.parse(built.xml);
    expect(tree.Envelope.Body.RECVITALE).toEqual({
      MatriculeIndividu: { NumIdentifiant: '2751263220749', Cle: '74' },
      MatriculeOD: { NumIdentifiant: '2751263220749', Cle: '74' },
      DateNaissance: '1975-12-31',
      RangNaissance: '1',
    });
    expect(tree.Envelope.Header.ContexteBAM.COUVERTURE).toEqual({
      ASSURE: { Id: { Num: '2751263220749', Cle: '74' } },
      BENEFICIAIRE: { Nir: { Num: '2751263220749', Cle: '74' }, DateNai: '1975-12-31', Rang: '1' },
    });
  });
});

describe('searchByTraits', () => {
  const query = {
    birthFamilyName: 'TCHITCHI',
    forenames: ['OLA', 'CATARINA', 'BELLA'],
    sex: 'F' as const,
    birthDate: '1936-06-21',
  };

  it('stops at the first 00 and keeps every attempt', async () => {
    const { sent, transport } = fakeTransport((forename) =>
      forename === 'CATARINA'
        ? soap(resultat('00', 'OK', TCHITCHI))
        : soap(resultat('01', 'Aucune identite trouvee')),
    );
    const client = createInsiClientWithTransport({ lps, emitter: 'e', now, uuid }, transport);
    const result = await client.searchByTraits(query);
    expect(sent.map((s) => prenomOf(s.xml))).toEqual(['OLA', 'CATARINA']);
    expect(result.code).toBe('00');
    expect(result.result?.ins.matricule).toBe('236066322083656');
    expect(result.attempts.map((a) => [a.forename, a.code])).toEqual([
      ['OLA', '01'],
      ['CATARINA', '00'],
    ]);
    expect(result.requestXml).toBe(sent[1]?.xml);
    expect(new Set(result.attempts.map((a) => a.messageId)).size).toBe(2);
  });

  it('answers 02 when some call found several identities and none found one', async () => {
    const { sent, transport } = fakeTransport((forename) =>
      forename === 'CATARINA'
        ? soap(resultat('02', 'Plusieurs identites trouvees'))
        : soap(resultat('01', 'Aucune identite trouvee')),
    );
    const client = createInsiClientWithTransport({ lps, emitter: 'e', now, uuid }, transport);
    const result = await client.searchByTraits(query);
    expect(sent).toHaveLength(4);
    expect(result.code).toBe('02');
    expect(result.label).toBe('Plusieurs identites trouvees');
    expect(prenomOf(result.requestXml)).toBe('CATARINA');
  });

  it('answers 01 after all attempts found nothing', async () => {
    const { sent, transport } = fakeTransport(() => soap(resultat('01', 'Aucune identite trouvee')));
    const client = createInsiClientWithTransport({ lps, emitter: 'e', now, uuid }, transport);
    const result = await client.searchByTraits({ ...query, forenames: ['PIERRE', 'PAUL'] });
    expect(sent.map((s) => prenomOf(s.xml))).toEqual(['PIERRE', 'PAUL', 'PIERRE PAUL']);
    expect(result.code).toBe('01');
    expect(result.result).toBeUndefined();
  });

  it('throws at once on a fault, with the HTTP status', async () => {
    const fault =
      '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="fr">Vous ne disposez pas des droits suffisants pour accéder à ce service.</soap:Text></soap:Reason><soap:Detail><siram:Erreur xmlns:siram="urn:siram" code="DESIR_560" severite="erreur">Niveau d\'accès insuffisant</siram:Erreur></soap:Detail></soap:Fault></soap:Body></soap:Envelope>';
    const { sent, transport } = fakeTransport(() => soap(fault, 500));
    const client = createInsiClientWithTransport({ lps, emitter: 'e', now, uuid }, transport);
    const error = await client.searchByTraits(query).catch((e: unknown) => e);
    expect(sent).toHaveLength(1);
    expect(error).toBeInstanceOf(InsiError);
    expect(error).toMatchObject({
      kind: 'soap-fault',
      code: 'FORBIDDEN',
      httpStatus: 500,
      siramCode: 'desir_560',
    });
    expect((error as InsiError).message).toContain("Niveau d'accès insuffisant");
  });

  it('reports an HTTP error page or a non-XML 200 clearly', async () => {
    const html = fakeTransport(() => ({
      status: 413,
      contentType: 'text/html',
      body: '<html>too large</html>',
    }));
    await expect(
      createInsiClientWithTransport({ lps, emitter: 'e', now, uuid }, html.transport).searchByTraits(query),
    ).rejects.toMatchObject({
      kind: 'http',
      httpStatus: 413,
      message: expect.stringMatching(/HTTP 413 without a SOAP message/),
    });
    const junk = fakeTransport(() => ({ status: 200, contentType: 'application/soap+xml', body: 'garbage' }));
    await expect(
      createInsiClientWithTransport({ lps, emitter: 'e', now, uuid }, junk.transport).searchByTraits(query),
    ).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('never sends an invalid query', async () => {
    const { sent, transport } = fakeTransport(() => soap(resultat('01', 'x')));
    await expect(
      createInsiClientWithTransport({ lps, emitter: 'e', now, uuid }, transport).searchByTraits({
        ...query,
        birthDate: '21/06/1936',
      }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', field: 'birthDate' });
    expect(sent).toHaveLength(0);
  });
});
