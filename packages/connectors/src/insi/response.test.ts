import { describe, expect, it } from 'vitest';
import { InsiError } from './errors.ts';
import { parseInsiResponse } from './response.ts';

const env = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><env:Body xmlns:env="http://www.w3.org/2003/05/soap-envelope">${body}</env:Body></soap:Envelope>`;

function expectInsiError(fn: () => unknown, kind: string, message?: RegExp): InsiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InsiError);
    expect((e as InsiError).kind).toBe(kind);
    if (message) expect((e as InsiError).message).toMatch(message);
    return e as InsiError;
  }
  throw new Error('expected an InsiError');
}

describe('parseInsiResponse', () => {
  it('reads a 00 with a prefixed RESULTAT (the live shape, TLSI-INS fixture), Prenom and ListePrenom', () => {
    const parsed = parseInsiResponse(
      env(
        '<ns2:RESULTAT xmlns:ns3="http://www.cnamts.fr/INSiRecVit" xmlns:ns2="http://www.cnamts.fr/INSiResultat" xmlns="http://www.cnamts.fr/INSiRecSans">' +
          '<ns2:CR><ns2:CodeCR>00</ns2:CodeCR><ns2:LibelleCR>OK</ns2:LibelleCR></ns2:CR><ns2:INDIVIDU><ns2:INSACTIF><ns2:IdIndividu>' +
          '<ns2:NumIdentifiant>2360663220836</ns2:NumIdentifiant><ns2:Cle>56</ns2:Cle></ns2:IdIndividu><ns2:OID>1.2.250.1.213.1.4.8</ns2:OID></ns2:INSACTIF>' +
          '<ns2:TIQ><ns2:NomNaissance>TCHITCHI</ns2:NomNaissance><ns2:Prenom>CATARINA</ns2:Prenom><ns2:ListePrenom>CATARINA BELLA</ns2:ListePrenom>' +
          '<ns2:Sexe>F</ns2:Sexe><ns2:DateNaissance>1936-06-21</ns2:DateNaissance><ns2:LieuNaissance>63220</ns2:LieuNaissance></ns2:TIQ></ns2:INDIVIDU></ns2:RESULTAT>',
      ),
    );
    expect(parsed).toEqual({
      code: '00',
      label: 'OK',
      result: {
        ins: { matricule: '236066322083656', oid: '1.2.250.1.213.1.4.8' },
        history: [],
        traits: {
          birthFamilyName: 'TCHITCHI',
          firstBirthForename: 'CATARINA',
          birthForenames: 'CATARINA BELLA',
          sex: 'F',
          birthDate: '1936-06-21',
          birthPlaceCode: '63220',
        },
        returnedTraits: {
          NomNaissance: 'TCHITCHI',
          Prenom: 'CATARINA',
          ListePrenom: 'CATARINA BELLA',
          Sexe: 'F',
          DateNaissance: '1936-06-21',
          LieuNaissance: '63220',
        },
      },
    });
  });

  it('keeps INSHISTO in order with their dates, whatever the element order, and derives the first forename', () => {
    const parsed = parseInsiResponse(
      env(
        '<RESULTAT xmlns="http://www.cnamts.fr/INSiResultat"><CR><CodeCR>00</CodeCR><LibelleCR>OK</LibelleCR></CR><INDIVIDU>' +
          '<INSACTIF><IdIndividu><NumIdentifiant>1090763220834</NumIdentifiant><Cle>89</Cle></IdIndividu><OID>1.2.250.1.213.1.4.8</OID></INSACTIF>' +
          '<INSHISTO><DateDeb>2019-03-01</DateDeb><DateFin>2019-02-28</DateFin><IdIndividu><NumIdentifiant>2090763220834</NumIdentifiant><Cle>39</Cle></IdIndividu><OID>1.2.250.1.213.1.4.8</OID></INSHISTO>' +
          '<INSHISTO><IdIndividu><NumIdentifiant>2090663220123</NumIdentifiant><Cle>55</Cle><TypeMatricule>NIR</TypeMatricule></IdIndividu><OID>1.2.250.1.213.1.4.8</OID></INSHISTO>' +
          '<TIQ><NomNaissance>ECETINSI</NomNaissance><ListePrenom>PIERRE-ALAIN MURIEL FLORIANT</ListePrenom><Sexe>M</Sexe><DateNaissance>2009-07-14</DateNaissance><LieuNaissance>63220</LieuNaissance></TIQ>' +
          '</INDIVIDU></RESULTAT>',
      ),
    );
    expect(parsed.result?.history).toEqual([
      {
        matricule: '209076322083439',
        oid: '1.2.250.1.213.1.4.8',
        validFrom: '2019-03-01',
        validTo: '2019-02-28',
      },
      { matricule: '209066322012355', oid: '1.2.250.1.213.1.4.8' },
    ]);
    expect(parsed.result?.traits.firstBirthForename).toBe('PIERRE-ALAIN');
    expect(parsed.result?.returnedTraits.Prenom).toBeUndefined();
  });

  it('keeps a birth date with 00 as returned (the domain decides what to do with it)', () => {
    const parsed = parseInsiResponse(
      env(
        '<RESULTAT xmlns="http://www.cnamts.fr/INSiResultat"><CR><CodeCR>00</CodeCR><LibelleCR>OK</LibelleCR></CR><INDIVIDU>' +
          '<INSACTIF><IdIndividu><NumIdentifiant>2629999350017</NumIdentifiant><Cle>11</Cle></IdIndividu><OID>1.2.250.1.213.1.4.8</OID></INSACTIF>' +
          '<TIQ><NomNaissance>X</NomNaissance><Prenom>Y</Prenom><ListePrenom>Y</ListePrenom><Sexe>F</Sexe><DateNaissance>1962-00-00</DateNaissance></TIQ></INDIVIDU></RESULTAT>',
      ),
    );
    expect(parsed.result?.traits.birthDate).toBe('1962-00-00');
    expect(parsed.result?.traits.birthPlaceCode).toBeNull();
  });

  it('reads 01 and 02 (CR only)', () => {
    expect(
      parseInsiResponse(
        env(
          '<RESULTAT xmlns="http://www.cnamts.fr/INSiResultat"><CR><CodeCR>01</CodeCR><LibelleCR>Aucune identite trouvee</LibelleCR></CR></RESULTAT>',
        ),
      ),
    ).toEqual({ code: '01', label: 'Aucune identite trouvee' });
    expect(
      parseInsiResponse(
        env(
          '<ns2:RESULTAT xmlns:ns2="http://www.cnamts.fr/INSiResultat"><ns2:CR><ns2:CodeCR>02</ns2:CodeCR><ns2:LibelleCR>Plusieurs identites trouvees</ns2:LibelleCR></ns2:CR></ns2:RESULTAT>',
        ),
      ),
    ).toEqual({ code: '02', label: 'Plusieurs identites trouvees' });
  });

  it('turns a SOAP Fault into a typed error with the siram detail (TLSI-INS fixture siram_100 / desir_550)', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><env:Body xmlns:env="http://www.w3.org/2003/05/soap-envelope"><soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value><soap:Subcode><soap:Value>soap:siram_100</soap:Value></soap:Subcode></soap:Code><soap:Reason><soap:Text xml:lang="fr">L\'accès par ce progiciel au service n\'est pas autorisé. Contactez l\'éditeur du progiciel ou votre responsable informatique.</soap:Text></soap:Reason><soap:Detail><siram:Erreur code="desir_550" messageID="uuid:b3549edd-4ae9-472a-b26f-fd2fb4ef397f" severite="erreur" xmlns:siram="urn:siram">Numéro d\'autorisation du logiciel inconnu.</siram:Erreur></soap:Detail></soap:Fault></env:Body></soap:Envelope>';
    const error = expectInsiError(
      () => parseInsiResponse(xml),
      'soap-fault',
      /desir_550 Numéro d'autorisation du logiciel inconnu/,
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(error.siram).toEqual({
      faultCode: 'soap:Sender',
      subcode: 'soap:siram_100',
      reason:
        "L'accès par ce progiciel au service n'est pas autorisé. Contactez l'éditeur du progiciel ou votre responsable informatique.",
      code: 'desir_550',
      message: "Numéro d'autorisation du logiciel inconnu.",
      severity: 'erreur',
      messageId: 'uuid:b3549edd-4ae9-472a-b26f-fd2fb4ef397f',
    });
  });

  it('maps a Receiver fault to UNAVAILABLE', () => {
    const xml = env(
      '<S:Fault xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Code><S:Value>S:Receiver</S:Value><S:Subcode><S:Value>S:siram_40</S:Value></S:Subcode></S:Code><S:Reason><S:Text xml:lang="fr">Le service est temporairement inaccessible.</S:Text></S:Reason><S:Detail><siram:Erreur severite="fatale" code="insi_102" xmlns:siram="urn:siram">Erreur technique.</siram:Erreur></S:Detail></S:Fault>',
    );
    const error = expectInsiError(() => parseInsiResponse(xml), 'soap-fault');
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.siramCode).toBe('insi_102');
  });

  it('refuses what is not a SOAP 1.2 RESULTAT', () => {
    expectInsiError(
      () => parseInsiResponse('<html><body>Bad gateway</body></html>'),
      'invalid-response',
      /not a SOAP envelope/,
    );
    expectInsiError(() => parseInsiResponse('not xml'), 'invalid-response', /not well-formed/);
    expectInsiError(() => parseInsiResponse('<a><b></a>'), 'invalid-response', /not well-formed/);
    expectInsiError(
      () =>
        parseInsiResponse(
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"/>',
        ),
      'invalid-response',
      /document type/,
    );
    expectInsiError(
      () =>
        parseInsiResponse(
          '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><RESULTAT xmlns="http://www.cnamts.fr/INSiResultat"><CR><CodeCR>01</CodeCR><LibelleCR>x</LibelleCR></CR></RESULTAT></s:Body></s:Envelope>',
        ),
      'invalid-response',
      /SOAP 1.2/,
    );
    expectInsiError(
      () =>
        parseInsiResponse(
          env(
            '<RESULTAT xmlns="http://www.cnamts.fr/INSiResultat"><CR><CodeCR>07</CodeCR><LibelleCR>?</LibelleCR></CR></RESULTAT>',
          ),
        ),
      'invalid-response',
      /unknown CodeCR "07"/,
    );
    expectInsiError(
      () =>
        parseInsiResponse(
          env(
            '<RESULTAT xmlns="http://www.cnamts.fr/INSiResultat"><CR><CodeCR>00</CodeCR><LibelleCR>OK</LibelleCR></CR></RESULTAT>',
          ),
        ),
      'invalid-response',
      /without INDIVIDU/,
    );
  });

  it('refuses an unknown OID or a matricule without key, without quoting patient data', () => {
    const individu = (oid: string, cle: string) =>
      env(
        `<RESULTAT xmlns="http://www.cnamts.fr/INSiResultat"><CR><CodeCR>00</CodeCR><LibelleCR>OK</LibelleCR></CR><INDIVIDU><INSACTIF><IdIndividu><NumIdentifiant>2751263220749</NumIdentifiant>${cle}</IdIndividu><OID>${oid}</OID></INSACTIF><TIQ><NomNaissance>ADRUN</NomNaissance><ListePrenom>ZOE</ListePrenom><Sexe>F</Sexe><DateNaissance>1975-12-31</DateNaissance></TIQ></INDIVIDU></RESULTAT>`,
      );
    const e1 = expectInsiError(
      () => parseInsiResponse(individu('1.2.3', '<Cle>74</Cle>')),
      'invalid-response',
      /unknown OID "1.2.3"/,
    );
    const e2 = expectInsiError(
      () => parseInsiResponse(individu('1.2.250.1.213.1.4.8', '')),
      'invalid-response',
      /Cle/,
    );
    for (const e of [e1, e2]) expect(e.message).not.toMatch(/ADRUN|2751263220749/);
  });
});
