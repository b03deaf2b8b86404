import { randomUUID, X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { OrganisationCertificate } from '../certificates/organisation-certificate.ts';
import { DMP_NS } from './codes.ts';
import { insCx } from './metadata.ts';
import { esc } from './xml.ts';

/** Who acts, as the VIHF says it (national-services.md §1.2, subject:role and subject-id). */
export type VihfAuthor =
  | {
      kind: 'professional';
      /** RPPS (11 digits); NameID is the national id `8` + RPPS. */
      rpps: string;
      /** "Nom, Prénom". */
      name: string;
      /** TRE_G15 profession (default 10 Médecin). */
      profession?: { code: string; label: string };
      /** TRE_R38 savoir-faire, 2nd role value (mandatory for médecins), e.g. SM44 Radio-diagnostic. */
      specialty?: { code: string; label: string };
    }
  | {
      kind: 'automate';
      /** Id of the person responsible for the processing (NameID). */
      responsibleId: string;
      /** "Nom du logiciel, Nom du modèle, Service". */
      name: string;
    };

export interface VihfInput {
  certificate: OrganisationCertificate;
  structure: {
    /** Identifiant_Structure: national id of the structure (the OU of its ORG certificate). */
    idNat: string;
    name: string;
    /** Secteur_Activite, JDV_J61 / TRE_R02 (e.g. SA07, SA08). */
    facilityType: string;
  };
  author: VihfAuthor;
  /** resource-id: the patient's INS. */
  patientIns: { matricule: string; oid: string };
  /** INDIRECTE (structure authenticates for its users; default), DIRECTE (CPS), INDIRECTE_RENFORCEE (AIR). */
  mode?: 'INDIRECTE' | 'DIRECTE' | 'INDIRECTE_RENFORCEE';
  /** Only for "connexion secrète": the DMP handles INVISIBLE_REPRESENTANTS_LEGAUX [S]. */
  confidentialityCode?: 'INVISIBLE_REPRESENTANTS_LEGAUX';
  software: { name: string; version: string; homologation: string; id?: string };
  now?: Date;
  /** Assertion/@ID (default `_` + random UUID; an ID is an NCName). */
  id?: string;
}

/** DN of a certificate's subject, most specific first (`CN=…, OU=…, O=…, C=FR`), as the DMP samples write it. */
export function subjectDn(certPem: string): string {
  return new X509Certificate(certPem).subject.split('\n').reverse().join(', ');
}

const attribute = (name: string, values: readonly string[]) =>
  `<saml2:Attribute Name="${esc(name)}">${values.map((v) => `<saml2:AttributeValue>${v}</saml2:AttributeValue>`).join('')}</saml2:Attribute>`;
const ce = (tag: string, c: { code: string; system: string; label: string; systemName?: string }) =>
  `<${tag} xmlns="${DMP_NS.hl7}" xsi:type="CE" code="${esc(c.code)}" codeSystem="${esc(c.system)}"${c.systemName ? ` codeSystemName="${esc(c.systemName)}"` : ''} displayName="${esc(c.label)}"/>`;

/**
 * The VIHF: a SAML 2.0 assertion with the attributes of national-services.md §1.2, signed with
 * the organisation certificate's key (XML-DSig enveloped, exc-c14n, RSA-SHA256/SHA-256 as in the
 * IG example, KeyInfo/X509Data with the certificate). xml-crypto does the signing.
 */
export function buildVihf(input: VihfInput): { xml: string; id: string } {
  const id = input.id ?? `_${randomUUID()}`;
  const instant = (input.now ?? new Date()).toISOString();
  const issuer = subjectDn(input.certificate.certPem);
  const author = input.author;
  const nameId = author.kind === 'professional' ? `8${author.rpps}` : author.responsibleId;
  const roles =
    author.kind === 'professional'
      ? [
          ce('Role', {
            ...{ code: author.profession?.code ?? '10', label: author.profession?.label ?? 'Medecin' },
            system: '1.2.250.1.71.1.2.7',
          }),
          ...(author.specialty ? [ce('Role', { ...author.specialty, system: '1.2.250.1.71.4.2.5' })] : []),
        ]
      : [ce('Role', { code: 'AUTOMATE', system: '1.2.250.1.213.1.1.4.6', label: 'AUTOMATE' })];
  const attributes = [
    attribute('VIHF_Version', ['3.0']),
    attribute('Authentification_Mode', [input.mode ?? 'INDIRECTE']),
    attribute('Identifiant_Structure', [esc(input.structure.idNat)]),
    attribute('Secteur_Activite', [esc(`${input.structure.facilityType}^1.2.250.1.71.4.2.4`)]),
    attribute('urn:oasis:names:tc:xspa:1.0:subject:subject-id', [esc(author.name)]),
    attribute('urn:oasis:names:tc:xacml:2.0:subject:role', roles),
    attribute('urn:oasis:names:tc:xspa:1.0:subject:purposeofuse', [
      ce('PurposeOfUse', {
        code: 'normal',
        system: '1.2.250.1.213.1.1.4.248',
        systemName: 'mode acces VIHF 1.0',
        label: 'Accès normal',
      }),
    ]),
    attribute('urn:oasis:names:tc:xacml:2.0:resource:resource-id', [esc(insCx(input.patientIns))]),
    attribute('Ressource_URN', ['urn:dmp']),
    ...(input.confidentialityCode
      ? [
          attribute('urn:oasis:names:tc:xspa:1.0:resource:patient:hl7:confidentiality-code', [
            esc(`${input.confidentialityCode}^1.2.250.1.213.1.1.4.13`),
          ]),
        ]
      : []),
    ...(input.software.id ? [attribute('LPS_ID', [esc(input.software.id)])] : []),
    attribute('LPS_Nom', [esc(input.software.name)]),
    attribute('LPS_Version', [esc(input.software.version)]),
    attribute('LPS_ID_HOMOLOGATION_DMP', [esc(input.software.homologation)]),
  ];
  const unsigned =
    `<saml2:Assertion xmlns:saml2="${DMP_NS.saml}" xmlns:xsi="${DMP_NS.xsi}" ID="${id}" IssueInstant="${instant}" Version="2.0">` +
    `<saml2:Issuer Format="urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName">${esc(issuer)}</saml2:Issuer>` +
    `<saml2:Subject><saml2:NameID>${esc(nameId)}</saml2:NameID></saml2:Subject>` +
    `<saml2:AuthnStatement AuthnInstant="${instant}"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>` +
    `<saml2:AttributeStatement>${attributes.join('')}</saml2:AttributeStatement>` +
    `</saml2:Assertion>`;

  const sig = new SignedXml({
    privateKey: input.certificate.keyPem,
    publicCert: input.certificate.certPem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: `/*[local-name(.)='Assertion']`,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
  });
  // The SAML schema puts ds:Signature right after Issuer.
  sig.computeSignature(unsigned, {
    prefix: 'ds',
    location: { reference: `/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return { xml: sig.getSignedXml(), id };
}
