/**
 * Protocol constants of the INSi teleservice (CNAM / GIE SESAM-Vitale), all from the official
 * WSDL `DESIR_ICIR_EXP_1.5.0.wsdl` and its XSDs (copied in
 * infra/simulators/insi/conformance/wsdl, source padoa/tlsi-ins@12ef794a) unless said otherwise.
 * Facts and sources: reference/national-services.md §3.
 */

/** SOAP 1.2 envelope namespace (W3C SOAP 1.2 Part 1 §5); the WSDL binding is soap12. */
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
/** SOAP 1.2 HTTP binding media type (RFC 3902); the optional `action` parameter carries the action. */
export const SOAP12_MEDIA_TYPE = 'application/soap+xml';
/** WS-Addressing 1.0 namespace, imported by the WSDL for wsa:Action / wsa:MessageID. */
export const WSA_NS = 'http://www.w3.org/2005/08/addressing';

export const NS = {
  recSans: 'http://www.cnamts.fr/INSiRecSans',
  recVit: 'http://www.cnamts.fr/INSiRecVit',
  resultat: 'http://www.cnamts.fr/INSiResultat',
  ctxbam: 'urn:siram:bam:ctxbam',
  ctxlps: 'urn:siram:lps:ctxlps',
  siram: 'urn:siram',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
} as const;

/** wsaw:Action / soap12:operation soapAction of each operation (WSDL portType and binding). */
export const ACTIONS = {
  searchByTraits: 'urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite',
  searchWithVitale: 'urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale',
} as const;
export type InsiAction = (typeof ACTIONS)[keyof typeof ACTIONS];

/** Versions fixed by the context XSDs: ROOT_ctxbam_CTXBAM_V01_02.xsd, ROOT_ctxlps_CTXLPS_V01_00.xsd. */
export const CONTEXT_VERSIONS = { bam: '01_02', lps: '01_00' } as const;
/** `Nature` attribute of ContexteLPS (XSD pattern `CTXLPS`). */
export const LPS_NATURE = 'CTXLPS';
/**
 * `R` attribute of ctxlps:IDAM: "4" = the IDAM is a CNDA authorisation number (as sent by
 * TLSI-INS lps-context and its CNDA validation requests; national-services.md §3).
 */
export const IDAM_REFERENTIAL = '4';

/**
 * CodeCR values of RESULTAT/CR and the labels the service returns (REP_CR01.xml; TLSI-INS
 * models and getCR02XmlResponse). For 01 and 02, RESULTAT holds only CR (no INDIVIDU).
 */
export const RESULT_CODES = {
  '00': 'OK',
  '01': 'Aucune identite trouvee',
  '02': 'Plusieurs identites trouvees',
} as const;
export type InsiResultCode = keyof typeof RESULT_CODES;

/** The organisation-certificate mTLS endpoint of the qualification environment (WSDL soap12:address). */
export const QUALIFICATION_ENDPOINT = 'https://qualiflps-services-ps-tlsm.ameli.fr:443/lps';
