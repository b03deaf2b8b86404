import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { SignedXml } from 'xml-crypto';
import { OrganisationCertificate } from '../certificates/organisation-certificate.ts';
import { makeCertificate } from '../certificates/test-support.ts';
import { buildVihf, subjectDn } from './vihf.ts';

const now = new Date();
const leaf = makeCertificate({
  subject: [
    { shortName: 'C', value: 'FR' },
    { shortName: 'O', value: 'IMAGERIE DEMO PARIS-EST' },
    { shortName: 'OU', value: '1750712184' },
    { shortName: 'CN', value: 'RAYON DMP' },
  ],
  notBefore: new Date(now.getTime() - 86_400_000),
  notAfter: new Date(now.getTime() + 86_400_000),
  extendedKeyUsage: { clientAuth: true },
});
const certificate = OrganisationCertificate.fromPem({ certPem: leaf.certPem, keyPem: leaf.keyPem });

function vihf() {
  return buildVihf({
    certificate,
    structure: { idNat: '1750712184', name: 'Imagerie Démo Paris-Est', facilityType: 'SA08' },
    author: {
      kind: 'professional',
      rpps: '10001234567',
      name: 'BIDEAULT, Jacques',
      specialty: { code: 'SM44', label: 'Radio-diagnostic (SM)' },
    },
    patientIns: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' },
    software: { name: 'Rayon', version: '0.1.0', homologation: 'TEST-HOMOLOGATION' },
    now,
  });
}

function verify(xml: string): boolean {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const signature = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
  const certB64 = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'X509Certificate')[0]
    ?.textContent;
  if (!signature || !certB64) return false;
  const sig = new SignedXml({
    publicCert: `-----BEGIN CERTIFICATE-----\n${certB64.replace(/\s+/g, '')}\n-----END CERTIFICATE-----\n`,
  });
  sig.loadSignature(signature);
  try {
    return sig.checkSignature(xml);
  } catch {
    return false;
  }
}

describe('buildVihf', () => {
  it('signs the assertion with the certificate (RSA-SHA256, exc-c14n, enveloped) and the signature verifies', () => {
    const { xml, id } = vihf();
    expect(xml).toContain(`ID="${id}"`);
    expect(xml).toContain('Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"');
    expect(xml).toContain('Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"');
    expect(xml).toContain('<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"');
    expect(xml).toContain(`URI="#${id}"`);
    expect(xml).toContain(certificate.certPem.split('\n')[1]);
    expect(verify(xml)).toBe(true);
  });

  it('puts the signature right after Issuer, and Issuer is the DN of the signing certificate', () => {
    const { xml } = vihf();
    expect(subjectDn(certificate.certPem)).toBe(
      'CN=RAYON DMP, OU=1750712184, O=IMAGERIE DEMO PARIS-EST, C=FR',
    );
    expect(xml).toMatch(
      /<saml2:Issuer Format="urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName">CN=RAYON DMP, OU=1750712184, O=IMAGERIE DEMO PARIS-EST, C=FR<\/saml2:Issuer><ds:Signature/,
    );
  });

  it('carries the attributes of the reference', () => {
    const { xml } = vihf();
    for (const expected of [
      '<saml2:Attribute Name="VIHF_Version"><saml2:AttributeValue>3.0</saml2:AttributeValue>',
      '<saml2:Attribute Name="Authentification_Mode"><saml2:AttributeValue>INDIRECTE<',
      '<saml2:Attribute Name="Identifiant_Structure"><saml2:AttributeValue>1750712184<',
      '<saml2:AttributeValue>SA08^1.2.250.1.71.4.2.4<',
      '<saml2:AttributeValue>279035121518989^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH<',
      '<saml2:Attribute Name="Ressource_URN"><saml2:AttributeValue>urn:dmp<',
      '<saml2:NameID>810001234567</saml2:NameID>',
      'code="10" codeSystem="1.2.250.1.71.1.2.7"',
      'code="SM44" codeSystem="1.2.250.1.71.4.2.5"',
      'code="normal" codeSystem="1.2.250.1.213.1.1.4.248"',
      '<saml2:Attribute Name="LPS_Nom">',
      '<saml2:Attribute Name="LPS_ID_HOMOLOGATION_DMP">',
    ]) {
      expect(xml).toContain(expected);
    }
  });

  it('a tampered assertion no longer verifies', () => {
    const { xml } = vihf();
    expect(verify(xml.replace('279035121518989', '180036912345678'))).toBe(false);
    expect(verify(xml.replace('>INDIRECTE<', '>DIRECTE<'))).toBe(false);
  });
});
