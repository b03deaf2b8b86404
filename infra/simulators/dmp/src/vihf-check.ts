import { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const INS_OIDS = [
  '1.2.250.1.213.1.4.8',
  '1.2.250.1.213.1.4.9',
  '1.2.250.1.213.1.4.10',
  '1.2.250.1.213.1.4.11',
];

export class VihfError extends Error {}

export interface CheckedVihf {
  id: string;
  structureId: string;
  /** Patient INS from resource-id (matricule + OID). */
  ins: { matricule: string; oid: string };
  nameId: string;
  mode: string;
  attributes: Record<string, string[]>;
}

function children(el: Element, ns: string, name: string): Element[] {
  return Array.from(el.childNodes).filter(
    (n): n is Element =>
      n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === name,
  );
}

/** RFC 2253-like DN, most specific first, from Node's X509Certificate.subject. */
export function dnOf(subject: string): string {
  return subject.split('\n').reverse().join(', ');
}
export function ouOf(subject: string): string | undefined {
  return /^OU=(.*)$/m.exec(subject)?.[1];
}

/**
 * The VIHF rules of national-services.md §1.2 and §8:
 * - XML-DSig verifies with the certificate of KeyInfo, its single Reference is `#<Assertion/@ID>`
 *   and covers this assertion (no wrapping), enveloped + exc-c14n;
 * - that certificate is issued by a CA the simulator trusts and its subject DN equals the TLS
 *   client certificate's (PSC-POC: auth and signature DN "doivent être identiques");
 * - Issuer = DN of the signing certificate; Identifiant_Structure = OU of the certificate;
 * - VIHF_Version 3.0 or 4.0, Ressource_URN urn:dmp, resource-id an INS CX with an INS OID,
 *   required attributes present; IssueInstant fresh (30 s by default) and ID used once.
 */
export function checkVihf(
  assertion: Element,
  xml: string,
  context: {
    trustedCas: readonly X509Certificate[];
    tlsClient: X509Certificate;
    now: Date;
    maxAgeSeconds: number;
    seenIds: Set<string>;
  },
): CheckedVihf {
  const id = assertion.getAttribute('ID') ?? '';
  if (!id) throw new VihfError('VIHF: Assertion sans ID');
  const signature = children(assertion, DS, 'Signature')[0];
  if (!signature) throw new VihfError('VIHF non signé');
  const certB64 = signature
    .getElementsByTagNameNS(DS, 'X509Certificate')[0]
    ?.textContent?.replace(/\s+/g, '');
  if (!certB64) throw new VihfError('VIHF: certificat absent de KeyInfo');
  let signer: X509Certificate;
  try {
    signer = new X509Certificate(Buffer.from(certB64, 'base64'));
  } catch {
    throw new VihfError('VIHF: certificat de signature illisible');
  }
  if (!context.trustedCas.some((ca) => signer.checkIssued(ca) && signer.verify(ca.publicKey))) {
    throw new VihfError("VIHF: certificat de signature non émis par l'IGC-Santé");
  }
  const validFrom = new Date(signer.validFrom).getTime();
  const validTo = new Date(signer.validTo).getTime();
  if (context.now.getTime() < validFrom || context.now.getTime() > validTo) {
    throw new VihfError('VIHF: certificat de signature hors validité');
  }
  if (dnOf(signer.subject) !== dnOf(context.tlsClient.subject)) {
    throw new VihfError(
      'VIHF: le certificat de signature et le certificat TLS ne désignent pas la même structure',
    );
  }
  const refs = signature.getElementsByTagNameNS(DS, 'Reference');
  if (refs.length !== 1 || refs[0]?.getAttribute('URI') !== `#${id}`) {
    throw new VihfError("VIHF: la signature ne porte pas sur l'assertion");
  }
  const sig = new SignedXml({ publicCert: signer.toString() });
  sig.loadSignature(signature);
  let valid = false;
  try {
    valid = sig.checkSignature(xml);
  } catch {
    valid = false;
  }
  if (!valid) throw new VihfError('VIHF: signature invalide');
  // The signed content must be this assertion (not another element with the same ID).
  const signedRefs = sig.getSignedReferences();
  if (signedRefs.length !== 1) throw new VihfError("VIHF: la signature ne porte pas sur l'assertion");
  const algorithms = Array.from(signature.getElementsByTagNameNS(DS, 'Transform')).map((t) =>
    t.getAttribute('Algorithm'),
  );
  if (!algorithms.includes('http://www.w3.org/2000/09/xmldsig#enveloped-signature')) {
    throw new VihfError('VIHF: signature non enveloppée');
  }

  const issuer = children(assertion, SAML, 'Issuer')[0];
  if (issuer?.getAttribute('Format') !== 'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName') {
    throw new VihfError('VIHF: Issuer@Format doit être X509SubjectName');
  }
  const norm = (dn: string) => dn.replace(/\s*,\s*/g, ',').trim();
  if (norm(issuer.textContent ?? '') !== norm(dnOf(signer.subject))) {
    throw new VihfError("VIHF: Issuer n'est pas le DN du certificat de signature");
  }
  const nameId = assertion.getElementsByTagNameNS(SAML, 'NameID')[0]?.textContent?.trim() ?? '';
  if (!nameId) throw new VihfError('VIHF: Subject/NameID absent');
  const issueInstant = new Date(assertion.getAttribute('IssueInstant') ?? '');
  if (Number.isNaN(issueInstant.getTime())) throw new VihfError('VIHF: IssueInstant absent');
  if (Math.abs(context.now.getTime() - issueInstant.getTime()) > context.maxAgeSeconds * 1000) {
    throw new VihfError(`VIHF: jeton périmé (durée de vie ${context.maxAgeSeconds} s)`);
  }
  if (context.seenIds.has(id)) throw new VihfError('VIHF: jeton déjà utilisé');

  const attributes: Record<string, string[]> = {};
  for (const a of Array.from(assertion.getElementsByTagNameNS(SAML, 'Attribute'))) {
    const values = Array.from(a.getElementsByTagNameNS(SAML, 'AttributeValue')).map((v) => {
      const el = Array.from(v.childNodes).find((n) => n.nodeType === 1) as Element | undefined;
      return el
        ? `${el.getAttribute('code') ?? ''}^${el.getAttribute('codeSystem') ?? ''}`
        : (v.textContent ?? '').trim();
    });
    attributes[a.getAttribute('Name') ?? ''] = values;
  }
  const one = (name: string) => {
    const v = attributes[name]?.[0];
    if (!v) throw new VihfError(`VIHF: attribut ${name} absent`);
    return v;
  };
  if (!['3.0', '4.0'].includes(one('VIHF_Version'))) throw new VihfError('VIHF: VIHF_Version ni 3.0 ni 4.0');
  const mode = one('Authentification_Mode');
  if (!['INDIRECTE', 'DIRECTE', 'INDIRECTE_RENFORCEE'].includes(mode)) {
    throw new VihfError('VIHF: Authentification_Mode inconnu');
  }
  if (one('Ressource_URN') !== 'urn:dmp') throw new VihfError('VIHF: Ressource_URN doit valoir urn:dmp');
  if (!/^SA\d{2}\^1\.2\.250\.1\.71\.4\.2\.4$/.test(one('Secteur_Activite'))) {
    throw new VihfError('VIHF: Secteur_Activite invalide');
  }
  one('urn:oasis:names:tc:xspa:1.0:subject:subject-id');
  const role = one('urn:oasis:names:tc:xacml:2.0:subject:role');
  if (role === '^') throw new VihfError('VIHF: rôle invalide');
  // Médecins (10) and pharmaciens (21) carry their savoir-faire as the 2nd role value (§1.2).
  if (
    /^(10|21)\^1\.2\.250\.1\.71\.1\.2\.7$/.test(role) &&
    !attributes['urn:oasis:names:tc:xacml:2.0:subject:role']?.[1]
  ) {
    throw new VihfError('VIHF: savoir-faire (2e valeur du rôle) absent pour un médecin ou un pharmacien');
  }
  if (one('urn:oasis:names:tc:xspa:1.0:subject:purposeofuse') !== 'normal^1.2.250.1.213.1.1.4.248') {
    throw new VihfError("VIHF: mode d'accès (purposeofuse) invalide");
  }
  for (const name of ['LPS_Nom', 'LPS_Version', 'LPS_ID_HOMOLOGATION_DMP']) one(name);
  const structureId = one('Identifiant_Structure');
  if (structureId !== ouOf(signer.subject)) {
    throw new VihfError("VIHF: Identifiant_Structure n'est pas l'OU du certificat de la structure");
  }
  const resource = /^(\d{15})\^\^\^&([\d.]+)&ISO\^NH$/.exec(
    one('urn:oasis:names:tc:xacml:2.0:resource:resource-id'),
  );
  if (!resource || !INS_OIDS.includes(resource[2] as string)) {
    throw new VihfError('VIHF: resource-id doit être un INS (matricule^^^&OID&ISO^NH)');
  }
  context.seenIds.add(id);
  return {
    id,
    structureId,
    ins: { matricule: resource[1] as string, oid: resource[2] as string },
    nameId,
    mode,
    attributes,
  };
}
