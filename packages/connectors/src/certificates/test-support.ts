/**
 * Test-only helpers: throw-away certificates and PKCS#12 files made with node-forge, so that the
 * unit tests exercise the real upload path without any committed private key. Not exported by the
 * package. (The INSi simulator has the full test PKI: infra/simulators/insi/src/pki.ts.)
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface TestCertificate {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  certPem: string;
  keyPem: string;
}

export function makeCertificate(options: {
  subject: forge.pki.CertificateField[];
  issuer?: TestCertificate;
  notBefore: Date;
  notAfter: Date;
  isCa?: boolean;
  extendedKeyUsage?: { clientAuth?: boolean; serverAuth?: boolean; emailProtection?: boolean };
  serial?: string;
}): TestCertificate {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = options.serial ?? '0a1b2c3d';
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  cert.setSubject(options.subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : options.subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: options.isCa ?? false }];
  if (options.extendedKeyUsage) extensions.push({ name: 'extKeyUsage', ...options.extendedKeyUsage });
  cert.setExtensions(extensions);
  cert.sign(options.issuer ? options.issuer.key : key, forge.md.sha256.create());
  return { cert, key, certPem: forge.pki.certificateToPem(cert), keyPem };
}

export function toP12(
  leaf: TestCertificate | null,
  chain: TestCertificate[],
  passphrase: string,
  options: { withKey?: boolean; algorithm?: 'aes256' | '3des' } = {},
): Buffer {
  const certs = [...(leaf ? [leaf.cert] : []), ...chain.map((c) => c.cert)];
  const key = options.withKey === false || !leaf ? null : leaf.key;
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, passphrase, {
    algorithm: options.algorithm ?? 'aes256',
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
