import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * The building blocks of the strict simulators' throw-away PKIs (INSi, MSSanté, DMP): a chain named
 * like the IGC-Santé test chain ("TEST AC RACINE IGC-SANTE ELEMENTAIRE" and its "TEST AC IGC-SANTE
 * ELEMENTAIRE ORGANISATIONS" intermediate), an unrelated CA, a server certificate for localhost, and
 * client certificates exported as PKCS#12 files. Generated at test time: no private key is ever
 * committed. The names copy the real chain's wording; the keys, serials and extensions are ours.
 */

const DAY = 86_400_000;

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface Issued {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  keyPem: string;
}

export type SubjectAltName = { type: number; value?: string; ip?: string };

export interface TestCertificatePems {
  certPem: string;
  keyPem: string;
}

export interface TestClientCertificate extends TestCertificatePems {
  /** Issuing CAs, intermediate first (what a PKCS#12 from the ANS carries). */
  chainPem: string[];
  /** The same certificate, key and chain as a PKCS#12 file (AES-256, PBES2), as uploaded by a practice. */
  p12: Buffer;
  passphrase: string;
}

/** Issues a certificate on a fresh RSA-2048 key, signed by `issuer` (self-signed without one). */
export function issue(options: {
  subject: forge.pki.CertificateField[];
  issuer?: Issued;
  notBefore: Date;
  notAfter: Date;
  kind: 'ca' | 'server' | 'client';
  altNames?: SubjectAltName[];
}): Issued {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f; // positive INTEGER (RFC 5280 §4.1.2.2)
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  cert.setSubject(options.subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : options.subject);
  const extensions: object[] = [{ name: 'subjectKeyIdentifier' }];
  if (options.kind === 'ca') {
    extensions.push(
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    );
  } else {
    extensions.push(
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      options.kind === 'server'
        ? { name: 'extKeyUsage', serverAuth: true }
        : { name: 'extKeyUsage', clientAuth: true },
    );
    if (options.altNames) extensions.push({ name: 'subjectAltName', altNames: options.altNames });
  }
  cert.setExtensions(extensions);
  cert.sign(options.issuer ? options.issuer.key : key, forge.md.sha256.create());
  return { cert, key, keyPem };
}

export const pem = (issued: Issued) => forge.pki.certificateToPem(issued.cert);

export interface IgcSanteTestChain {
  root: Issued;
  /** "TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS": issues the server and client certificates. */
  intermediate: Issued;
  /** "TEST AC NON RECONNUE": an unrelated CA. */
  other: Issued;
  server: Issued;
  /** CA validity: from 800 days before `now` to 3650 days after. */
  caValidity: Validity;
  /** Leaf validity: from a day before `now` to 365 days after. */
  leafValidity: Validity;
  /** Expired leaf validity: from 400 days before `now` to a day before. */
  expiredValidity: Validity;
  /** The PEMs every simulator PKI exposes, in this order. */
  pems: {
    /** "TEST AC RACINE IGC-SANTE ELEMENTAIRE" (self-signed). */
    rootCaPem: string;
    /** "TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS", issued by the root. */
    caPem: string;
    /** What both sides trust: [intermediate, root]. */
    caChainPem: string[];
    /** Server certificate for localhost / 127.0.0.1 / ::1, issued by the intermediate. */
    server: TestCertificatePems;
  };
}

/**
 * The root, the "ORGANISATIONS" intermediate, the unrelated CA, and the server certificate for
 * localhost / 127.0.0.1 / ::1 (O = `serverOrganisation`), valid around `now` (epoch milliseconds).
 */
export function createIgcSanteTestChain(now: number, serverOrganisation: string): IgcSanteTestChain {
  const caValidity = { notBefore: new Date(now - 800 * DAY), notAfter: new Date(now + 3650 * DAY) };
  const leafValidity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };
  const expiredValidity = { notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - DAY) };

  const root = issue({
    kind: 'ca',
    ...caValidity,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: 'ASIP-SANTE' },
      { shortName: 'OU', value: 'IGC-SANTE TEST' },
      { shortName: 'CN', value: 'TEST AC RACINE IGC-SANTE ELEMENTAIRE' },
    ],
  });
  const intermediate = issue({
    kind: 'ca',
    issuer: root,
    ...caValidity,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: 'ASIP-SANTE' },
      { shortName: 'OU', value: 'IGC-SANTE TEST ELEMENTAIRE' },
      { shortName: 'CN', value: 'TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS' },
    ],
  });
  const other = issue({
    kind: 'ca',
    ...caValidity,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: 'AUTRE AUTORITE' },
      { shortName: 'CN', value: 'TEST AC NON RECONNUE' },
    ],
  });
  const server = issue({
    kind: 'server',
    issuer: intermediate,
    ...leafValidity,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: serverOrganisation },
      { shortName: 'CN', value: 'localhost' },
    ],
    altNames: [
      { type: 2, value: 'localhost' },
      { type: 7, ip: '127.0.0.1' },
      { type: 7, ip: '::1' },
    ],
  });

  return {
    root,
    intermediate,
    other,
    server,
    caValidity,
    leafValidity,
    expiredValidity,
    pems: {
      rootCaPem: pem(root),
      caPem: pem(intermediate),
      caChainPem: [pem(intermediate), pem(root)],
      server: { certPem: pem(server), keyPem: server.keyPem },
    },
  };
}

/**
 * A client certificate issued by `issuer`, with its chain ([issuer]) and the PKCS#12 file
 * (AES-256) holding the certificate, its key and the chain under `friendlyName`.
 */
export function issueClientCertificate(options: {
  issuer: Issued;
  subject: forge.pki.CertificateField[];
  validity: Validity;
  altNames?: SubjectAltName[];
  friendlyName: string;
  passphrase: string;
}): TestClientCertificate {
  const { issuer, passphrase } = options;
  const issued = issue({
    kind: 'client',
    issuer,
    ...options.validity,
    subject: options.subject,
    altNames: options.altNames,
  });
  const asn1 = forge.pkcs12.toPkcs12Asn1(issued.key, [issued.cert, issuer.cert], passphrase, {
    algorithm: 'aes256',
    friendlyName: options.friendlyName,
  });
  return {
    certPem: pem(issued),
    keyPem: issued.keyPem,
    chainPem: [pem(issuer)],
    p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'),
    passphrase,
  };
}
