import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * A throw-away PKI for the MSSanté simulator, shaped like the INSi simulator's
 * (infra/simulators/insi/src/pki.ts): a root and an "ORGANISATIONS" intermediate named like the
 * IGC-Santé test chain, a server certificate for localhost, and organisation client
 * certificates (ORG AUTH_CLI, national-services.md §2.1) for applicative mailboxes.
 *
 * How a certificate names its mailbox (our rule; the reference does not give the real one):
 * the address is the certificate's subjectAltName rfc822Name, or else its CN when the CN is an
 * address. Generated at test time: no private key is ever committed.
 */
export interface MssanteTestPkiOptions {
  /** Reference instant of the validity periods (TLS peers check against the real clock). */
  now: Date;
  /** The applicative mailbox of the main client certificate. */
  mailbox?: string;
  /** Another applicative mailbox (same CA), to test that a certificate only sends as its own. */
  otherMailbox?: string;
  /** Structure identifier written in OU (`1` + FINESS, `3` + SIRET). */
  structureId?: string;
  organisationName?: string;
  passphrase?: string;
}

export interface TestCertificatePems {
  certPem: string;
  keyPem: string;
}

export interface TestClientCertificate extends TestCertificatePems {
  /** Issuing CAs, intermediate first. */
  chainPem: string[];
  /** The same certificate, key and chain as a PKCS#12 file (AES-256), as a practice uploads it. */
  p12: Buffer;
  passphrase: string;
  mailbox: string;
}

export interface MssanteTestPki {
  rootCaPem: string;
  caPem: string;
  /** What both sides trust: [intermediate, root]. */
  caChainPem: string[];
  /** Server certificate for localhost / 127.0.0.1 / ::1. */
  server: TestCertificatePems;
  clients: {
    /** The applicative mailbox `mailbox`, valid. */
    mailbox: TestClientCertificate;
    /** Another applicative mailbox, valid. */
    otherMailbox: TestClientCertificate;
    /** `mailbox`, expired yesterday. */
    expired: TestClientCertificate;
    /** `mailbox`, issued by an unrelated CA. */
    otherCa: TestClientCertificate;
  };
  otherCaPem: string;
}

const DAY = 86_400_000;

interface Issued {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  keyPem: string;
}

type Name = { shortName: string; value: string }[];

function issue(options: {
  subject: Name;
  issuer?: Issued;
  notBefore: Date;
  notAfter: Date;
  kind: 'ca' | 'server' | 'client';
  altNames?: { type: number; value?: string; ip?: string }[];
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

const pem = (issued: Issued) => forge.pki.certificateToPem(issued.cert);

export function createMssanteTestPki(options: MssanteTestPkiOptions): MssanteTestPki {
  const now = options.now.getTime();
  const mailbox = options.mailbox ?? 'rayon-test@imagerie-test.mssante.fr';
  const otherMailbox = options.otherMailbox ?? 'autre-bal@autre-cabinet.mssante.fr';
  const structureId = options.structureId ?? '1990000002';
  const organisation = options.organisationName ?? 'CABINET DE RADIOLOGIE RAYON TEST';
  const passphrase = options.passphrase ?? 'rayon-test-p12';
  const caValidity = { notBefore: new Date(now - 800 * DAY), notAfter: new Date(now + 3650 * DAY) };
  const leafValidity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };

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
      { shortName: 'O', value: 'SIMULATEUR MSSANTE RAYON' },
      { shortName: 'CN', value: 'localhost' },
    ],
    altNames: [
      { type: 2, value: 'localhost' },
      { type: 7, ip: '127.0.0.1' },
      { type: 7, ip: '::1' },
    ],
  });

  const client = (
    address: string,
    issuer: Issued,
    validity: { notBefore: Date; notAfter: Date },
  ): TestClientCertificate => {
    const issued = issue({
      kind: 'client',
      issuer,
      ...validity,
      subject: [
        { shortName: 'C', value: 'FR' },
        { shortName: 'O', value: organisation },
        { shortName: 'OU', value: structureId },
        { shortName: 'CN', value: address },
      ],
      altNames: [{ type: 1, value: address }],
    });
    const asn1 = forge.pkcs12.toPkcs12Asn1(issued.key, [issued.cert, issuer.cert], passphrase, {
      algorithm: 'aes256',
      friendlyName: address,
    });
    return {
      certPem: pem(issued),
      keyPem: issued.keyPem,
      chainPem: [pem(issuer)],
      p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'),
      passphrase,
      mailbox: address,
    };
  };

  return {
    rootCaPem: pem(root),
    caPem: pem(intermediate),
    caChainPem: [pem(intermediate), pem(root)],
    server: { certPem: pem(server), keyPem: server.keyPem },
    clients: {
      mailbox: client(mailbox, intermediate, leafValidity),
      otherMailbox: client(otherMailbox, intermediate, leafValidity),
      expired: client(mailbox, intermediate, {
        notBefore: new Date(now - 400 * DAY),
        notAfter: new Date(now - DAY),
      }),
      otherCa: client(mailbox, other, leafValidity),
    },
    otherCaPem: pem(other),
  };
}
