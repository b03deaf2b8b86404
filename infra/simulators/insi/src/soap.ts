import { create } from 'xmlbuilder2';
import type { SimulatedFault, SimulatedIdentity, SimulatedIns } from './identities.ts';

/**
 * The answers of the simulated service, shaped like the CNDA response files
 * (shared conformance services/insi/responses): SOAP 1.2 envelope, no header, RESULTAT in the default namespace
 * http://www.cnamts.fr/INSiResultat, elements in INSi_RESULTAT_INS.xsd order; and SOAP 1.2
 * Faults shaped like TLSI-INS's recorded fault (Code Sender/Receiver, Subcode `soap:siram_*`,
 * Reason in French, Detail siram:Erreur with code, severite and the request's messageID).
 */
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const RESULTAT_NS = 'http://www.cnamts.fr/INSiResultat';
const SIRAM_NS = 'urn:siram';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export const RESULT_LABELS = {
  '00': 'OK',
  '01': 'Aucune identite trouvee',
  '02': 'Plusieurs identites trouvees',
} as const;
export type ResultCode = keyof typeof RESULT_LABELS;

export function resultatEnvelope(code: ResultCode, identity?: SimulatedIdentity): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(SOAP12_NS, 'soap:Envelope');
  const resultat = root.ele(SOAP12_NS, 'soap:Body').ele(RESULTAT_NS, 'RESULTAT');
  const cr = resultat.ele(RESULTAT_NS, 'CR');
  cr.ele(RESULTAT_NS, 'CodeCR').txt(code);
  cr.ele(RESULTAT_NS, 'LibelleCR').txt(RESULT_LABELS[code]);
  if (code === '00' && identity) {
    const individu = resultat.ele(RESULTAT_NS, 'INDIVIDU');
    const ins = (name: 'INSACTIF' | 'INSHISTO', value: SimulatedIns) => {
      const el = individu.ele(RESULTAT_NS, name);
      const id = el.ele(RESULTAT_NS, 'IdIndividu');
      id.ele(RESULTAT_NS, 'NumIdentifiant').txt(value.number);
      id.ele(RESULTAT_NS, 'Cle').txt(value.key);
      el.ele(RESULTAT_NS, 'OID').txt(value.oid);
      if (value.startDate) el.ele(RESULTAT_NS, 'DateDeb').txt(value.startDate);
      if (value.endDate) el.ele(RESULTAT_NS, 'DateFin').txt(value.endDate);
    };
    ins('INSACTIF', identity.active);
    for (const h of identity.history) ins('INSHISTO', h);
    const tiq = individu.ele(RESULTAT_NS, 'TIQ');
    const t = identity.tiq;
    tiq.ele(RESULTAT_NS, 'NomNaissance').txt(t.NomNaissance);
    if (t.Prenom !== undefined) tiq.ele(RESULTAT_NS, 'Prenom').txt(t.Prenom);
    tiq.ele(RESULTAT_NS, 'ListePrenom').txt(t.ListePrenom);
    tiq.ele(RESULTAT_NS, 'Sexe').txt(t.Sexe);
    tiq.ele(RESULTAT_NS, 'DateNaissance').txt(t.DateNaissance);
    if (t.LieuNaissance !== undefined) tiq.ele(RESULTAT_NS, 'LieuNaissance').txt(t.LieuNaissance);
  }
  return root.end({ prettyPrint: false });
}

export function faultEnvelope(fault: SimulatedFault, messageId?: string): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(SOAP12_NS, 'soap:Envelope');
  const f = root.ele(SOAP12_NS, 'soap:Body').ele(SOAP12_NS, 'soap:Fault');
  const code = f.ele(SOAP12_NS, 'soap:Code');
  code.ele(SOAP12_NS, 'soap:Value').txt(`soap:${fault.faultCode}`);
  code.ele(SOAP12_NS, 'soap:Subcode').ele(SOAP12_NS, 'soap:Value').txt(`soap:${fault.subcode}`);
  f.ele(SOAP12_NS, 'soap:Reason').ele(SOAP12_NS, 'soap:Text').att(XML_NS, 'xml:lang', 'fr').txt(fault.reason);
  const erreur = f
    .ele(SOAP12_NS, 'soap:Detail')
    .ele(SIRAM_NS, 'siram:Erreur')
    .att(XMLNS_NS, 'xmlns:siram', SIRAM_NS)
    .att('code', fault.siramCode)
    .att('severite', fault.severity);
  if (messageId) erreur.att('messageID', messageId);
  erreur.txt(fault.siramMessage);
  return root.end({ prettyPrint: false });
}
